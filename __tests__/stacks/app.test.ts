import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../stacks/app";
import { ENVIRONMENT_NAMES, loadEnvironments } from "../../stacks/config";
import { checkSynthOutput, formatViolations } from "../../stacks/policy";
import {
  checkTooling,
  formatValidation,
  validateSynthOutputAsOneRoot,
  type StackValidation,
} from "../../stacks/terraform/validate";

/**
 * The whole app, synthesized once for every environment (as `npx cdktf synth` does): the
 * stacks it writes, the project's policy rules over them, and the real `terraform validate`
 * against the AWS provider schema (offline from the provider mirror; skipped, saying why,
 * where terraform or the provider is missing).
 */
const KINDS = ["bootstrap", "network", "data", "api", "observability", "web"] as const;
const expected = ENVIRONMENT_NAMES.flatMap((env) => KINDS.map((kind) => `${kind}-${env}`));
let outdir: string;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "analytics-app-"));
  const app = new App({ outdir });
  buildApp(app, ENVIRONMENT_NAMES);
  app.synth();
}, 180_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test("synthesizes the bootstrap stack and the five deployed stacks per environment, named with the environment", () => {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, unknown>;
  };
  expect(Object.keys(manifest.stacks).sort()).toEqual([...expected].sort());
});

test("tags every resource through its provider: each AWS provider of every stack and region has default tags", () => {
  const configs = loadEnvironments();
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const regions: string[] = [];
  for (const env of ENVIRONMENT_NAMES) {
    for (const kind of KINDS) {
      const stack = `${kind}-${env}`;
      const tf = JSON.parse(readFileSync(join(outdir, manifest.stacks[stack].synthesizedStackPath), "utf8")) as {
        provider: { aws: { alias?: string; region: string; default_tags: unknown }[] };
        resource: Record<string, Record<string, { provider?: string; tags?: Record<string, string> }>>;
      };
      for (const provider of tf.provider.aws) {
        expect({ stack, alias: provider.alias, tags: provider.default_tags }).toEqual({
          stack,
          alias: provider.alias,
          tags: [{ tags: configs[env].tags }],
        });
        regions.push(`${stack}:${provider.alias ?? "aws"}:${provider.region}`);
      }
      // No resource overrides a cost allocation tag with a value of its own.
      for (const byName of Object.values(tf.resource ?? {}))
        for (const resource of Object.values(byName))
          for (const key of Object.keys(configs[env].tags)) expect(resource.tags?.[key]).toBeUndefined();
    }
  }
  // prod's data stack also creates resources in the second region of its backups.
  expect(regions).toContain("data-prod:backup_region:eu-central-1");
});

test("passes every policy rule", () => {
  expect(formatViolations(checkSynthOutput(outdir))).toBe("");
});

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform validate skipped: ${tooling.reason}`);
  test.skip(`terraform validate (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} validate`, () => {
    const results = new Map<string, StackValidation>();
    beforeAll(async () => {
      for (const result of await validateSynthOutputAsOneRoot(outdir, { tooling: tooling.tooling }))
        results.set(result.stack, result);
    }, 600_000);

    test.each(expected)("%s is valid", (stack) => {
      const result = results.get(stack);
      expect(result).toBeDefined();
      if (result && !result.valid) throw new Error(`terraform validate failed:\n${formatValidation(result)}`);
    });
  });
}
