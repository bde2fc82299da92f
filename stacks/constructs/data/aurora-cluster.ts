import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { DatabaseConfig } from "../../config";
import { auroraInstanceClass } from "../../config/aurora";
import {
  BACKUP_WINDOW,
  CA_CERT_IDENTIFIER,
  DB_LOG_EXPORTS,
  MAINTENANCE_WINDOW,
  supportsPerformanceInsights,
} from "./database";
import type { EnhancedMonitoringRole } from "./monitoring-role";
import { MYSQL_PARAMETERS } from "./parameter-group";

export interface AuroraClusterProps {
  prefix: string;
  settings: DatabaseConfig;
  databaseSubnetIds: string[];
  databaseSecurityGroupId: string;
  kmsKeyArn: string;
  monitoring?: EnhancedMonitoringRole;
  logRetentionDays: number;
  logsKeyArn: string;
}

/**
 * Aurora MySQL 8.4 (docs/read-replicas.md): the cluster (one storage volume, encrypted with the
 * database key), its writer and `aurora.readers` readers, with the RDS instance's settings carried
 * over: the same server parameters (MYSQL_PARAMETERS, in a cluster parameter group), TLS CA, IAM
 * auth, RDS-managed master password, backup and maintenance windows, deletion protection and final
 * snapshot, error and slow query logs to encrypted log groups, Performance Insights and Enhanced
 * Monitoring on every instance.
 */
export class AuroraCluster extends Construct {
  readonly cluster: RdsCluster;
  readonly parameterGroup: RdsClusterParameterGroup;
  readonly writer: RdsClusterInstance;
  readonly readers: RdsClusterInstance[];
  readonly subnetGroup: DbSubnetGroup;
  readonly logGroups: CloudwatchLogGroup[];
  readonly identifier: string;

  constructor(scope: Construct, id: string, props: AuroraClusterProps) {
    super(scope, id);
    const db = props.settings;
    const aurora = db.aurora;
    this.identifier = `${props.prefix}-aurora`;

    this.subnetGroup = new DbSubnetGroup(this, "subnets", {
      name: this.identifier,
      description: `${props.prefix}: database tier subnets (Aurora)`,
      subnetIds: props.databaseSubnetIds,
    });

    // Every MYSQL_PARAMETERS setting is a cluster-level parameter in Aurora MySQL and dynamic there.
    this.parameterGroup = new RdsClusterParameterGroup(this, "parameters", {
      namePrefix: `${props.prefix}-${aurora.parameterGroupFamily.replace(".", "")}-`,
      family: aurora.parameterGroupFamily,
      description: `${props.prefix} ${aurora.parameterGroupFamily}: TLS required, UTC, utf8mb4, slow query log`,
      parameter: MYSQL_PARAMETERS.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod })),
      lifecycle: { createBeforeDestroy: true },
    });

    // Aurora exports to /aws/rds/cluster/<cluster>/<log>: created first, with retention and the logs key.
    this.logGroups = DB_LOG_EXPORTS.map(
      (log) =>
        new CloudwatchLogGroup(this, `log-${log}`, {
          name: `/aws/rds/cluster/${this.identifier}/${log}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: props.logsKeyArn,
        }),
    );

    const serverless = aurora.capacity.kind === "serverless-v2" ? aurora.capacity : undefined;
    this.cluster = new RdsCluster(this, "cluster", {
      clusterIdentifier: this.identifier,
      engine: "aurora-mysql",
      engineMode: "provisioned",
      engineVersion: aurora.engineVersion,
      allowMajorVersionUpgrade: false,
      databaseName: db.databaseName,
      port: 3306,
      // storage_type unset: Aurora Standard (I/O billed per request), not I/O-Optimized ("aurora-iopt1"),
      // the cheaper one while I/O stays under ~25 % of the database bill (docs/read-replicas.md).
      storageEncrypted: true,
      kmsKeyId: props.kmsKeyArn,
      masterUsername: db.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [props.databaseSecurityGroupId],
      networkType: "IPV4",
      dbClusterParameterGroupName: this.parameterGroup.name,
      backupRetentionPeriod: db.backupRetentionDays,
      preferredBackupWindow: BACKUP_WINDOW,
      preferredMaintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: !db.finalSnapshot,
      deletionProtection: db.deletionProtection,
      skipFinalSnapshot: !db.finalSnapshot,
      finalSnapshotIdentifier: db.finalSnapshot ? `${this.identifier}-final` : undefined,
      enabledCloudwatchLogsExports: [...DB_LOG_EXPORTS],
      serverlessv2ScalingConfiguration: serverless
        ? { minCapacity: serverless.minAcu, maxCapacity: serverless.maxAcu }
        : undefined,
      applyImmediately: false,
      dependsOn: this.logGroups,
    });

    const instanceClass = auroraInstanceClass(db);
    // db.serverless supports Performance Insights; the smallest burstable classes do not (as on RDS).
    const performanceInsights = instanceClass === "db.serverless" || supportsPerformanceInsights(instanceClass);
    const monitoring = db.monitoringIntervalSeconds > 0;
    if (monitoring && !props.monitoring) throw new Error("Enhanced Monitoring needs a monitoring role");
    const instance = (n: number, role: "writer" | "reader", after: ITerraformDependable[] = []) =>
      new RdsClusterInstance(this, `instance-${n}`, {
        identifier: `${this.identifier}-${n}`,
        clusterIdentifier: this.cluster.clusterIdentifier,
        engine: "aurora-mysql",
        engineVersion: this.cluster.engineVersion,
        instanceClass,
        // The writer is created first (instance 1); failover promotes a reader (tier 1) in another AZ.
        promotionTier: role === "writer" ? 0 : 1,
        publiclyAccessible: false,
        dbSubnetGroupName: this.subnetGroup.name,
        caCertIdentifier: CA_CERT_IDENTIFIER,
        // Pinned version: minor upgrades are a config change (aurora.engineVersion), planned and reviewed.
        autoMinorVersionUpgrade: false,
        preferredMaintenanceWindow: MAINTENANCE_WINDOW,
        copyTagsToSnapshot: true,
        applyImmediately: false,
        performanceInsightsEnabled: performanceInsights,
        performanceInsightsKmsKeyId: performanceInsights ? props.kmsKeyArn : undefined,
        performanceInsightsRetentionPeriod: performanceInsights ? db.performanceInsightsRetentionDays : undefined,
        monitoringInterval: db.monitoringIntervalSeconds,
        monitoringRoleArn: monitoring ? props.monitoring?.role.arn : undefined,
        dependsOn: [...(monitoring && props.monitoring ? [props.monitoring.policy] : []), ...after],
      });
    this.writer = instance(1, "writer");
    // Readers after the writer: the first instance a cluster gets is its writer.
    this.readers = Array.from({ length: aurora.readers }, (_, i) => instance(i + 2, "reader", [this.writer]));
  }
}
