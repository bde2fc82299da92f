import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { TerraformOutput, Testing } from "cdktf";
// The type declarations of cdktf's jest matchers (Testing.setupJest() registers them at runtime).
import "cdktf/lib/testing/adapters/jest";
import { ENVIRONMENT_NAMES, loadEnvironments, type EnvironmentName } from "../../stacks/config";
import { supportsPerformanceInsights } from "../../stacks/constructs/data/database";
import type { DataOutputs, NetworkOutputs } from "../../stacks/contracts";
import { DataStack } from "../../stacks/data-stack";

/**
 * The data stack (SPEC section 4, data layer), synthesized per environment against a fake
 * network: literal ids stand in for the network stack's outputs, so this file depends only on
 * the contract. One synth per environment, shared by the assertions.
 */
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

const configs = loadEnvironments();

/**
 * What the SPEC and the environment plan fix per environment, written out rather than re-read from the config
 * under test.
 */
const EXPECTED: Record<
  EnvironmentName,
  { instanceClass: string; multiAz: boolean; backupRetentionDays: number; protectedFromDeletion: boolean }
> = {
  dev: { instanceClass: "db.t4g.micro", multiAz: false, backupRetentionDays: 1, protectedFromDeletion: false },
  staging: { instanceClass: "db.t4g.medium", multiAz: true, backupRetentionDays: 7, protectedFromDeletion: false },
  prod: { instanceClass: "db.r7g.large", multiAz: true, backupRetentionDays: 35, protectedFromDeletion: true },
};

interface Synthesized {
  stack: DataStack;
  json: string;
  tf: { resource: Record<string, Record<string, Record<string, unknown>>>; output: Record<string, { value: unknown }> };
  /** The Terraform address of the one resource of a type: `aws_kms_key.kms_key_1234`. */
  address: (type: string) => string;
  /**
   * How the synthesized JSON refers to an attribute of the one resource of a type:
   * `${aws_kms_key.kms_key_1234.arn}`.
   */
  ref: (type: string, attribute: string) => string;
}

const synthesized = new Map<EnvironmentName, Synthesized>();
function synth(env: EnvironmentName): Synthesized {
  let out = synthesized.get(env);
  if (!out) {
    const stack = new DataStack(Testing.app(), configs[env], network);
    // Probe outputs show how each DataOutputs token synthesizes.
    for (const [key, value] of Object.entries(stack.outputs)) new TerraformOutput(stack, `probe_${key}`, { value });
    const json = Testing.synth(stack);
    const tf = JSON.parse(json) as Synthesized["tf"];
    // The environment's own region: prod's backup replication adds a key of the second region.
    const address = (type: string) => {
      const names = Object.entries(tf.resource[type] ?? {})
        .filter(([, resource]) => resource.provider === undefined)
        .map(([name]) => name);
      expect(names).toHaveLength(1);
      return `${type}.${names[0]}`;
    };
    out = { stack, json, tf, address, ref: (type, attribute) => `\${${address(type)}.${attribute}}` };
    synthesized.set(env, out);
  }
  return out;
}

/** The one resource of a type in the stack's own region (fails if there are several). */
function only(s: Synthesized, type: string): Record<string, unknown> {
  const all = Object.values(s.tf.resource[type] ?? {}).filter((resource) => resource.provider === undefined);
  expect(all).toHaveLength(1);
  return all[0];
}

