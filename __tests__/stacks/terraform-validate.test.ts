import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliConfig, findProviderSource } from "../../stacks/terraform/validate";

/**
 * Where terraform validate gets the AWS provider: offline from a filesystem mirror
 * (TF_PLUGIN_MIRROR or found under /opt/tf-plugins), in GitHub Actions (TF_PLUGIN_MIRROR=none)
 * from the registry. The validation of every synthesized stack runs in __tests__/stacks/app.test.ts.
 */

describe("provider source and CLI config", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "tf-mirror-"));
    mkdirSync(join(root, "nested", "registry.terraform.io", "hashicorp", "aws", "5.100.0", "linux_amd64"), {
      recursive: true,
    });
    mkdirSync(join(root, "empty"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("TF_PLUGIN_MIRROR=none uses the registry: no provider_installation block, still one shared cache", () => {
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
    expect(source).toMatchObject({
      kind: "missing",
      reason: expect.stringContaining("holds no registry.terraform.io/hashicorp/aws"),
    });
  });
});
