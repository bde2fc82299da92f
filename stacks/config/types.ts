import type { FunctionName } from "../../functions/routes";

export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface NetworkConfig {
  vpcCidr: string;
  /** One /24 per availability zone and tier, in AZ order. */
  publicSubnets: string[];
  privateSubnets: string[];
  databaseSubnets: string[];
  /**
   * NAT gateways for outbound internet access from the private tier: 0 (the default everywhere)
   * because nothing there needs the internet (the Lambdas reach AWS through VPC endpoints and
   * talk to the proxy). 1 shares one AZ's NAT (~$35/month + data), `azCount` gives one per AZ.
   */
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
  /**
   * Absolute folder of the local state files when there is no bucket. Absolute because every
   * stack runs Terraform in its own folder (`cdktf.out/stacks/<stack>`) and reads its upstreams'
   * state through `terraform_remote_state`: a relative path would resolve per stack.
   */
  localDir: string;
}

/**
 * What the `bootstrap-<env>` stack needs to let GitHub Actions reach this environment's account
 * through OIDC (no stored keys): the plan role trusts the repository's pull requests, the apply
 * role trusts the deploy job of `githubEnvironment` only.
 */
export interface CiConfig {
  /** `owner/name` of the GitHub repository whose workflows may assume the CI roles. */
  githubRepository: string;
  /**
   * The GitHub environment of this environment's deploy job (its `environment:` key): the apply
   * role trusts only tokens with the subject `repo:<owner>/<name>:environment:<githubEnvironment>`.
   * In prod it is protected by required reviewers in the repository settings.
   */
  githubEnvironment: string;
  /**
   * Whether `bootstrap-<env>` creates the account's GitHub OIDC provider
   * (`token.actions.githubusercontent.com`). IAM allows one provider per URL and account: true
   * assumes one AWS account per environment (see `api.manageAccountLogging`); environments that
   * share an account set it on one of them and false on the others, which then look it up.
   */
  createOidcProvider: boolean;
  /**
   * The KMS key the Terraform state objects are encrypted with, when the backend or the bucket
   * uses SSE-KMS with a customer-managed key (`STATE_BUCKET_KMS_KEY_ARN`): both CI roles then
   * get `kms:Decrypt`/`kms:GenerateDataKey` on it through S3. Undefined for SSE-S3, which is what
   * the backend writes today (`encrypt = true` without `kms_key_id`).
   */
  stateKmsKeyArn?: string;
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
  ci: CiConfig;
  /** Provider default tags: project, environment, managed-by, cost-center at least. */
  tags: Record<string, string>;
}
