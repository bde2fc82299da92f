import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { AlarmConfig, DatabaseConfig } from "../../config";
import type { DataOutputs } from "../../contracts";
import { severityAlarm, type AlarmTopicArns } from "./alarm";
import { freeableMemoryThresholdBytes, GIB } from "../../config/instance-memory";
import { proxyDimensions, type ProxyMetric } from "./proxy-metrics";

export interface DatabaseAlarmsProps {
  prefix: string;
  data: Pick<DataOutputs, "dbInstanceIdentifier" | "proxyName" | "readerInstanceIdentifiers">;
  database: Pick<DatabaseConfig, "instanceClass" | "allocatedStorageGb" | "engine" | "aurora">;
  thresholds: Pick<
    AlarmConfig,
    "rdsCpuPercent" | "rdsFreeableMemoryPercent" | "rdsStorageUsedPercent" | "proxyConnectionsPercent"
  >;
  topics: AlarmTopicArns;
}

/**
 * FreeStorageSpace threshold in bytes: (100 - used %) of the storage the instance is created
 * with. CloudWatch has no "allocated storage" metric, so "used %" can only be taken against a
 * size known at synth. Against `maxAllocatedStorageGb` it would be wrong: until autoscaling has
 * grown the volume to the maximum, free space is always below 20 % of the maximum (prod: 100 GB
 * allocated vs a 200 GB threshold), i.e. the alarm would be permanently in ALARM. Against the
 * initial allocation it is exactly "more than 80 % used" at that size; autoscaling (which adds
 * storage below 10 % free) then keeps free space above the floor, so the alarm later means
 * autoscaling is not keeping up or has reached `maxAllocatedStorageGb`.
 */
export function freeStorageThresholdBytes(allocatedStorageGb: number, usedPercent: number): number {
  return Math.round(allocatedStorageGb * GIB * ((100 - usedPercent) / 100));
}

/**
 * RDS instance and RDS Proxy alarms:
 * - CPUUtilization above the configured percent for 15 minutes (warning).
 * - FreeableMemory below (100 - configured) % of the instance class's memory for 15 minutes
 *   (warning). MySQL's default InnoDB buffer pool takes 3/4 of the instance's memory, so on the
 *   smallest classes free memory sits close to this line by design; it is a warning, not a page.
 * - FreeStorageSpace below the floor above (warning; see freeStorageThresholdBytes).
 * - Proxy pool saturation: borrowed database connections as a percent of
 *   MaxDatabaseConnectionsAllowed (critical: above it, requests queue for a connection and then
 *   time out), and client connections as a percent of the same (warning: the Lambdas' concurrent
 *   connections approach what the pool could ever serve at once).
 *
 * With Aurora (docs/read-replicas.md) CPU and memory are the writer's; FreeStorageSpace does not
 * exist (the cluster volume grows by itself to 128 TiB), and Serverless v2 has no fixed memory to
 * take a percent of, so those alarms are left out. Each reader gets two more (warning):
 * AuroraReplicaLag above `aurora.replicaLagAlarmMs` (Maximum, 3 of 5 minutes: reports on that
 * reader are that far behind ingestion) and CPUUtilization as the writer's.
 */
