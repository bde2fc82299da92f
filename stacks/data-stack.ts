import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "./config";
import { AuroraCluster } from "./constructs/data/aurora-cluster";
import { BackupReplication } from "./constructs/data/backup-replication";
import { Database } from "./constructs/data/database";
import { EnhancedMonitoringRole } from "./constructs/data/monitoring-role";
import { MysqlParameterGroup } from "./constructs/data/parameter-group";
import { DatabaseProxy } from "./constructs/data/proxy";
import { AppUserSecret } from "./constructs/data/secrets";
import { StopSchedule } from "./constructs/data/stop-schedule";
import { CustomerKey } from "./constructs/security/customer-key";
import type { DataOutputs, NetworkOutputs } from "./contracts";
import { EnvironmentStack } from "./environment-stack";

/**
 * `data-<env>`: RDS for MySQL 8.4 behind RDS Proxy (SPEC section 4, data layer); or, where
 * `database.engine` is "aurora-mysql", an Aurora MySQL 8.4 cluster with readers behind the same
 * proxy and its read-only endpoint (docs/read-replicas.md).
 *
 *   Lambdas (private subnets) --TLS + IAM token--> RDS Proxy (private subnets)
 *     --TLS + password from Secrets Manager--> DB instance (database subnets)
 *
 * One KMS key encrypts the storage, Performance Insights and both secrets. The master password is
 * generated and rotated by RDS in Secrets Manager; the app user's password is written by the
 * migration function on deploy. Neither is ever in Terraform state.
 */
export class DataStack extends EnvironmentStack {
  readonly outputs: DataOutputs;
  readonly key: CustomerKey;
  /** engine "rds-mysql": the instance. */
  readonly database?: Database;
  /** engine "aurora-mysql": the cluster, its writer and readers. */
  readonly aurora?: AuroraCluster;
  readonly appSecret: AppUserSecret;
  readonly proxy: DatabaseProxy;
  /** Where `database.backupReplication.enabled` (prod): the backups' copies in the second region. */
  readonly backupReplication?: BackupReplication;
  /** Where `database.stopSchedule.enabled`: the schedules stopping the instance outside working hours. */
  readonly stopSchedule?: StopSchedule;

