import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { summarizePlan } from "../../scripts/plan-comment/index";
import { planEnvironment, type StackPlanResult } from "../../scripts/plan/plan-environment";
import { ApiStack } from "../../stacks/api-stack";
import {
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  type EnvironmentConfig,
  type EnvironmentName,
  validateEnvironment,
} from "../../stacks/config";
import { DataStack } from "../../stacks/data-stack";
import { NetworkStack } from "../../stacks/network-stack";
import { checkTooling } from "../../stacks/terraform/validate";
import { offlineAwsEnv, pointStacksAtSts, startSts, stopSts } from "../support/offline-plan";

/**
 * `terraform plan`, offline, of network, data and api of every environment with Aurora MySQL and
 * readers (docs/read-replicas.md; engine is rds-mysql in every environment's config, so the main
 * plan test never plans it), as withAurora below sets it. A fresh environment, each downstream
 * against its upstream's planned outputs, the provider's one AWS call (STS) answered by a loopback
 * double, as __tests__/stacks/terraform-plan.test.ts does.
 */
const STACKS = ["network", "data", "api"] as const;

/**
 * Aurora in place of the instance with each environment's own Aurora settings (dev 0.5-2 ACU and
 * staging 0.5-8 ACU on Serverless v2, prod on db.r7g.xlarge), two readers in prod, one elsewhere;
 * validated, the instance-only options off (validation refuses them with Aurora).
 */
function withAurora(config: EnvironmentConfig): EnvironmentConfig {
  return validateEnvironment(config.name, {
    ...config,
    database: {
      ...config.database,
      engine: "aurora-mysql",
      aurora: { ...config.database.aurora, readers: config.name === "prod" ? 2 : 1 },
      backupReplication: { ...config.database.backupReplication, enabled: false },
    },
  });
}

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform plan skipped: ${tooling.reason}`);
  test.skip(`terraform plan with Aurora (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} plan, offline, Aurora with readers`, () => {
    let root: string;
    let sts: Server | undefined;
    const results: Partial<Record<EnvironmentName, StackPlanResult[]>> = {};
    const plansDir = (env: string) => join(root, "plans", env);

    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), "aurora-plan-"));
      const outdir = join(root, "cdktf.out");
      // Local state under root, never a bucket of the machine's environment.
      const configs = loadEnvironments(environmentSettings({ LOCAL_STATE_DIR: join(root, "state") }));
      const app = new App({ outdir, stackTraces: false });
      for (const env of ENVIRONMENT_NAMES) {
        const config = withAurora(configs[env]);
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

    const changes = (env: EnvironmentName, stack: string) =>
      (
        JSON.parse(readFileSync(join(plansDir(env), `${stack}-${env}.json`), "utf8")).resource_changes as {
          type: string;
          change: { actions: string[] };
        }[]
      ).filter((c) => c.change.actions.includes("create"));

    test.each(ENVIRONMENT_NAMES)(
      "%s: network, data and api plan; the cluster, its instances, the read-only endpoint",
      (env) => {
        const list = results[env] ?? [];
        expect(list.map((r) => r.stack)).toEqual(STACKS.map((kind) => `${kind}-${env}`));
        for (const r of list) if (!r.ok) throw new Error(`${r.stack} failed:\n${r.error}`);
        for (const stack of STACKS) {
          const summary = summarizePlan(JSON.parse(readFileSync(join(plansDir(env), `${stack}-${env}.json`), "utf8")));
          expect(summary.errored).toBe(false);
          expect(summary.counts).toMatchObject({ change: 0, destroy: 0 });
        }
        const data = changes(env, "data");
        const count = (type: string) => data.filter((c) => c.type === type).length;
        expect(count("aws_rds_cluster")).toBe(1);
        expect(count("aws_rds_cluster_instance")).toBe(env === "prod" ? 3 : 2);
        expect(count("aws_db_instance")).toBe(0);
        expect(count("aws_db_proxy_endpoint")).toBe(1);
        // The reduced JSON plan keeps no values; the text plan shows them.
        const text = (stack: string) => readFileSync(join(plansDir(env), `${stack}-${env}.txt`), "utf8");
        expect(text("data")).toMatch(/target_role\s+=\s+"READ_ONLY"/);
        // Only the reports function is given the read-only endpoint.
        expect(text("api").match(/"?DB_PROXY_READER_ENDPOINT"?\s+=/g) ?? []).toHaveLength(1);
      },
    );
  });
}
