import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../stacks/app";
import { selectedEnvironments } from "../../stacks/config";
import { checkTooling, cliConfig, findProviderSource, formatValidation, validateSynthOutput, type StackValidation } from "../../stacks/terraform/validate";

/**
 * `terraform init -backend=false && terraform validate` in every stack of a fresh synth: the
 * synthesized JSON against the real AWS provider schema. Offline, providers come from the
 * filesystem mirror (TF_PLUGIN_MIRROR or found under /opt/tf-plugins); in GitHub Actions
 * TF_PLUGIN_MIRROR=none installs them from the registry. Without terraform or a mirror the test
 * says why and skips. CDKTF_ENVIRONMENTS=dev narrows it to one environment (4 stacks).
 */
const KINDS = ["network", "data", "api", "observability"] as const;
const environments = selectedEnvironments();
const expected = environments.flatMap((env) => KINDS.map((kind) => `${kind}-${env}`));
const check = checkTooling();

describe("provider source and CLI config", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "tf-mirror-"));
    mkdirSync(join(root, "nested", "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), { recursive: true });
    mkdirSync(join(root, "empty"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("TF_PLUGIN_MIRROR=none installs from the registry: no provider_installation block, still one shared cache", () => {
    expect(findProviderSource({ TF_PLUGIN_MIRROR: "none" })).toEqual({ kind: "registry" });
    const config = cliConfig({ kind: "registry" }, "/cache");
    expect(config).toContain('plugin_cache_dir = "/cache"');
    expect(config).not.toContain("provider_installation");
  });

  test("TF_PLUGIN_MIRROR=<dir> finds the mirror root (the folder holding registry.terraform.io) below it", () => {
    expect(findProviderSource({ TF_PLUGIN_MIRROR: root })).toEqual({ kind: "mirror", path: join(root, "nested") });
    const config = cliConfig({ kind: "mirror", path: join(root, "nested") }, "/cache");
    expect(config).toContain(`path    = "${join(root, "nested")}"`);
    expect(config).toContain('direct { exclude = ["registry.terraform.io/*/*"] }');
  });

  test("a mirror without the AWS provider is reported as missing", () => {
    const source = findProviderSource({ TF_PLUGIN_MIRROR: join(root, "empty") });
    expect(source).toMatchObject({ kind: "missing", reason: expect.stringContaining("holds no registry.terraform.io/hashicorp/aws") });
  });
});

if (!check.ok) {
  console.warn(`terraform validate skipped: ${check.reason}`);
  test.skip(`terraform validate of every stack (skipped: ${check.reason})`, () => undefined);
} else {
  const { tooling } = check;
  describe(`terraform ${tooling.version} validate (providers from ${tooling.providers.kind === "mirror" ? tooling.providers.path : "the registry"})`, () => {
    let outdir: string;
    const results = new Map<string, StackValidation>();

    beforeAll(async () => {
      outdir = mkdtempSync(join(tmpdir(), "tf-validate-"));
      const app = new App({ outdir });
      buildApp(app, environments);
      app.synth();
      const started = Date.now();
      const lines: string[] = [];
      for (const result of await validateSynthOutput(outdir, { tooling, concurrency: 2, log: (line) => lines.push(line) })) results.set(result.stack, result);
      console.info(`terraform validate: ${results.size} stacks in ${((Date.now() - started) / 1000).toFixed(1)} s\n${lines.join("\n")}`);
    }, 900_000);

    afterAll(() => {
      if (outdir) rmSync(outdir, { recursive: true, force: true });
    });

    test("validated every stack of the synth", () => {
      expect([...results.keys()].sort()).toEqual([...expected].sort());
    });

    test.each(expected)("%s is valid", (stack) => {
      const result = results.get(stack);
      expect(result).toBeDefined();
      if (result && !result.valid) throw new Error(`terraform validate failed:\n${formatValidation(result)}`);
      expect(result?.errors).toEqual([]);
    });
  });
}