  constructor(scope: Construct, config: EnvironmentConfig, network: NetworkOutputs) {
    super(scope, "data", config);
    const db = config.database;
    const account = new DataAwsCallerIdentity(this, "account");
    const partition = new DataAwsPartition(this, "partition");
    const aws = { prefix: this.prefix, accountId: account.accountId, partition: partition.partition };

    this.key = new CustomerKey(this, "kms", {
      ...aws,
      name: "db",
      purpose: "database: storage, Performance Insights, Secrets Manager",
    });
    const monitoring =
      db.monitoringIntervalSeconds > 0 ? new EnhancedMonitoringRole(this, "monitoring", aws) : undefined;
    const placement = {
      prefix: this.prefix,
      settings: db,
      databaseSubnetIds: network.databaseSubnetIds,
      databaseSecurityGroupId: network.databaseSecurityGroupId,
      kmsKeyArn: this.key.key.arn,
      monitoring,
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: network.logsKeyArn,
    };

    let engine: {
      identifiers: Pick<DataOutputs, "dbInstanceIdentifier" | "readerInstanceIdentifiers">;
      databaseName: string;
      masterUsername: string;
      masterSecretArn: string;
      proxyTarget: { dbInstanceIdentifier: string } | { dbClusterIdentifier: string };
    };
    if (db.engine === "aurora-mysql") {
      const aurora = new AuroraCluster(this, "aurora", placement);
      this.aurora = aurora;
      engine = {
        identifiers: {
          dbInstanceIdentifier: aurora.writer.identifier,
          readerInstanceIdentifiers: aurora.readers.map((r) => r.identifier),
        },
        databaseName: aurora.cluster.databaseName,
        masterUsername: aurora.cluster.masterUsername,
        masterSecretArn: aurora.cluster.masterUserSecret.get(0).secretArn,
        proxyTarget: { dbClusterIdentifier: aurora.cluster.clusterIdentifier },
      };
    } else {
      const parameters = new MysqlParameterGroup(this, "parameters", {
        prefix: this.prefix,
        family: db.parameterGroupFamily,
      });
      this.database = new Database(this, "database", { ...placement, parameterGroupName: parameters.group.name });
      const instance = this.database.instance;
      engine = {
        identifiers: { dbInstanceIdentifier: instance.identifier, readerInstanceIdentifiers: [] },
        databaseName: instance.dbName,
        masterUsername: instance.username,
        masterSecretArn: instance.masterUserSecret.get(0).secretArn,
        proxyTarget: { dbInstanceIdentifier: instance.identifier },
      };
    }
    const masterSecretArn = engine.masterSecretArn;

    this.appSecret = new AppUserSecret(this, "app-secret", {
      prefix: this.prefix,
      appUsername: db.appUsername,
      kmsKeyArn: this.key.key.arn,
      // Protected environments keep a deleted secret recoverable for 30 days; others free the name at once.
      recoveryWindowInDays: db.deletionProtection ? 30 : 0,
    });

    this.proxy = new DatabaseProxy(this, "proxy", {
      prefix: this.prefix,
      region: config.region,
      // The proxy sits with its clients in the private subnets; the database tier holds only the
      // instance. Security groups do the isolation: Lambdas -> proxy SG -> database SG, 3306 only.
      subnetIds: network.privateSubnetIds,
      securityGroupId: network.proxySecurityGroupId,
      target: engine.proxyTarget,
      readOnlyEndpoint: db.engine === "aurora-mysql" && db.aurora.readers > 0,
      secrets: [
        { username: db.masterUsername, secretArn: masterSecretArn },
        { username: db.appUsername, secretArn: this.appSecret.secret.arn },
      ],
      kmsKeyArn: this.key.key.arn,
      idleClientTimeoutSeconds: db.proxyIdleClientTimeoutSeconds,
      maxConnectionsPercent: db.proxyMaxConnectionsPercent,
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: network.logsKeyArn,
    });

    // Both act on an RDS instance; validation (stacks/config/aurora.ts) keeps them off with Aurora.
    const instance = this.database?.instance;
    if (db.backupReplication.enabled && instance) {
      this.backupReplication = new BackupReplication(this, "backup-replication", {
        ...aws,
        provider: this.regionProvider("backup_region", db.backupReplication.region),
        settings: db.backupReplication,
        sourceDbInstanceArn: instance.arn,
      });
      const replicated = this.backupReplication;
      new TerraformOutput(this, "backup-replication-region", {
        value: replicated.region,
        description: "The region holding copies of the database's automated backups (docs/disaster-recovery.md)",
      });
      new TerraformOutput(this, "replicated-backups-arn", {
        value: replicated.replication.id,
        description: "The replicated automated backups, for a point-in-time restore in the second region",
      });
      new TerraformOutput(this, "backup-replication-key-arn", {
        value: replicated.key.key.arn,
        description: "The KMS key of the second region encrypting the copies, and a restored instance there",
      });
    }
    if (db.stopSchedule.enabled && instance) {
      this.stopSchedule = new StopSchedule(this, "stop-schedule", {
        ...aws,
        region: config.region,
        settings: db.stopSchedule,
        dbInstanceIdentifier: instance.identifier,
        dbInstanceArn: instance.arn,
      });
    }

    this.outputs = {
      ...engine.identifiers,
      databaseName: engine.databaseName,
      proxyName: this.proxy.proxy.name,
      proxyArn: this.proxy.proxy.arn,
      proxyEndpoint: this.proxy.proxy.endpoint,
      proxyReaderEndpoint: this.proxy.readOnly?.endpoint,
      proxyResourceId: this.proxy.resourceId,
      masterUsername: engine.masterUsername,
      appUsername: db.appUsername,
      masterSecretArn,
      appSecretArn: this.appSecret.secret.arn,
      databaseKeyArn: this.key.key.arn,
    };
  }
}