describe.each(ENVIRONMENT_NAMES)("data-%s", (env) => {
  const config = configs[env];
  const db = config.database;
  const expected = EXPECTED[env];

  it("is the stack data-<env>", () => {
    expect(synth(env).stack.node.id).toBe(`data-${env}`);
  });

  it("encrypts with its own KMS key: rotation on, 30-day deletion window, alias/<prefix>-db", () => {
    const s = synth(env);
    expect(s.json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(s.json).toHaveResourceWithProperties(KmsAlias, { name: `alias/ecommerce-analytics-${env}-db` });
  });

  it("runs MySQL 8.4 on the configured class, Multi-AZ per environment, in the database subnets", () => {
    const s = synth(env);
    expect(s.json).toHaveResourceWithProperties(DbInstance, {
      identifier: `ecommerce-analytics-${env}-db`,
      engine: "mysql",
      engine_version: "8.4",
      instance_class: expected.instanceClass,
      multi_az: expected.multiAz,
      db_name: "analytics",
      username: "admin_master",
      publicly_accessible: false,
      vpc_security_group_ids: ["sg-database"],
      ca_cert_identifier: "rds-ca-rsa2048-g1",
      auto_minor_version_upgrade: true,
    });
    expect(s.json).toHaveResourceWithProperties(DbSubnetGroup, { subnet_ids: ["subnet-d1", "subnet-d2", "subnet-d3"] });
  });

  it("stores data on encrypted gp3 that autoscales", () => {
    const s = synth(env);
    const instance = only(s, "aws_db_instance");
    expect(instance).toMatchObject({
      storage_type: "gp3",
      allocated_storage: db.allocatedStorageGb,
      max_allocated_storage: db.maxAllocatedStorageGb,
      storage_encrypted: true,
      kms_key_id: s.ref("aws_kms_key", "arn"),
    });
    expect(instance.max_allocated_storage as number).toBeGreaterThan(instance.allocated_storage as number);
  });

  it("keeps passwords out of Terraform: RDS-managed master secret, IAM database auth", () => {
    const s = synth(env);
    const instance = only(s, "aws_db_instance");
    expect(instance).toMatchObject({
      manage_master_user_password: true,
      master_user_secret_kms_key_id: s.ref("aws_kms_key", "arn"),
      iam_database_authentication_enabled: true,
    });
    expect(instance).not.toHaveProperty("password");
    expect(instance).not.toHaveProperty("password_wo");
  });

  it("gives the app user a KMS-encrypted secret with no value (the migration function writes it)", () => {
    const s = synth(env);
    expect(s.json).toHaveResourceWithProperties(SecretsmanagerSecret, {
      name: `ecommerce-analytics-${env}/db/app_user`,
      kms_key_id: s.ref("aws_kms_key", "arn"),
    });
    expect(s.json).not.toHaveResource(SecretsmanagerSecretVersion);
  });

  it("backs up daily for point-in-time recovery, with non-overlapping windows", () => {
    expect(only(synth(env), "aws_db_instance")).toMatchObject({
      backup_retention_period: expected.backupRetentionDays,
      backup_window: "02:00-03:00",
      maintenance_window: "sun:03:30-sun:04:30",
      copy_tags_to_snapshot: true,
    });
  });

  it("exports the error and slow query logs to log groups it creates with retention and KMS", () => {
    const s = synth(env);
    expect(only(s, "aws_db_instance")).toMatchObject({ enabled_cloudwatch_logs_exports: ["error", "slowquery"] });
    for (const log of ["error", "slowquery"]) {
      expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/rds/instance/ecommerce-analytics-${env}-db/${log}`,
        retention_in_days: config.logRetentionDays,
        kms_key_id: network.logsKeyArn,
      });
    }
    expect(s.json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/rds/proxy/ecommerce-analytics-${env}-proxy`,
      kms_key_id: network.logsKeyArn,
    });
  });

  it("has deletion protection and takes a final snapshot only where it is protected (prod)", () => {
    const instance = only(synth(env), "aws_db_instance");
    expect(instance).toMatchObject({
      deletion_protection: expected.protectedFromDeletion,
      skip_final_snapshot: !expected.protectedFromDeletion,
    });
    if (expected.protectedFromDeletion)
      expect(instance.final_snapshot_identifier).toBe(`ecommerce-analytics-${env}-db-final`);
    else expect(instance).not.toHaveProperty("final_snapshot_identifier");
  });

  it("has Enhanced Monitoring with a role that holds the AWS managed policy", () => {
    const s = synth(env);
    const instance = only(s, "aws_db_instance");
    expect(instance.monitoring_interval).toBe(db.monitoringIntervalSeconds);
    expect(instance.monitoring_interval).toBeGreaterThan(0);
    expect(instance.monitoring_role_arn).toMatch(/^\$\{aws_iam_role\..+\.arn\}$/);
    expect(s.json).toHaveResourceWithProperties(IamRole, { name: `ecommerce-analytics-${env}-rds-monitoring` });
    expect(s.json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: expect.stringMatching(/:iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole$/),
    });
    // Created only once the role holds the policy: RDS rejects a monitoring role without it.
    expect(instance.depends_on).toContain(s.address("aws_iam_role_policy_attachment"));
  });

  it("has Performance Insights, encrypted with the database key, wherever the class supports it", () => {
    const s = synth(env);
    const instance = only(s, "aws_db_instance");
    if (supportsPerformanceInsights(db.instanceClass)) {
      expect(instance).toMatchObject({
        performance_insights_enabled: true,
        performance_insights_kms_key_id: s.ref("aws_kms_key", "arn"),
        performance_insights_retention_period: db.performanceInsightsRetentionDays,
      });
    } else {
      expect(instance.performance_insights_enabled).toBe(false);
      expect(instance).not.toHaveProperty("performance_insights_kms_key_id");
    }
  });

  it("enforces TLS in a mysql8.4 parameter group: UTC, utf8mb4 binary, slow query log", () => {
    const s = synth(env);
    const group = only(s, "aws_db_parameter_group");
    expect(group.family).toBe("mysql8.4");
    expect(group.parameter).toEqual(
      expect.arrayContaining([
        { name: "require_secure_transport", value: "1", apply_method: "immediate" },
        { name: "time_zone", value: "UTC", apply_method: "immediate" },
        { name: "character_set_server", value: "utf8mb4", apply_method: "immediate" },
        { name: "collation_server", value: "utf8mb4_bin", apply_method: "immediate" },
        { name: "slow_query_log", value: "1", apply_method: "immediate" },
        { name: "long_query_time", value: "1", apply_method: "immediate" },
      ]),
    );
    expect(only(s, "aws_db_instance").parameter_group_name).toBe(s.ref("aws_db_parameter_group", "name"));
    expect(s.json).toHaveResourceWithProperties(DbParameterGroup, { lifecycle: { create_before_destroy: true } });
  });

  it("fronts the database with RDS Proxy: TLS and IAM auth required, private subnets, proxy security group", () => {
    const s = synth(env);
    const auth = {
      auth_scheme: "SECRETS",
      iam_auth: "REQUIRED",
      client_password_auth_type: "MYSQL_CACHING_SHA2_PASSWORD",
    };
    expect(s.json).toHaveResourceWithProperties(DbProxy, {
      name: `ecommerce-analytics-${env}-proxy`,
      engine_family: "MYSQL",
      require_tls: true,
      debug_logging: false,
      idle_client_timeout: db.proxyIdleClientTimeoutSeconds,
      vpc_subnet_ids: ["subnet-p1", "subnet-p2", "subnet-p3"],
      vpc_security_group_ids: ["sg-proxy"],
      auth: [
        expect.objectContaining({ ...auth, secret_arn: s.ref("aws_db_instance", "master_user_secret[0].secret_arn") }),
        expect.objectContaining({ ...auth, secret_arn: s.ref("aws_secretsmanager_secret", "arn") }),
      ],
    });
    expect(s.json).toHaveResourceWithProperties(DbProxyDefaultTargetGroup, {
      connection_pool_config: expect.objectContaining({
        max_connections_percent: db.proxyMaxConnectionsPercent,
        connection_borrow_timeout: 10,
      }),
    });
    expect(only(s, "aws_db_proxy_default_target_group").connection_pool_config).not.toHaveProperty("init_query");
    expect(s.json).toHaveResourceWithProperties(DbProxyTarget, {
      db_instance_identifier: s.ref("aws_db_instance", "identifier"),
    });
  });

  it("lets the proxy role read exactly the two database secrets, and decrypt only through Secrets Manager", () => {
    const s = synth(env);
    expect(s.json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({
          effect: "Allow",
          actions: ["secretsmanager:GetSecretValue"],
          resources: [
            s.ref("aws_db_instance", "master_user_secret[0].secret_arn"),
            s.ref("aws_secretsmanager_secret", "arn"),
          ],
        }),
        expect.objectContaining({
          effect: "Allow",
          actions: ["kms:Decrypt"],
          resources: [s.ref("aws_kms_key", "arn")],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-west-1.amazonaws.com"] },
          ],
        }),
      ],
    });
    expect(s.json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({
          principals: [{ type: "Service", identifiers: ["rds.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
        }),
      ],
    });
  });

  it("fills DataOutputs", () => {
    const { tf } = synth(env);
    const ref = (key: keyof DataOutputs) => tf.output[`probe_${key}`].value;
    expect(ref("dbInstanceIdentifier")).toMatch(/^\$\{aws_db_instance\..+\.identifier\}$/);
    expect(ref("databaseName")).toMatch(/^\$\{aws_db_instance\..+\.db_name\}$/);
    expect(ref("masterUsername")).toMatch(/^\$\{aws_db_instance\..+\.username\}$/);
    expect(ref("masterSecretArn")).toMatch(/^\$\{aws_db_instance\..+\.master_user_secret\[0\]\.secret_arn\}$/);
    expect(ref("appSecretArn")).toMatch(/^\$\{aws_secretsmanager_secret\..+\.arn\}$/);
    expect(ref("proxyName")).toMatch(/^\$\{aws_db_proxy\..+\.name\}$/);
    expect(ref("proxyArn")).toMatch(/^\$\{aws_db_proxy\..+\.arn\}$/);
    expect(ref("proxyEndpoint")).toMatch(/^\$\{aws_db_proxy\..+\.endpoint\}$/);
    // `arn:aws:rds:<region>:<account>:db-proxy:prx-...`: the 7th field is the resource id.
    expect(ref("proxyResourceId")).toMatch(/^\$\{element\(split\(":", aws_db_proxy\..+\.arn\), 6\)\}$/);
    expect(ref("appUsername")).toBe("app_user");
  });
});

