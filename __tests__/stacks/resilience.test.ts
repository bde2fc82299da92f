import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing } from "cdktf";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  type EnvironmentConfig,
  type EnvironmentName,
} from "../../stacks/config";
import { isTimeZone, runningHoursPerWeek } from "../../stacks/config/resilience";
import { CostBudget } from "../../stacks/constructs/observability/budget";
import { AlarmTopics } from "../../stacks/constructs/observability/alarm-topics";
import type { NetworkOutputs } from "../../stacks/contracts";
import { DataStack } from "../../stacks/data-stack";
import { EnvironmentStack } from "../../stacks/environment-stack";
import { checkStack, type TerraformJson } from "../../stacks/policy";
import { backupReplication as replicationRule } from "../../stacks/policy/backup-replication";
import { checkTooling, formatValidation, validateSynthOutputAsOneRoot } from "../../stacks/terraform/validate";

/**
 * Issue 15, items 4 and 5 (docs/disaster-recovery.md, docs/costs.md): prod's automated backups
 * replicated to a second region under a key of that region, the stop schedule for a database
 * outside working hours (off by default), and each environment's budget with forecast
 * notifications to the warning topic. Synthesized per environment with cdktf's Testing API; the
 * options that are off everywhere are synthesized switched on and checked by `terraform validate`.
 */
type Block = Record<string, unknown>;
type Tf = { provider: { aws: Block[] }; resource: Record<string, Record<string, Block>>; output?: Block; data?: Block };

const network: NetworkOutputs = {
  vpcId: "vpc-1",
  publicSubnetIds: ["subnet-pub1", "subnet-pub2", "subnet-pub3"],
  privateSubnetIds: ["subnet-p1", "subnet-p2", "subnet-p3"],
  databaseSubnetIds: ["subnet-d1", "subnet-d2", "subnet-d3"],
  lambdaSecurityGroupId: "sg-lambda",
  proxySecurityGroupId: "sg-proxy",
  databaseSecurityGroupId: "sg-database",
  logsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/logs",
};

