import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { Construct } from "constructs";
import type { DatabaseConfig } from "../../config";
import type { EnhancedMonitoringRole } from "./monitoring-role";

/**
 * The logs the instance exports to CloudWatch Logs: the error log (startup, crashes, deadlocks,
 * failed logins) and the slow query log (long_query_time = 1 s). Not the general log: it records
 * every statement with its literal values (customer data in the logs), costs I/O on every query
 * and CloudWatch ingestion at the scale of the traffic. Not audit: MySQL's audit log needs the
 * MARIADB_AUDIT_PLUGIN option group, which this platform does not set up.
 */
export const DB_LOG_EXPORTS = ["error", "slowquery"] as const;

/** UTC. Backups in the quietest hour; maintenance after them, never overlapping (RDS rejects an overlap). */
export const BACKUP_WINDOW = "02:00-03:00";
export const MAINTENANCE_WINDOW = "sun:03:30-sun:04:30";

/** The CA of the instance's server certificate (RSA 2048, valid to 2061; RDS's current default). */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";

/**
 * Performance Insights does not run on the smallest burstable classes of RDS for MySQL
 * (micro and small of db.t2/t3/t4g): AWS rejects the instance with "Performance Insights not
 * supported for this configuration". Dev's db.t4g.micro is one of them.
 */
export function supportsPerformanceInsights(instanceClass: string): boolean {
  return !/^db\.t[234]g?\.(micro|small)$/.test(instanceClass);
}

export interface DatabaseProps {
  prefix: string;
  settings: DatabaseConfig;
  databaseSubnetIds: string[];
  databaseSecurityGroupId: string;
  kmsKeyArn: string;
  /** undefined when monitoringIntervalSeconds is 0 (Enhanced Monitoring off). */
  monitoring?: EnhancedMonitoringRole;
  parameterGroupName: string;
  logRetentionDays: number;
  logsKeyArn: string;
}

/** The RDS for MySQL instance with its subnet group and the log groups it exports to. */
export class Database extends Construct {
  readonly instance: DbInstance;
  readonly subnetGroup: DbSubnetGroup;
  readonly logGroups: CloudwatchLogGroup[];
  readonly identifier: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const db = props.settings;
    this.identifier = `${props.prefix}-db`;

    this.subnetGroup = new DbSubnetGroup(this, "subnets", {
      name: `${props.prefix}-db`,
      description: `${props.prefix}: database tier subnets`,
      subnetIds: props.databaseSubnetIds,
    });

    // Created before the instance, with retention and the environment's logs key: otherwise RDS
    // creates them on first export, unencrypted and kept forever.
    this.logGroups = DB_LOG_EXPORTS.map(
      (log) =>
        new CloudwatchLogGroup(this, `log-${log}`, {
          name: `/aws/rds/instance/${this.identifier}/${log}`,
          retentionInDays: props.logRetentionDays,
          kmsKeyId: props.logsKeyArn,
        }),
    );

    const performanceInsights = supportsPerformanceInsights(db.instanceClass);
    const monitoring = db.monitoringIntervalSeconds > 0;
    if (monitoring && !props.monitoring) throw new Error("Enhanced Monitoring needs a monitoring role");

    this.instance = new DbInstance(this, "instance", {
      identifier: this.identifier,
      engine: "mysql",
      engineVersion: db.engineVersion,
      // A major upgrade is a deliberate change of engineVersion (and the parameter group family).
      allowMajorVersionUpgrade: false,
      autoMinorVersionUpgrade: true,
      // AWS's default, stated: past 8.4's standard support (2029-07-31) the instance stays on 8.4
      // under paid Extended Support instead of being force-upgraded to a new major version.
      engineLifecycleSupport: "open-source-rds-extended-support",
      instanceClass: db.instanceClass,
      multiAz: db.multiAz,
      // A restored instance brings its database; RDS takes no DBName when restoring MySQL.
      dbName: db.restoreFrom ? undefined : db.databaseName,
      port: 3306,

      // Storage: gp3, autoscaling up to maxAllocatedStorage, encrypted with the database key.
      storageType: "gp3",
      allocatedStorage: db.allocatedStorageGb,
      maxAllocatedStorage: db.maxAllocatedStorageGb,
      storageEncrypted: true,
      // A restored instance keeps the key its backups are encrypted with (config restoreFrom).
      kmsKeyId: db.restoreFrom ? db.restoreFrom.kmsKeyArn : props.kmsKeyArn,

      // Credentials: RDS generates and rotates the master password in Secrets Manager (never in
      // Terraform state); clients authenticate with IAM tokens.
      username: db.masterUsername,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: props.kmsKeyArn,
      iamDatabaseAuthenticationEnabled: true,

      // Network: database subnets, reachable only through its security group (from the proxy).
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [props.databaseSecurityGroupId],
      publiclyAccessible: false,
      networkType: "IPV4",
      caCertIdentifier: CA_CERT_IDENTIFIER,
      parameterGroupName: props.parameterGroupName,

      // Backups: automated daily snapshots plus binlogs = point-in-time recovery within the retention.
      backupRetentionPeriod: db.backupRetentionDays,
      backupWindow: BACKUP_WINDOW,
      maintenanceWindow: MAINTENANCE_WINDOW,
      copyTagsToSnapshot: true,
      // Where a final snapshot is taken (prod), the automated backups outlive the instance too.
      deleteAutomatedBackups: !db.finalSnapshot,
      deletionProtection: db.deletionProtection,
      skipFinalSnapshot: !db.finalSnapshot,
      finalSnapshotIdentifier: db.finalSnapshot ? `${this.identifier}-final` : undefined,
      // Changes wait for the maintenance window unless a deploy says otherwise.
      applyImmediately: false,
      // Recovery (docs/disaster-recovery.md): created by a point-in-time restore of replicated
      // backups instead of empty. Only creation reads it (ignored after), so neither setting nor
      // removing it can ever replace a running database.
      restoreToPointInTime: db.restoreFrom
        ? {
            sourceDbInstanceAutomatedBackupsArn: db.restoreFrom.automatedBackupsArn,
            restoreTime: db.restoreFrom.restoreTime,
            useLatestRestorableTime: db.restoreFrom.restoreTime === undefined ? true : undefined,
          }
        : undefined,
      lifecycle: { ignoreChanges: ["restore_to_point_in_time"] },

      // Observability.
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsKmsKeyId: performanceInsights ? props.kmsKeyArn : undefined,
      performanceInsightsRetentionPeriod: performanceInsights ? db.performanceInsightsRetentionDays : undefined,
      monitoringInterval: db.monitoringIntervalSeconds,
      monitoringRoleArn: monitoring ? props.monitoring?.role.arn : undefined,
      enabledCloudwatchLogsExports: [...DB_LOG_EXPORTS],

      dependsOn: [...this.logGroups, ...(monitoring && props.monitoring ? [props.monitoring.policy] : [])],
    });
  }
}
