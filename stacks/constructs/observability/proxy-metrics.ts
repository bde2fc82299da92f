/**
 * The CloudWatch dimensions each RDS Proxy metric is published under. A query whose dimensions
 * are not exactly one of a metric's published sets returns no data, and an alarm on it sits in
 * INSUFFICIENT_DATA (or OK with notBreaching) forever.
 *
 * AWS's table ("Monitoring RDS Proxy metrics with Amazon CloudWatch",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html) names four
 * dimension sets: 1 ProxyName; 2 ProxyName, EndpointName; 3 ProxyName, TargetGroup, Target;
 * 4 ProxyName, TargetGroup, TargetRole. The client-side metrics (ClientConnections, QueryRequests,
 * ...) are published under sets 1 and 2 only; the database-side ones (DatabaseConnections,
 * DatabaseConnectionsCurrentlyBorrowed, DatabaseConnectionsCurrentlySessionPinned,
 * MaxDatabaseConnectionsAllowed, ...) under the target sets 3 and 4: MaxDatabaseConnectionsAllowed
 * has no ProxyName-only series at all, which is why a ratio over `{ProxyName}` never fired.
 *
 * Set 4 is used for the database side: it needs no knowledge of how the Target dimension spells
 * the instance. The default target group is always named `default`. The read/write role's value
 * as a dimension is `READWRITE` (no underscore, unlike the API's `READ_WRITE` enum): AWS's RDS
 * Proxy monitoring dashboard page ("Availability % by role ... READWRITE and READ_ONLY roles",
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/rds-proxy-monitoring-dashboard.html) and
 * metrics listed from a live account (prometheus-community/yet-another-cloudwatch-exporter#1501:
 * `TargetGroup="default", TargetRole="READWRITE"`) both spell it so. After the first deploy,
 * `aws cloudwatch list-metrics --namespace AWS/RDS --metric-name MaxDatabaseConnectionsAllowed
 * --dimensions Name=ProxyName,Value=<proxy>` shows the sets the alarms must match.
 */
export const PROXY_TARGET_GROUP = "default";
export const PROXY_TARGET_ROLE = "READWRITE";

/** Client-side metrics: dimension set 1 (ProxyName). */
export const PROXY_CLIENT_METRICS = ["ClientConnections"] as const;
/** Database-side metrics: dimension set 4 (ProxyName, TargetGroup, TargetRole). */
export const PROXY_TARGET_METRICS = [
  "DatabaseConnections",
  "DatabaseConnectionsCurrentlyBorrowed",
  "DatabaseConnectionsCurrentlySessionPinned",
  "MaxDatabaseConnectionsAllowed",
] as const;

export type ProxyMetric = (typeof PROXY_CLIENT_METRICS)[number] | (typeof PROXY_TARGET_METRICS)[number];

/** The dimensions (name -> value) `metric` of proxy `proxyName` is published under. */
export function proxyDimensions(proxyName: string, metric: ProxyMetric): Record<string, string> {
  if ((PROXY_CLIENT_METRICS as readonly string[]).includes(metric)) return { ProxyName: proxyName };
  return { ProxyName: proxyName, TargetGroup: PROXY_TARGET_GROUP, TargetRole: PROXY_TARGET_ROLE };
}

/** The same dimensions as a dashboard metric row's `name, value, ...` list. */
export function proxyDimensionList(proxyName: string, metric: ProxyMetric): string[] {
  return Object.entries(proxyDimensions(proxyName, metric)).flat();
}
