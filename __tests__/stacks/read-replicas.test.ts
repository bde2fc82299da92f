import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Testing, Token } from "cdktf";
import { ApiStack } from "../../stacks/api-stack";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  validateEnvironment,
  type EnvironmentConfig,
  type EnvironmentName,
} from "../../stacks/config";
import { auroraInstanceClass, auroraMaxConnections } from "../../stacks/config/aurora";
import { proxyConnectionLimit } from "../../stacks/config/capacity";
import { MYSQL_PARAMETERS } from "../../stacks/constructs/data/parameter-group";
import type { DataOutputs } from "../../stacks/contracts";
import { DataStack } from "../../stacks/data-stack";
import { DatabaseAlarms } from "../../stacks/constructs/observability/database-alarms";
import { checkStack, formatViolations } from "../../stacks/policy";
import { checkTooling, formatValidation, validateSynthOutput } from "../../stacks/terraform/validate";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/**
 * Aurora MySQL with readers (docs/read-replicas.md) over the synthesized Terraform of every
 * environment: off by default (no cluster, no read-only endpoint, reports without a reader
 * endpoint); turned on, the cluster with the RDS instance's settings, its readers, the proxy's
 * read-only endpoint and the reports' env pointing at it, lag and reader CPU alarms, the policy
 * rules passing, valid Terraform for the AWS provider.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const settings = environmentSettings({});
const configs = loadEnvironments(settings);
type Capacity = EnvironmentConfig["database"]["aurora"]["capacity"];
const withAurora = (
  config: EnvironmentConfig,
  readers = 1,
  capacity: Capacity = config.database.aurora.capacity,
): EnvironmentConfig => ({
  ...config,
  database: {
    ...config.database,
    engine: "aurora-mysql",
    aurora: { ...config.database.aurora, readers, capacity },
    // The instance-only options (validation refuses them with Aurora).
    backupReplication: { ...config.database.backupReplication, enabled: false },
    multiAz: readers > 0 && config.database.multiAz,
  },
});

const synthData = (config: EnvironmentConfig) => {
  const stack = new DataStack(Testing.app(), config, networkOutputs);
  return { stack, synth: JSON.parse(Testing.synth(stack)) as Synth, json: Testing.synth(stack) };
};
const all = (synth: Synth, type: string): Block[] => Object.values(synth.resource[type] ?? {});
const one = (synth: Synth, type: string): Block => {
  const blocks = all(synth, type);
  expect(blocks).toHaveLength(1);
  return blocks[0];
};

describe("the engine choice in the config", () => {
  const CAPACITY: Record<EnvironmentName, Capacity> = {
    dev: { kind: "serverless-v2", minAcu: 0.5, maxAcu: 2 },
    staging: { kind: "serverless-v2", minAcu: 0.5, maxAcu: 8 },
    prod: { kind: "provisioned", instanceClass: "db.r7g.xlarge" },
  };
  test.each(ENVIRONMENT_NAMES)("%s: RDS for MySQL by default, Aurora's settings stated", (env) => {
    expect(configs[env].database.engine).toBe("rds-mysql");
    expect(configs[env].database.aurora).toEqual({
      engineVersion: "8.4.mysql_aurora.8.4.7",
      parameterGroupFamily: "aurora-mysql8.4",
      capacity: CAPACITY[env],
      readers: 1,
      replicaLagAlarmMs: 1_000,
    });
  });

  test.each(ENVIRONMENT_NAMES)("%s: flipping the engine alone validates (prod: with its backup copies off)", (env) => {
    const database = { ...settings[env].database, engine: "aurora-mysql" };
    if (env === "prod") database.backupReplication = { ...database.backupReplication, enabled: false };
    expect(validateEnvironment(env, { ...settings[env], database }).database.engine).toBe("aurora-mysql");
  });

  test("a micro class on provisioned Aurora is refused", () => {
    const capacity = { kind: "provisioned", instanceClass: "db.t4g.micro" };
    expect(problems("dev", { engine: "aurora-mysql", aurora: aurora("dev", { capacity }) }).join("\n")).toMatch(
      /dev\.database\.aurora\.capacity\.instanceClass: .*Aurora has no micro or small/,
    );
  });

  const raw = (env: EnvironmentName, database: Record<string, unknown>) => ({
    ...settings[env],
    database: { ...settings[env].database, ...database },
  });
  const problems = (env: EnvironmentName, database: Record<string, unknown>): string[] => {
    try {
      validateEnvironment(env, raw(env, database));
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };
  const aurora = (env: EnvironmentName, changes: Record<string, unknown>) => ({
    ...settings[env].database.aurora,
    ...changes,
  });

  test("Aurora with Serverless v2 readers validates", () => {
    const capacity = { kind: "serverless-v2", minAcu: 0.5, maxAcu: 8 };
    expect(problems("staging", { engine: "aurora-mysql", aurora: aurora("staging", { capacity }) })).toEqual([]);
  });

  test.each([
    [{ engine: "aurora" }, /staging\.database\.engine/],
    [{ aurora: aurora("staging", { engineVersion: "8.0.mysql_aurora.3.10.0" }) }, /aurora\.engineVersion/],
    [{ aurora: aurora("staging", { readers: 16 }) }, /aurora\.readers/],
    [{ aurora: aurora("staging", { capacity: { kind: "serverless-v2", minAcu: 0, maxAcu: 4 } }) }, /minAcu/],
    [{ aurora: aurora("staging", { capacity: { kind: "serverless-v2", minAcu: 1.25, maxAcu: 4 } }) }, /0\.5/],
    [{ aurora: aurora("staging", { capacity: { kind: "provisioned", minAcu: 1 } }) }, /capacity/],
  ])("refused: %j", (database, message) => {
    expect(problems("staging", database).join("\n")).toMatch(message);
  });

  test.each([
    [
      {
        engine: "aurora-mysql",
        aurora: aurora("staging", { capacity: { kind: "serverless-v2", minAcu: 4, maxAcu: 2 } }),
      },
      "staging.database.aurora.capacity.maxAcu: 2 is below minAcu 4",
    ],
    [
      { engine: "aurora-mysql", aurora: aurora("staging", { readers: 0 }) },
      "staging.database.multiAz: Aurora fails over to a reader; multiAz needs aurora.readers of 1 or more",
    ],
  ])("refused across fields: %j", (database, message) => {
    expect(problems("staging", database)).toContain(message);
  });

  test("prod's backup replication (an RDS instance's) is refused with Aurora", () => {
    expect(problems("prod", { engine: "aurora-mysql" })).toContain(
      "prod.database.backupReplication: replicates an RDS instance's backups; not built for Aurora",
    );
  });

  test("the proxy's connection limit follows Aurora's max_connections", () => {
    // AWS's published defaults: db.t4g.medium 90, db.r7g.large 1,000, db.r7g.xlarge 2,000; ours never above them.
    expect(auroraMaxConnections(4)).toBe(85);
    expect(auroraMaxConnections(16)).toBe(897);
    expect(auroraMaxConnections(32)).toBe(1947);
    // Prod's reservations (1,027 connections) need the db.r7g.xlarge: the large's 90 % of 897 is 807.
    expect(proxyConnectionLimit(withAurora(configs.prod))).toBe(Math.floor((1947 * 90) / 100));
    const large = withAurora(configs.prod, 1, { kind: "provisioned", instanceClass: "db.r7g.large" });
    expect(() => validateEnvironment("prod", large)).toThrow(/1027 connections .* more than the 807 RDS Proxy/);
    // Staging's reservations (237 connections) do not fit db.t4g.medium's 90 on Aurora: validation says so.
    const provisioned = withAurora(configs.staging, 1, { kind: "provisioned", instanceClass: "db.t4g.medium" });
    expect(() => validateEnvironment("staging", provisioned)).toThrow(/more than the \d+ RDS Proxy/);
    // At its configured Serverless v2 maximum (8 ACU, ~16 GiB: 807 connections) they do.
    const serverless = withAurora(configs.staging);
    expect(validateEnvironment("staging", serverless).database.engine).toBe("aurora-mysql");
  });
});

describe.each(ENVIRONMENT_NAMES)("%s", (env) => {
  test("by default: an RDS instance, no cluster, no read-only proxy endpoint", () => {
    const { stack, synth } = synthData(configs[env]);
    expect(all(synth, "aws_db_instance")).toHaveLength(1);
    for (const type of ["aws_rds_cluster", "aws_rds_cluster_instance", "aws_db_proxy_endpoint"])
      expect(all(synth, type)).toHaveLength(0);
    expect(one(synth, "aws_db_proxy_target").db_instance_identifier).toBeDefined();
    expect(stack.outputs.proxyReaderEndpoint).toBeUndefined();
    expect(stack.outputs.readerInstanceIdentifiers).toEqual([]);
  });

  describe("with Aurora and two readers", () => {
    const config = withAurora(configs[env], 2);
    const { stack, synth, json } = synthData(config);
    const cluster = one(synth, "aws_rds_cluster");
    const instances = all(synth, "aws_rds_cluster_instance");

    test("the cluster: Aurora MySQL 8.4, encrypted with the database key, the RDS instance's settings", () => {
      expect(all(synth, "aws_db_instance")).toHaveLength(0);
      expect(cluster).toMatchObject({
        engine: "aurora-mysql",
        engine_version: "8.4.mysql_aurora.8.4.7",
        allow_major_version_upgrade: false,
        storage_encrypted: true,
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\..+\.arn\}$/),
        manage_master_user_password: true,
        iam_database_authentication_enabled: true,
        backup_retention_period: config.database.backupRetentionDays,
        preferred_backup_window: "02:00-03:00",
        preferred_maintenance_window: "sun:03:30-sun:04:30",
        deletion_protection: config.database.deletionProtection,
        skip_final_snapshot: !config.database.finalSnapshot,
        enabled_cloudwatch_logs_exports: ["error", "slowquery"],
        database_name: "analytics",
        master_username: "admin_master",
      });
      expect(cluster.master_password).toBeUndefined();
      expect(cluster.master_user_secret_kms_key_id).toBe(cluster.kms_key_id);
      if (env === "prod") expect(cluster.deletion_protection).toBe(true);
    });

    test("the cluster parameter group carries the instance's parameters", () => {
      const group = one(synth, "aws_rds_cluster_parameter_group");
      expect(group.family).toBe("aurora-mysql8.4");
      expect(group.parameter).toEqual(
        MYSQL_PARAMETERS.map((p) => ({ name: p.name, value: p.value, apply_method: p.applyMethod })),
      );
      expect(cluster.db_cluster_parameter_group_name).toMatch(/aws_rds_cluster_parameter_group\..+\.name/);
    });

    test("log groups for the cluster's exports, kept and encrypted", () => {
      const names = all(synth, "aws_cloudwatch_log_group").map((g) => g.name);
      expect(names).toEqual(
        expect.arrayContaining(["error", "slowquery"].map((log) => `/aws/rds/cluster/${stack.prefix}-aurora/${log}`)),
      );
    });

    test("a writer and two readers, private, pinned, with Performance Insights", () => {
      expect(instances).toHaveLength(3);
      expect(instances.map((i) => i.promotion_tier)).toEqual([0, 1, 1]);
      for (const instance of instances) {
        expect(instance).toMatchObject({
          engine: "aurora-mysql",
          instance_class: auroraInstanceClass(config.database),
          publicly_accessible: false,
          auto_minor_version_upgrade: false,
          ca_cert_identifier: "rds-ca-rsa2048-g1",
          monitoring_interval: config.database.monitoringIntervalSeconds,
        });
        // Serverless v2 (dev, staging) and db.r7g.large (prod) both support Performance Insights.
        expect(instance.performance_insights_enabled).toBe(true);
      }
      expect(instances[1].depends_on).toEqual(expect.arrayContaining([expect.stringContaining("instance-1")]));
    });

    test("the proxy fronts the cluster, with a read-only endpoint on the readers", () => {
      expect(one(synth, "aws_db_proxy_target")).toMatchObject({
        db_cluster_identifier: expect.stringMatching(/aws_rds_cluster\..+\.cluster_identifier/),
      });
      expect(one(synth, "aws_db_proxy_target").db_instance_identifier).toBeUndefined();
      expect(one(synth, "aws_db_proxy_endpoint")).toMatchObject({
        db_proxy_endpoint_name: `${stack.prefix}-proxy-read-only`,
        target_role: "READ_ONLY",
        vpc_subnet_ids: networkOutputs.privateSubnetIds,
        vpc_security_group_ids: [networkOutputs.proxySecurityGroupId],
      });
      expect(stack.proxy.readOnly).toBeDefined();
      // The endpoint's DNS name, known after apply: a token, never a literal.
      expect(Token.isUnresolved(stack.outputs.proxyReaderEndpoint)).toBe(true);
      expect(stack.outputs.readerInstanceIdentifiers).toHaveLength(2);
    });

    test("every policy rule passes", () => {
      const violations = checkStack(json, `data-${env}`);
      if (violations.length > 0) throw new Error(formatViolations(violations));
    });
  });

  test("Aurora without readers: no read-only endpoint", () => {
    const { stack, synth } = synthData(withAurora(configs[env], 0));
    expect(all(synth, "aws_rds_cluster_instance")).toHaveLength(1);
    expect(all(synth, "aws_db_proxy_endpoint")).toHaveLength(0);
    expect(stack.outputs.proxyReaderEndpoint).toBeUndefined();
  });

  test("Serverless v2: db.serverless instances within the cluster's ACU range", () => {
    const capacity = { kind: "serverless-v2" as const, minAcu: 0.5, maxAcu: 16 };
    const { synth } = synthData(withAurora(configs[env], 1, capacity));
    expect(one(synth, "aws_rds_cluster").serverlessv2_scaling_configuration).toEqual({
      min_capacity: 0.5,
      max_capacity: 16,
    });
    for (const instance of all(synth, "aws_rds_cluster_instance")) {
      expect(instance.instance_class).toBe("db.serverless");
      expect(instance.performance_insights_enabled).toBe(true);
    }
  });
});

describe("the functions and alarms downstream", () => {
  const withReader: DataOutputs = {
    ...dataOutputs,
    proxyReaderEndpoint: "proxy-read-only.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com",
    readerInstanceIdentifiers: ["ecommerce-analytics-aurora-2"],
  };
  const functionEnv = (data: DataOutputs) => {
    const stack = new ApiStack(Testing.app(), configs.prod, networkOutputs, data);
    const synth = JSON.parse(Testing.synth(stack)) as Synth;
    return Object.fromEntries(
      all(synth, "aws_lambda_function").map((f) => [f.function_name, f.environment?.variables ?? {}]),
    ) as Record<string, Record<string, string>>;
  };

  test("only reports get the read-only endpoint, and only where there is one", () => {
    const env = functionEnv(withReader);
    const readers = Object.entries(env).filter(([, vars]) => vars.DB_PROXY_READER_ENDPOINT);
    expect(readers.map(([name]) => name)).toEqual([expect.stringMatching(/-reports$/)]);
    expect(readers[0][1]).toMatchObject({
      DB_PROXY_ENDPOINT: dataOutputs.proxyEndpoint,
      DB_PROXY_READER_ENDPOINT: withReader.proxyReaderEndpoint,
    });
    expect(Object.values(functionEnv(dataOutputs)).some((vars) => vars.DB_PROXY_READER_ENDPOINT)).toBe(false);
  });

  const alarms = (config: EnvironmentConfig, data: DataOutputs) =>
    Object.values(
      (
        JSON.parse(
          Testing.synthScope(
            (scope) =>
              new DatabaseAlarms(scope, "alarms", {
                prefix: "ea-prod",
                data,
                database: config.database,
                thresholds: config.alarms,
                topics: { critical: "arn:critical", warning: "arn:warning" },
              }),
          ),
        ) as Synth
      ).resource.aws_cloudwatch_metric_alarm,
    );

  test("each reader has a replica lag and a CPU alarm; no storage alarm on Aurora", () => {
    const list = alarms(withAurora(configs.prod), withReader);
    const byName = new Map(list.map((a) => [a.alarm_name as string, a]));
    expect(byName.get("ea-prod-aurora-reader-1-replica-lag")).toMatchObject({
      namespace: "AWS/RDS",
      metric_name: "AuroraReplicaLag",
      dimensions: { DBInstanceIdentifier: "ecommerce-analytics-aurora-2" },
      statistic: "Maximum",
      threshold: 1_000,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(byName.get("ea-prod-aurora-reader-1-cpu")).toMatchObject({
      metric_name: "CPUUtilization",
      dimensions: { DBInstanceIdentifier: "ecommerce-analytics-aurora-2" },
      threshold: configs.prod.alarms.rdsCpuPercent,
    });
    expect(byName.has("ea-prod-rds-free-storage")).toBe(false);
    expect(byName.has("ea-prod-rds-freeable-memory")).toBe(true);
    const serverless = alarms(withAurora(configs.prod, 1, { kind: "serverless-v2", minAcu: 1, maxAcu: 8 }), withReader);
    expect(serverless.map((a) => a.alarm_name)).not.toContain("ea-prod-rds-freeable-memory");
  });

  test("RDS for MySQL: no reader alarms, the storage alarm as before", () => {
    const names = alarms(configs.prod, dataOutputs).map((a) => a.alarm_name);
    expect(names).toContain("ea-prod-rds-free-storage");
    expect(names.filter((n) => n.includes("aurora"))).toEqual([]);
  });
});

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform validate skipped: ${tooling.reason}`);
  test.skip(`terraform validate with Aurora (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} validate, Aurora with readers`, () => {
    let outdir: string;
    const results = new Map<string, Awaited<ReturnType<typeof validateSynthOutput>>[number]>();
    beforeAll(async () => {
      outdir = mkdtempSync(join(tmpdir(), "aurora-"));
      const app = new App({ outdir, stackTraces: false });
      // dev on Serverless v2, staging and prod on provisioned instances.
      const serverless = { kind: "serverless-v2" as const, minAcu: 0.5, maxAcu: 4 };
      for (const env of ENVIRONMENT_NAMES)
        new DataStack(
          app,
          env === "dev" ? withAurora(configs.dev, 1, serverless) : withAurora(configs[env], 2),
          networkOutputs,
        );
      app.synth();
      for (const result of await validateSynthOutput(outdir, { tooling: tooling.tooling }))
        results.set(result.stack, result);
    }, 600_000);
    afterAll(() => rmSync(outdir, { recursive: true, force: true }));

    test.each(ENVIRONMENT_NAMES.map((env) => `data-${env}`))("%s is valid", (stack) => {
      const result = results.get(stack);
      expect(result).toBeDefined();
      if (result && !result.valid) throw new Error(`terraform validate failed:\n${formatValidation(result)}`);
    });
  });
}
