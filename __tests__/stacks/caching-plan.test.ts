import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { summarizePlan } from "../../scripts/plan-comment/index";
import { planEnvironment, type StackPlanResult } from "../../scripts/plan/plan-environment";
import { ApiStack } from "../../stacks/api-stack";
import { ENVIRONMENT_NAMES, environmentSettings, loadEnvironments, type EnvironmentName } from "../../stacks/config";
import { DataStack } from "../../stacks/data-stack";
import { NetworkStack } from "../../stacks/network-stack";
import { checkTooling } from "../../stacks/terraform/validate";
import { offlineAwsEnv, pointStacksAtSts, startSts, stopSts } from "../support/offline-plan";

/**
 * `terraform plan`, offline, of network, data and api of every environment with the API stage
 * cache turned on (docs/caching.md; it is off in every environment's config, so the main plan
 * test never plans it): a fresh environment, each downstream against its upstream's planned
 * outputs, the provider's one AWS call (STS) answered by a loopback double, as
 * __tests__/stacks/terraform-plan.test.ts does.
 */
const STACKS = ["network", "data", "api"] as const;

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform plan skipped: ${tooling.reason}`);
  test.skip(`terraform plan with the stage cache on (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} plan, offline, the stage cache on`, () => {
    let root: string;
    let sts: Server | undefined;
    const results: Partial<Record<EnvironmentName, StackPlanResult[]>> = {};
    const plansDir = (env: string) => join(root, "plans", env);

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), "cache-plan-"));
      const outdir = join(root, "cdktf.out");
      // Local state under root, never a bucket of the machine's environment.
      const configs = loadEnvironments(environmentSettings({ LOCAL_STATE_DIR: join(root, "state") }));
      const app = new App({ outdir, stackTraces: false });
      for (const env of ENVIRONMENT_NAMES) {
        const config = {
          ...configs[env],
          api: { ...configs[env].api, stageCache: { enabled: true, clusterSizeGb: "0.5" as const, ttlSeconds: 60 } },
        };
        const network = new NetworkStack(app, config);
        const data = new DataStack(app, config, network.outputs);
        new ApiStack(app, config, network.outputs, data.outputs);
      }
      app.synth();
      sts = await startSts();
      pointStacksAtSts(outdir, sts);
      for (const env of ENVIRONMENT_NAMES) {
        results[env] = await planEnvironment({
          outDir: outdir,
          environment: env,
          plansDir: plansDir(env),
          workDir: join(root, "work", env),
          tooling: tooling.tooling,
          env: offlineAwsEnv(),
          stacks: STACKS.map((kind) => `${kind}-${env}`),
          concurrency: 1,
        });
      }
    }, 900_000);

    afterAll(async () => {
      await stopSts(sts);
      if (root) rmSync(root, { recursive: true, force: true });
    });

    test.each(ENVIRONMENT_NAMES)("%s: network, data and api plan, the stage and its cached methods created", (env) => {
      const list = results[env] ?? [];
      expect(list.map((r) => r.stack)).toEqual(STACKS.map((kind) => `${kind}-${env}`));
      for (const r of list) if (!r.ok) throw new Error(`${r.stack} failed:\n${r.error}`);
      const plan = JSON.parse(readFileSync(join(plansDir(env), `api-${env}.json`), "utf8"));
      const summary = summarizePlan(plan);
      expect(summary.errored).toBe(false);
      expect(summary.counts).toMatchObject({ change: 0, destroy: 0 });
      const created = (type: string) =>
        (plan.resource_changes as { type: string; change: { actions: string[] } }[]).filter(
          (c) => c.type === type && c.change.actions.includes("create"),
        ).length;
      expect(created("aws_api_gateway_stage")).toBe(1);
      expect(created("aws_api_gateway_method_settings")).toBe(6); // */* and the five cached report routes
    });
  });
}