describe("dev and prod differ where SPEC says", () => {
  const instance = (env: EnvironmentName) => only(synth(env), "aws_db_instance");
  const secret = (env: EnvironmentName) => only(synth(env), "aws_secretsmanager_secret");

  it("dev: single-AZ micro, 1-day backups, no deletion protection, no final snapshot", () => {
    expect(instance("dev")).toMatchObject({
      instance_class: "db.t4g.micro",
      multi_az: false,
      backup_retention_period: 1,
      deletion_protection: false,
      skip_final_snapshot: true,
      delete_automated_backups: true,
      // db.t4g.micro does not support Performance Insights.
      performance_insights_enabled: false,
    });
    expect(instance("dev")).not.toHaveProperty("final_snapshot_identifier");
    expect(secret("dev").recovery_window_in_days).toBe(0);
  });

  it("prod: Multi-AZ r7g, 35-day backups, deletion protection, a final snapshot, automated backups kept", () => {
    expect(instance("prod")).toMatchObject({
      instance_class: "db.r7g.large",
      multi_az: true,
      backup_retention_period: 35,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "ecommerce-analytics-prod-db-final",
      delete_automated_backups: false,
      performance_insights_enabled: true,
      performance_insights_retention_period: 31,
      monitoring_interval: 15,
    });
    expect(secret("prod").recovery_window_in_days).toBe(30);
  });

  it("staging is Multi-AZ like prod but without deletion protection", () => {
    expect(instance("staging")).toMatchObject({
      multi_az: true,
      deletion_protection: false,
      skip_final_snapshot: true,
    });
  });
});

describe("Enhanced Monitoring switched off (monitoringIntervalSeconds 0)", () => {
  it("creates no monitoring role and sets interval 0", () => {
    const config = { ...configs.dev, database: { ...configs.dev.database, monitoringIntervalSeconds: 0 as const } };
    const json = Testing.synth(new DataStack(Testing.app(), config, network));
    expect(json).toHaveResourceWithProperties(DbInstance, { monitoring_interval: 0 });
    expect(json).not.toHaveResourceWithProperties(DbInstance, { monitoring_role_arn: expect.anything() });
    expect(json).not.toHaveResource(IamRolePolicyAttachment);
  });
});

describe("supportsPerformanceInsights", () => {
  it.each([
    ["db.t4g.micro", false],
    ["db.t3.small", false],
    ["db.t2.micro", false],
    ["db.t4g.medium", true],
    ["db.r7g.large", true],
    ["db.m7g.2xlarge", true],
  ])("%s -> %s", (instanceClass, expected) => {
    expect(supportsPerformanceInsights(instanceClass)).toBe(expected);
  });
});