export class DatabaseAlarms extends Construct {
  readonly cpu: CloudwatchMetricAlarm;
  /** Not with Aurora Serverless v2 (no fixed memory). */
  readonly freeableMemory?: CloudwatchMetricAlarm;
  /** Not with Aurora (no FreeStorageSpace). */
  readonly freeStorage?: CloudwatchMetricAlarm;
  /** Per Aurora reader: AuroraReplicaLag. */
  readonly replicaLag: CloudwatchMetricAlarm[] = [];
  /** Per Aurora reader: CPUUtilization. */
  readonly readerCpu: CloudwatchMetricAlarm[] = [];
  readonly proxyBorrowed: CloudwatchMetricAlarm;
  readonly proxyClients: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DatabaseAlarmsProps) {
    super(scope, id);
    const { prefix, data, database, thresholds, topics } = props;
    const instance = {
      namespace: "AWS/RDS",
      dimensions: { DBInstanceIdentifier: data.dbInstanceIdentifier },
      statistic: "Average",
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    };

    this.cpu = severityAlarm(this, "cpu", topics, {
      ...instance,
      severity: "warning",
      alarmName: `${prefix}-rds-cpu`,
      alarmDescription: `RDS CPU above ${thresholds.rdsCpuPercent}% for 15 minutes`,
      metricName: "CPUUtilization",
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.rdsCpuPercent,
    });

    const aurora = database.engine === "aurora-mysql";
    const capacity = database.aurora.capacity;
    // The writer's class: the RDS instance's, or Aurora's provisioned one; none on Serverless v2.
    const memoryClass = !aurora
      ? database.instanceClass
      : capacity.kind === "provisioned"
        ? capacity.instanceClass
        : undefined;
    const freePercent = 100 - thresholds.rdsFreeableMemoryPercent;
    if (memoryClass)
      this.freeableMemory = severityAlarm(this, "freeable-memory", topics, {
        ...instance,
        severity: "warning",
        alarmName: `${prefix}-rds-freeable-memory`,
        alarmDescription:
          `RDS freeable memory below ${freePercent}% ` + `of the ${memoryClass}'s memory for 15 minutes`,
        metricName: "FreeableMemory",
        comparisonOperator: "LessThanThreshold",
        threshold: freeableMemoryThresholdBytes(memoryClass, thresholds.rdsFreeableMemoryPercent),
      });

    if (!aurora)
      this.freeStorage = severityAlarm(this, "free-storage", topics, {
        ...instance,
        severity: "warning",
        alarmName: `${prefix}-rds-free-storage`,
        alarmDescription:
          `RDS storage more than ${thresholds.rdsStorageUsedPercent}% used ` +
          `(free space below ${100 - thresholds.rdsStorageUsedPercent}% ` +
          `of the initial ${database.allocatedStorageGb} GiB) ` +
          "for 15 minutes",
        metricName: "FreeStorageSpace",
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: freeStorageThresholdBytes(database.allocatedStorageGb, thresholds.rdsStorageUsedPercent),
      });

    (data.readerInstanceIdentifiers ?? []).forEach((reader, i) => {
      const n = i + 1;
      const readerMetric = { ...instance, dimensions: { DBInstanceIdentifier: reader } };
      this.replicaLag.push(
        severityAlarm(this, `reader-${n}-lag`, topics, {
          ...readerMetric,
          severity: "warning",
          alarmName: `${prefix}-aurora-reader-${n}-replica-lag`,
          alarmDescription:
            `Aurora reader ${n} more than ${database.aurora.replicaLagAlarmMs} ms behind the writer ` +
            "in 3 of 5 minutes: reports read there miss the latest writes for that long",
          metricName: "AuroraReplicaLag",
          statistic: "Maximum",
          period: 60,
          evaluationPeriods: 5,
          comparisonOperator: "GreaterThanThreshold",
          threshold: database.aurora.replicaLagAlarmMs,
        }),
      );
      this.readerCpu.push(
        severityAlarm(this, `reader-${n}-cpu`, topics, {
          ...readerMetric,
          severity: "warning",
          alarmName: `${prefix}-aurora-reader-${n}-cpu`,
          alarmDescription: `Aurora reader ${n} CPU above ${thresholds.rdsCpuPercent}% for 15 minutes`,
          metricName: "CPUUtilization",
          comparisonOperator: "GreaterThanThreshold",
          threshold: thresholds.rdsCpuPercent,
        }),
      );
    });

    // Proxy metrics are published per proxy node: Sum aggregates both sides of the ratio alike.
    // Each side is queried under a dimension set it is published under (proxy-metrics.ts): the
    // database-side metrics under ProxyName + TargetGroup + TargetRole, ClientConnections under
    // ProxyName alone.
    const proxyMetric = (metricName: ProxyMetric) => ({
      namespace: "AWS/RDS",
      metricName,
      dimensions: proxyDimensions(data.proxyName, metricName),
      period: 60,
      stat: "Sum",
    });
    const proxySaturation = (numerator: ProxyMetric, label: string) => [
      { id: "used", metric: proxyMetric(numerator), returnData: false },
      { id: "allowed", metric: proxyMetric("MaxDatabaseConnectionsAllowed"), returnData: false },
      { id: "saturation", expression: "100 * used / allowed", label, returnData: true },
    ];
    const proxy = {
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.proxyConnectionsPercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
    };

    this.proxyBorrowed = severityAlarm(this, "proxy-borrowed", topics, {
      ...proxy,
      severity: "critical",
      alarmName: `${prefix}-rds-proxy-borrowed-connections`,
      alarmDescription:
        `RDS Proxy borrowed database connections above ${thresholds.proxyConnectionsPercent}% ` +
        "of MaxDatabaseConnectionsAllowed in 3 of 5 minutes",
      metricQuery: proxySaturation("DatabaseConnectionsCurrentlyBorrowed", "Borrowed connections (% of allowed)"),
    });

    this.proxyClients = severityAlarm(this, "proxy-clients", topics, {
      ...proxy,
      severity: "warning",
      alarmName: `${prefix}-rds-proxy-client-connections`,
      alarmDescription:
        `RDS Proxy client connections above ${thresholds.proxyConnectionsPercent}% ` +
        "of MaxDatabaseConnectionsAllowed in 3 of 5 minutes",
      metricQuery: proxySaturation("ClientConnections", "Client connections (% of allowed)"),
    });
  }
}
