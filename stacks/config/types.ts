import type { FunctionName } from "../../functions/routes";

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface NetworkConfig {
  vpcCidr: string;
  /** One /24 per availability zone and tier, in AZ order. */
  publicSubnets: string[];
  privateSubnets: string[];
  databaseSubnets: string[];
  /** 1 in dev (cheap, one AZ's NAT serves all), one per AZ in prod. */
  natGateways: number;
  flowLogTrafficType: "ALL" | "REJECT";
}

export interface DatabaseConfig {
  engineVersion: "8.4";
  parameterGroupFamily: "mysql8.4";
  instanceClass: string;
  multiAz: boolean;
  allocatedStorageGb: number;
  maxAllocatedStorageGb: number;
  backupRetentionDays: number;
  deletionProtection: boolean;
  /** Prod takes a final snapshot on destroy; dev and staging skip it. */
  finalSnapshot: boolean;
  performanceInsightsRetentionDays: number;
  monitoringIntervalSeconds: 0 | 1 | 5 | 10 | 15 | 30 | 60;
  databaseName: string;
  masterUsername: string;
  /** The application's database user, created by the migrations and reached through the proxy with IAM auth. */
  appUsername: string;
  proxyIdleClientTimeoutSeconds: number;
  proxyMaxConnectionsPercent: number;
}

export interface FunctionConfig {
  memoryMb: number;
  timeoutSeconds: number;
  /** undefined = unreserved. */
  reservedConcurrency?: number;
}

export interface ApiConfig {
  stageName: string;
  /** SPEC: 1000 requests per minute per key, enforced by the usage plan (per second) and the WAF rule (per minute). */
  requestsPerMinutePerKey: number;
  burstLimit: number;
  /** Requests per 60-second window per client IP before WAF blocks it. */
  wafRateLimitPerIp: number;
  /**
   * Stage-wide method throttling (all keys and IPs together, per second): a ceiling above the
   * per-key usage plan that bounds Lambda concurrency and RDS Proxy load when many stores are busy.
   */
  stageRateLimit: number;
  stageBurstLimit: number;
  /**
   * Whether this environment sets API Gateway's account-wide CloudWatch role. One setting per
   * account and region: environments sharing an account must leave it to one of them.
   */
  manageAccountLogging: boolean;
}

export interface AlarmConfig {
  api5xxRatePercent: number;
  apiP99LatencyMs: number;
  lambdaErrorsPerFiveMinutes: number;
  lambdaThrottlesPerFiveMinutes: number;
  rdsCpuPercent: number;
  rdsFreeableMemoryPercent: number;
  rdsStorageUsedPercent: number;
  proxyConnectionsPercent: number;
  /** Where alarm notifications go (SNS email subscriptions); none in dev. */
  criticalEmails: string[];
  warningEmails: string[];
}

export interface StateConfig {
  /** S3 bucket for remote state; undefined = local backend (plain `cdktf synth` anywhere). */
  bucket?: string;
  region: string;
  keyPrefix: string;
}

export interface EnvironmentConfig {
  name: EnvironmentName;
  project: string;
  region: string;
  /** How many availability zones the network spans. */
  azCount: number;
  network: NetworkConfig;
  database: DatabaseConfig;
  functions: Record<FunctionName | "migrate" | "admin", FunctionConfig>;
  api: ApiConfig;
  logRetentionDays: number;
  alarms: AlarmConfig;
  state: StateConfig;
  /** Provider default tags: project, environment, managed-by, cost-center at least. */
  tags: Record<string, string>;
}