const configs = loadEnvironments(environmentSettings({}));
const withChange = (name: EnvironmentName, change: (c: EnvironmentConfig) => void) => {
  const all = environmentSettings({});
  change(all[name]);
  return all;
};
const problemsOf = (settings: Record<string, unknown>): string[] => {
  try {
    loadEnvironments(settings);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

const dataJson = (config: EnvironmentConfig): Tf =>
  JSON.parse(Testing.synth(new DataStack(Testing.app(), config, network)));
const all = (tf: Tf, type: string) => Object.entries(tf.resource[type] ?? {});
const one = (tf: Tf, type: string): [string, Block] => {
  const found = all(tf, type);
  expect(found).toHaveLength(1);
  return found[0];
};
const statements = (tf: Tf, name: string) =>
  (tf.data?.aws_iam_policy_document as Record<string, Block>)[name].statement as Block[];
const nameOf = (reference: unknown, type: string) =>
  new RegExp(`^\\$\\{(?:data\\.)?${type}\\.([^.}]+)\\.`).exec(String(reference))?.[1] ?? "";

/** The budget as the observability stack builds it: the alarm topics and the budget on the warning one. */
function budgetJson(config: EnvironmentConfig): Tf {
  const stack = new EnvironmentStack(Testing.app(), "observability", config);
  const account = { accountId: "111122223333", partition: "aws", region: config.region };
  const topics = new AlarmTopics(stack, "topics", {
    prefix: stack.prefix,
    account,
    emails: { critical: [], warning: [] },
  });
  new CostBudget(stack, "budget", {
    prefix: stack.prefix,
    settings: config.budget,
    costCenter: config.tags["cost-center"],
    topicArn: topics.arns.warning,
    topicPolicy: topics.policies.warning,
  });
  return JSON.parse(Testing.synth(stack));
}

describe("config", () => {
  it("replicates prod's backups to eu-central-1 for 7 days; dev and staging replicate nothing", () => {
    expect(configs.prod.database.backupReplication).toEqual({
      enabled: true,
      region: "eu-central-1",
      retentionDays: 7,
    });
    expect(configs.dev.database.backupReplication.enabled).toBe(false);
    expect(configs.staging.database.backupReplication.enabled).toBe(false);
  });

  it("stops no database on a schedule by default; the schedule's hours are Europe/Dublin 07-20 on weekdays", () => {
    for (const env of ENVIRONMENT_NAMES) expect(configs[env].database.stopSchedule.enabled).toBe(false);
    expect(configs.dev.database.stopSchedule).toEqual({
      enabled: false,
      timeZone: "Europe/Dublin",
      days: "MON-FRI",
      startHour: 7,
      stopHour: 20,
    });
    expect(runningHoursPerWeek(configs.dev.database.stopSchedule)).toBe(65);
    expect(runningHoursPerWeek({ days: "MON-SUN", startHour: 0, stopHour: 23 })).toBe(161);
  });

  it("gives every environment a monthly budget on the whole account, with forecast alerts at 80 and 100 %", () => {
    expect(Object.fromEntries(ENVIRONMENT_NAMES.map((env) => [env, configs[env].budget]))).toEqual({
      dev: { monthlyLimitUsd: 150, forecastAlertPercents: [80, 100], scope: "account" },
      staging: { monthlyLimitUsd: 300, forecastAlertPercents: [80, 100], scope: "account" },
      prod: { monthlyLimitUsd: 800, forecastAlertPercents: [80, 100], scope: "account" },
    });
  });

  it("rejects a second region that is the environment's own or unknown, naming the field", () => {
    expect(problemsOf(withChange("prod", (c) => (c.database.backupReplication.region = "eu-west-1")))).toEqual([
      "prod.database.backupReplication.region: is the environment's own region eu-west-1",
    ]);
    expect(problemsOf(withChange("prod", (c) => (c.database.backupReplication.region = "mars-1")))).toEqual([
      expect.stringContaining("prod.database.backupReplication.region"),
    ]);
    expect(problemsOf(withChange("prod", (c) => (c.database.backupReplication.retentionDays = 36)))).toEqual([
      expect.stringContaining("prod.database.backupReplication.retentionDays"),
    ]);
  });

  it("rejects a stop before the start, an unknown time zone, and a schedule on a protected database", () => {
    expect(problemsOf(withChange("dev", (c) => (c.database.stopSchedule.stopHour = 7)))).toEqual([
      "dev.database.stopSchedule.stopHour: 7 is not after startHour 7",
    ]);
    expect(problemsOf(withChange("dev", (c) => (c.database.stopSchedule.timeZone = "Dublin")))).toEqual([
      expect.stringContaining("dev.database.stopSchedule.timeZone"),
    ]);
    expect(problemsOf(withChange("prod", (c) => (c.database.stopSchedule.enabled = true)))).toEqual([
      expect.stringContaining("prod.database.stopSchedule.enabled: a protected database"),
    ]);
    expect(isTimeZone("Europe/Dublin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Europe/Nowhere")).toBe(false);
  });

  it("rejects a budget of no dollars, no alert or a repeated percentage", () => {
    expect(problemsOf(withChange("dev", (c) => (c.budget.monthlyLimitUsd = 0)))).toEqual([
      expect.stringContaining("dev.budget.monthlyLimitUsd"),
    ]);
    expect(problemsOf(withChange("dev", (c) => (c.budget.forecastAlertPercents = [])))).toEqual([
      expect.stringContaining("dev.budget.forecastAlertPercents"),
    ]);
    expect(problemsOf(withChange("dev", (c) => (c.budget.forecastAlertPercents = [80, 80])))).toEqual([
      "dev.budget.forecastAlertPercents: 80, 80 repeats a percentage",
    ]);
  });
});

describe("backup replication (prod)", () => {
  const tf = dataJson(configs.prod);

  it("adds a provider for eu-central-1 with the environment's default tags (cost allocation tags there too)", () => {
    expect(tf.provider.aws).toEqual([
      { region: "eu-west-1", default_tags: [{ tags: configs.prod.tags }] },
      { alias: "backup_region", region: "eu-central-1", default_tags: [{ tags: configs.prod.tags }] },
    ]);
  });

  it("replicates the instance's automated backups for 7 days under a key of the second region", () => {
    const [, replication] = one(tf, "aws_db_instance_automated_backups_replication");
    const [instanceName] = one(tf, "aws_db_instance");
    expect(replication).toMatchObject({
      provider: "aws.backup_region",
      source_db_instance_arn: `\${aws_db_instance.${instanceName}.arn}`,
      retention_period: 7,
    });
    const key = tf.resource.aws_kms_key[nameOf(replication.kms_key_id, "aws_kms_key")];
    expect(key).toMatchObject({
      provider: "aws.backup_region",
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
      multi_region: false,
    });
    // The project's key policy: the account administers the key through IAM, nothing else.
    expect(statements(tf, nameOf(key.policy, "aws_iam_policy_document"))).toEqual([
      expect.objectContaining({
        sid: "AccountAdministersKeyThroughIam",
        principals: [
          {
            type: "AWS",
            identifiers: [
              "arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:root",
            ],
          },
        ],
        actions: ["kms:*"],
      }),
    ]);
    const aliases = all(tf, "aws_kms_alias").map(([, a]) => a);
    expect(aliases).toContainEqual(
      expect.objectContaining({ provider: "aws.backup_region", name: "alias/ecommerce-analytics-prod-db-backups" }),
    );
  });

  it("keeps the primary region's resources on the default provider", () => {
    const regional = Object.entries(tf.resource).flatMap(([type, byName]) =>
      Object.values(byName)
        .filter((r) => r.provider !== undefined)
        .map(() => type),
    );
    expect(regional.sort()).toEqual(["aws_db_instance_automated_backups_replication", "aws_kms_alias", "aws_kms_key"]);
  });

  it("outputs the second region, the replicated backups' ARN and their key for the runbook", () => {
    expect(Object.keys(tf.output ?? {})).toEqual(
      expect.arrayContaining(["backup-replication-region", "replicated-backups-arn", "backup-replication-key-arn"]),
    );
    expect((tf.output?.["backup-replication-region"] as Block).value).toBe("eu-central-1");
  });

  it.each(["dev", "staging"] as const)("%s replicates nothing and has one provider", (env) => {
    const json = dataJson(configs[env]);
    expect(json.resource.aws_db_instance_automated_backups_replication).toBeUndefined();
    expect(json.provider.aws).toHaveLength(1);
    expect(Object.keys(json.output ?? {}).filter((o) => o.startsWith("backup-"))).toEqual([]);
  });

  it("passes every policy rule", () => {
    expect(checkStack(tf as unknown as TerraformJson, "data-prod")).toEqual([]);
  });
});

describe("policy rule rds-backup-replica-encrypted-in-its-region", () => {
  const providers = {
    aws: [{ region: "eu-west-1" }, { alias: "backup_region", region: "eu-central-1" }],
  };
  const tfWith = (replication: Block, keyProvider?: string): TerraformJson => ({
    provider: providers,
    resource: {
      aws_db_instance: { db: { storage_encrypted: true } },
      aws_kms_key: { backups: keyProvider ? { provider: keyProvider } : {} },
      aws_db_instance_automated_backups_replication: {
        copy: { provider: "aws.backup_region", source_db_instance_arn: "${aws_db_instance.db.arn}", ...replication },
      },
    },
  });
  const messages = (tf: TerraformJson) => replicationRule.check(tf).map((f) => f.message);

  it("passes a copy under a key of its own region", () => {
    expect(messages(tfWith({ kms_key_id: "${aws_kms_key.backups.arn}" }, "aws.backup_region"))).toEqual([]);
    expect(messages(tfWith({ kms_key_id: "arn:aws:kms:eu-central-1:111122223333:key/abc" }))).toEqual([]);
  });

  it("fails a copy without a key, under a key of the source region, or kept in the source region", () => {
    expect(messages(tfWith({}))).toEqual([
      "no kms_key_id: the copies would be encrypted with the AWS-managed aws/rds key",
    ]);
    expect(messages(tfWith({ kms_key_id: "${aws_kms_key.backups.arn}" }))).toEqual([
      "kms_key_id is a key of eu-west-1, not of the replica's region eu-central-1",
    ]);
    expect(messages(tfWith({ kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/abc" }))).toEqual([
      "kms_key_id is a key of eu-west-1, not of the replica's region eu-central-1",
    ]);
    expect(messages(tfWith({ kms_key_id: "${aws_kms_key.elsewhere.arn}" }))).toEqual([
      "kms_key_id ${aws_kms_key.elsewhere.arn} is not a KMS key of this stack",
    ]);
    expect(messages(tfWith({ provider: "aws", kms_key_id: "arn:aws:kms:eu-west-1:111122223333:key/abc" }))).toEqual([
      "the copies stay in the source instance's region eu-west-1",
    ]);
    expect(checkStack(tfWith({}), "data-bad").map((v) => v.rule)).toEqual([
      "rds-backup-replica-encrypted-in-its-region",
    ]);
  });
});

describe("stop schedule", () => {
  const scheduled = loadEnvironments(withChange("dev", (c) => (c.database.stopSchedule.enabled = true))).dev;
  const tf = dataJson(scheduled);

  it("is off everywhere by default: no schedule and no scheduler role", () => {
    for (const env of ENVIRONMENT_NAMES) {
      const json = dataJson(configs[env]);
      expect(json.resource.aws_scheduler_schedule).toBeUndefined();
    }
  });

  it("switched on, stops the instance at 20:00 and starts it at 07:00 Europe/Dublin on weekdays", () => {
    const schedules = Object.fromEntries(all(tf, "aws_scheduler_schedule").map(([, s]) => [s.name, s]));
    const [instanceName] = one(tf, "aws_db_instance");
    const target = (action: string) => ({
      arn: `arn:\${data.aws_partition.partition.partition}:scheduler:::aws-sdk:rds:${action}DBInstance`,
      input: JSON.stringify({ DbInstanceIdentifier: `\${aws_db_instance.${instanceName}.identifier}` }),
    });
    expect(schedules["ecommerce-analytics-dev-db-stop"]).toMatchObject({
      schedule_expression: "cron(0 20 ? * MON-FRI *)",
      schedule_expression_timezone: "Europe/Dublin",
      flexible_time_window: { mode: "OFF" },
      state: "ENABLED",
      target: target("stop"),
    });
    expect(schedules["ecommerce-analytics-dev-db-start"]).toMatchObject({
      schedule_expression: "cron(0 7 ? * MON-FRI *)",
      schedule_expression_timezone: "Europe/Dublin",
      target: target("start"),
    });
  });

  it("runs as a role only this account's schedules assume, allowed to stop and start this instance only", () => {
    const scheduleRole = all(tf, "aws_iam_role").find(([, r]) => r.name === "ecommerce-analytics-dev-db-schedule");
    expect(scheduleRole).toBeDefined();
    const trust = statements(tf, nameOf(scheduleRole?.[1].assume_role_policy, "aws_iam_policy_document"));
    expect(trust).toEqual([
      expect.objectContaining({
        principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
        condition: expect.arrayContaining([
          expect.objectContaining({ variable: "aws:SourceAccount" }),
          expect.objectContaining({
            variable: "aws:SourceArn",
            values: [
              expect.stringMatching(/:scheduler:eu-west-1:[^:]+:schedule-group\/default$/),
              expect.stringMatching(/:schedule\/default\/ecommerce-analytics-dev-db-\*$/),
            ],
          }),
        ]),
      }),
    ]);
    const [, policy] = all(tf, "aws_iam_role_policy").find(([, p]) => p.name === "stop-and-start") ?? [];
    const [instanceName] = one(tf, "aws_db_instance");
    expect(statements(tf, nameOf(policy?.policy, "aws_iam_policy_document"))).toEqual([
      expect.objectContaining({
        actions: ["rds:StopDBInstance", "rds:StartDBInstance"],
        resources: [`\${aws_db_instance.${instanceName}.arn}`],
      }),
    ]);
  });

  it("passes every policy rule", () => {
    expect(checkStack(tf as unknown as TerraformJson, "data-dev")).toEqual([]);
  });
});

describe.each(ENVIRONMENT_NAMES)("budget of %s", (env) => {
  const tf = budgetJson(configs[env]);

  it("is a monthly COST budget of the configured amount, forecast alerts at 80 and 100 % to the warning topic", () => {
    const [, budget] = one(tf, "aws_budgets_budget");
    const [warning] = all(tf, "aws_sns_topic").find(([, t]) => String(t.name).endsWith("-warning")) ?? [];
    expect(budget).toMatchObject({
      name: `ecommerce-analytics-${env}-monthly`,
      budget_type: "COST",
      time_unit: "MONTHLY",
      limit_amount: configs[env].budget.monthlyLimitUsd.toFixed(2),
      limit_unit: "USD",
    });
    expect(budget.cost_filter).toBeUndefined();
    expect(budget.notification).toEqual(
      [80, 100].map((threshold) => ({
        notification_type: "FORECASTED",
        comparison_operator: "GREATER_THAN",
        threshold,
        threshold_type: "PERCENTAGE",
        subscriber_sns_topic_arns: [`\${aws_sns_topic.${warning}.arn}`],
      })),
    );
    expect(budget.depends_on).toEqual([expect.stringMatching(/^aws_sns_topic_policy\.topics_warning-topic-policy/)]);
  });

  it("may publish to the warning topic (this account's budgets only) and use its key; not to the critical one", () => {
    const policyOf = (severity: string) => {
      const [, topicPolicy] =
        all(tf, "aws_sns_topic_policy").find(([name]) => name.startsWith(`topics_${severity}-topic-policy`)) ?? [];
      return statements(tf, nameOf(topicPolicy?.policy, "aws_iam_policy_document"));
    };
    const budgets = (list: Block[]) =>
      list.filter((s) => JSON.stringify(s.principals).includes("budgets.amazonaws.com"));
    expect(budgets(policyOf("warning"))).toEqual([
      expect.objectContaining({
        sid: "BudgetsPublish",
        actions: ["sns:Publish"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333"] },
          { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:budgets::111122223333:*"] },
        ],
      }),
    ]);
    expect(budgets(policyOf("critical"))).toEqual([]);
    const [, key] = one(tf, "aws_kms_key");
    expect(budgets(statements(tf, nameOf(key.policy, "aws_iam_policy_document")))).toEqual([
      expect.objectContaining({ sid: "BudgetsUseKey", actions: ["kms:Decrypt", "kms:GenerateDataKey*"] }),
    ]);
  });
});

describe("budget scoped to the cost-center tag", () => {
  it("filters on the user-defined cost allocation tag cost-center", () => {
    const config = loadEnvironments(withChange("staging", (c) => (c.budget.scope = "cost-center-tag"))).staging;
    const [, budget] = one(budgetJson(config), "aws_budgets_budget");
    expect(budget.cost_filter).toEqual([{ name: "TagKeyValue", values: ["user:cost-center$analytics-staging"] }]);
  });
});

describe("restoring from replicated backups (recovery only)", () => {
  const ARN = "arn:aws:rds:eu-central-1:111122223333:auto-backup:ab-abcdefghijklmnopqrstuvwxyz1234";
  const KEY = "arn:aws:kms:eu-central-1:111122223333:key/0b6c2b8e-5d1f-4c4e-9a52-6c1f3e9d7a10";
  const recovery = (restoreTime?: string) =>
    loadEnvironments(
      withChange("prod", (c) => {
        c.region = "eu-central-1";
        c.database.backupReplication = { enabled: false, region: "eu-west-1", retentionDays: 7 };
        c.database.restoreFrom = { automatedBackupsArn: ARN, kmsKeyArn: KEY, restoreTime };
      }),
    ).prod;

  it("is unset everywhere: every instance is created empty and ignores the setting once it exists", () => {
    for (const env of ENVIRONMENT_NAMES) {
      expect(configs[env].database.restoreFrom).toBeUndefined();
      const [, instance] = one(dataJson(configs[env]), "aws_db_instance");
      expect(instance.restore_to_point_in_time).toBeUndefined();
      expect(instance.db_name).toBe("analytics");
      expect(instance.lifecycle).toEqual({ ignore_changes: ["restore_to_point_in_time"] });
    }
  });

  it("restores the latest restorable time, or the configured one, without a database name", () => {
    const [, latest] = one(dataJson(recovery()), "aws_db_instance");
    expect(latest.restore_to_point_in_time).toEqual({
      source_db_instance_automated_backups_arn: ARN,
      use_latest_restorable_time: true,
    });
    expect(latest.db_name).toBeUndefined();
    // The backups' own key stays the storage key (another one would make the next plan replace it).
    expect(latest.kms_key_id).toBe(KEY);
    const [, pinned] = one(dataJson(recovery("2026-12-06T19:55:00Z")), "aws_db_instance");
    expect(pinned.restore_to_point_in_time).toEqual({
      source_db_instance_automated_backups_arn: ARN,
      restore_time: "2026-12-06T19:55:00Z",
    });
  });

  it("rejects backups or a key of another region, and an ARN or time that is not one", () => {
    const set = (change: (c: EnvironmentConfig) => void) => withChange("prod", change);
    const notAnArn = "arn:aws:rds:eu-central-1:1:db:x";
    expect(problemsOf(set((c) => (c.database.restoreFrom = { automatedBackupsArn: ARN, kmsKeyArn: KEY })))).toEqual([
      "prod.database.restoreFrom.automatedBackupsArn: backups in eu-central-1; " +
        "RDS restores them only in that region, " +
        "not in eu-west-1",
      "prod.database.restoreFrom.kmsKeyArn: a key of eu-central-1, not of eu-west-1",
    ]);
    expect(
      problemsOf(set((c) => (c.database.restoreFrom = { automatedBackupsArn: notAnArn, kmsKeyArn: KEY }))),
    ).toEqual([expect.stringContaining("prod.database.restoreFrom.automatedBackupsArn")]);
    expect(
      problemsOf(
        set((c) => {
          c.region = "eu-central-1";
          c.database.backupReplication.region = "eu-west-1";
          c.database.restoreFrom = { automatedBackupsArn: ARN, kmsKeyArn: KEY, restoreTime: "yesterday" };
        }),
      ),
    ).toEqual([expect.stringContaining("prod.database.restoreFrom.restoreTime")]);
  });
});

const tooling = checkTooling();
if (!tooling.ok) {
  test.skip(`terraform validate of the options switched on (skipped: ${tooling.reason})`, () => undefined);
} else {
  test("terraform validate: dev's stop schedule and tag-scoped budget, prod's backup copies, a restore", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "resilience-"));
    try {
      const app = new App({ outdir });
      const dev = loadEnvironments(
        withChange("dev", (c) => {
          c.database.stopSchedule.enabled = true;
          c.budget.scope = "cost-center-tag";
        }),
      ).dev;
      new DataStack(app, dev, network);
      new DataStack(app, configs.prod, network);
      // A recovery's data stack: restored from replicated backups in the second region.
      const recovery = loadEnvironments(
        withChange("staging", (c) => {
          c.region = "eu-central-1";
          c.database.backupReplication.region = "eu-west-1";
          c.database.restoreFrom = {
            automatedBackupsArn: "arn:aws:rds:eu-central-1:111122223333:auto-backup:ab-abcdefghijklmnopqrstuvwxyz1234",
            kmsKeyArn: "arn:aws:kms:eu-central-1:111122223333:key/0b6c2b8e-5d1f-4c4e-9a52-6c1f3e9d7a10",
          };
        }),
      ).staging;
      new DataStack(app, recovery, network);
      const observability = new EnvironmentStack(app, "observability", dev);
      const account = { accountId: "111122223333", partition: "aws", region: dev.region };
      const topics = new AlarmTopics(observability, "topics", {
        prefix: observability.prefix,
        account,
        emails: { critical: [], warning: [] },
      });
      new CostBudget(observability, "budget", {
        prefix: observability.prefix,
        settings: dev.budget,
        costCenter: dev.tags["cost-center"],
        topicArn: topics.arns.warning,
        topicPolicy: topics.policies.warning,
      });
      app.synth();
      const results = await validateSynthOutputAsOneRoot(outdir, { tooling: tooling.tooling });
      expect(results.map((r) => r.stack).sort()).toEqual([
        "data-dev",
        "data-prod",
        "data-staging",
        "observability-dev",
      ]);
      for (const result of results) if (!result.valid) throw new Error(formatValidation(result));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
}
