import * as z from "zod";
import { FUNCTION_NAMES, type FunctionName } from "../../shared/routes";
import { CACHE_CLUSTER_SIZES, MAX_CACHE_TTL_SECONDS } from "../../shared/stage-cache";
import { LOG_RETENTION_DAYS, REGION_AZ_COUNTS } from "./regions";
import { historyExportSchema } from "./history";
import { releasesSchema } from "./releases";
import { auroraSchema } from "./aurora";
import { backupReplicationSchema, budgetSchema, restoreFromSchema, stopScheduleSchema } from "./resilience";
import { ENVIRONMENT_NAMES } from "./types";

/**
 * The one declaration of an environment's config: the zod schema that validates it, whose
 * output types (EnvironmentConfig and its parts, below) the stacks read. Checks across fields
 * (subnets inside the VPC, capacity against the proxy) are in validate.ts and capacity.ts.
 */

const positiveInt = z.number().int().positive();

/** The shortest password a user pool may allow (the policy rule `cognito-pool-hardening` holds every pool to it). */
export const MIN_PASSWORD_LENGTH = 12;

export const networkSchema = z.strictObject({
  vpcCidr: z.string(),
  /** One /24 per availability zone and tier, in AZ order. */
  publicSubnets: z.array(z.string()),
  privateSubnets: z.array(z.string()),
  databaseSubnets: z.array(z.string()),
  /**
   * NAT gateways for outbound internet access from the private tier: 0 (the default everywhere)
   * because nothing there needs the internet (the Lambdas reach AWS through VPC endpoints and
   * talk to the proxy). 1 shares one AZ's NAT (~$35/month + data), `azCount` gives one per AZ.
   */
  natGateways: z.number().int().min(0),
  flowLogTrafficType: z.enum(["ALL", "REJECT"]),
});

export const databaseSchema = z.strictObject({
  /**
   * "rds-mysql": one RDS for MySQL instance (the default, right for small stores); "aurora-mysql":
   * an Aurora cluster with readers behind the proxy's read-only endpoint (docs/read-replicas.md).
   */
  engine: z.enum(["rds-mysql", "aurora-mysql"]),
  /** The Aurora cluster's settings, read only when `engine` is "aurora-mysql". */
  aurora: auroraSchema,
  engineVersion: z.literal("8.4"),
  parameterGroupFamily: z.literal("mysql8.4"),
  instanceClass: z
    .string()
    .regex(/^db\.[a-z][a-z0-9-]*\.(micro|small|medium|large|\d*xlarge)$/, "must look like db.r7g.large"),
  multiAz: z.boolean(),
  allocatedStorageGb: z.number().int().min(20).max(65536),
  maxAllocatedStorageGb: z.number().int().max(65536),
  backupRetentionDays: z.number().int().min(1, "at least 1: point-in-time recovery needs backups").max(35),
  deletionProtection: z.boolean(),
  /** Prod takes a final snapshot on destroy; dev and staging skip it. */
  finalSnapshot: z.boolean(),
  performanceInsightsRetentionDays: z
    .number()
    .int()
    .refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d <= 713), "7, 731 or a multiple of 31 up to 713"),
  monitoringIntervalSeconds: z.union([
    z.literal(0),
    z.literal(1),
    z.literal(5),
    z.literal(10),
    z.literal(15),
    z.literal(30),
    z.literal(60),
  ]),
  databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  masterUsername: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/),
  /** The application's database user, created by the migrations and reached through the proxy with IAM auth. */
  appUsername: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
  proxyIdleClientTimeoutSeconds: z.number().int().min(1).max(28800),
  proxyMaxConnectionsPercent: z.number().int().min(1).max(100),
  /** Copies of the automated backups in a second region (docs/disaster-recovery.md). */
  backupReplication: backupReplicationSchema,
  /** Stopping the instance outside working hours (docs/costs.md). */
  stopSchedule: stopScheduleSchema,
  /** Recovery only: create the instance by restoring these backups (docs/disaster-recovery.md). */
  restoreFrom: restoreFromSchema.optional(),
});

export const functionSchema = z.strictObject({
  memoryMb: z.number().int().min(128).max(10240),
  timeoutSeconds: z.number().int().min(1).max(900),
  /** undefined = unreserved. */
  reservedConcurrency: z.number().int().min(0).optional(),
});

/**
 * The Lambda functions a config sizes: the API's, the migration and admin functions, and the API's
 * Lambda authorizer (which opens no database connection: stacks/config/capacity.ts).
 */
const CONFIGURED_FUNCTIONS: readonly (FunctionName | "migrate" | "admin" | "authorizer")[] = [
  ...FUNCTION_NAMES,
  "migrate",
  "admin",
  "authorizer",
];

/** `{ [name]: schema }` for each name, typed by the names (Object.fromEntries would widen to string keys). */
function sameSchemaFor<K extends string, S extends z.ZodType>(names: readonly K[], schema: S): Record<K, S> {
  const shape: Partial<Record<K, S>> = {};
  for (const name of names) shape[name] = schema;
  return shape as Record<K, S>;
}

export const apiSchema = z.strictObject({
  stageName: z.string().regex(/^[a-zA-Z0-9_]+$/),
  /** SPEC: 1000 requests per minute per key, enforced by the usage plan (per second) and the WAF rule (per minute). */
  requestsPerMinutePerKey: positiveInt,
  burstLimit: positiveInt,
  /** Requests per 60-second window per client IP before WAF blocks it. */
  wafRateLimitPerIp: z.number().int().min(10).max(2_000_000_000),
  /**
   * Stage-wide method throttling (all keys and IPs together, per second): a ceiling above the
   * per-key usage plan that bounds Lambda concurrency and RDS Proxy load when many stores are busy.
   */
  stageRateLimit: positiveInt,
  stageBurstLimit: positiveInt,
  /**
   * Whether this environment sets API Gateway's account-wide CloudWatch role. One setting per
   * account and region: environments sharing an account must leave it to one of them.
   */
  manageAccountLogging: z.boolean(),
  /**
   * The API stage cache for the report routes the route table marks `cache` (docs/caching.md):
   * off by default, since a cached report may miss the newest ingest for up to its TTL. On, it
   * runs a cache cluster of `clusterSizeGb` (billed per hour whether used or not), and keeps each
   * answer for `ttlSeconds` or the route's own TTL if shorter, keyed by the caller.
   */
  stageCache: z.strictObject({
    enabled: z.boolean(),
    clusterSizeGb: z.enum(CACHE_CLUSTER_SIZES),
    ttlSeconds: z
      .number()
      .int()
      .min(1, "at least 1 (to cache nothing, set enabled: false)")
      .max(MAX_CACHE_TTL_SECONDS, `at most ${MAX_CACHE_TTL_SECONDS} (API Gateway's longest)`),
  }),
});

/**
 * The dashboard's people (docs/sign-in.md): their Cognito user pool, and the usage plan of the one
 * API key the authorizer hands to API Gateway for every signed-in person.
 */
export const peopleSchema = z.strictObject({
  /**
   * Cognito's feature plan (`user_pool_tier`). Threat protection (adaptive authentication,
   * compromised-credential checks) needs PLUS; ESSENTIALS and LITE have no such add-on.
   */
  featurePlan: z.enum(["LITE", "ESSENTIALS", "PLUS"]),
  /** Threat protection's mode (`advanced_security_mode`): AUDIT only logs risks, ENFORCED acts on them. */
  threatProtection: z.enum(["OFF", "AUDIT", "ENFORCED"]),
  /** TOTP MFA (software tokens): OPTIONAL lets each person turn it on, ON requires it of everyone. */
  mfa: z.enum(["OFF", "OPTIONAL", "ON"]),
  passwordPolicy: z.strictObject({
    minimumLength: z.number().int().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH}`).max(99),
    requireLowercase: z.boolean(),
    requireUppercase: z.boolean(),
    requireNumbers: z.boolean(),
    requireSymbols: z.boolean(),
    /** How long the temporary password Cognito e-mails to a new person stays valid. */
    temporaryPasswordValidityDays: z.number().int().min(1).max(365),
  }),
  /** ID and access tokens live an hour; a refresh token this many days (then the person signs in again). */
  refreshTokenValidityDays: z.number().int().min(1).max(3650),
  /** Whether the pool refuses deletion (prod: its users exist nowhere else). */
  deletionProtection: z.boolean(),
  /** The people key's usage plan: all signed-in people of the environment together, per minute and per day. */
  requestsPerMinute: positiveInt,
  burstLimit: positiveInt,
  requestsPerDay: positiveInt,
  /** Monthly active users the cost estimate of docs/sign-in.md assumes (Cognito bills per MAU); not enforced. */
  expectedMonthlyActiveUsers: positiveInt,
});

/** The dashboard's hosting: CloudFront in front of a private bucket. */
export const dashboardSchema = z.strictObject({
  /** CloudFront's edge locations: PriceClass_100 (North America, Europe) is the cheapest. */
  priceClass: z.enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"]),
  /** Dashboard visits a month the cost estimate of docs/sign-in.md assumes; not enforced. */
  expectedVisitsPerMonth: positiveInt,
  /** Dev's bucket may be destroyed with its files in it; elsewhere a destroy must empty it first. */
  forceDestroy: z.boolean(),
});

export const alarmSchema = z.strictObject({
  api5xxRatePercent: z.number().positive().max(100),
  apiP99LatencyMs: positiveInt,
  lambdaErrorsPerFiveMinutes: positiveInt,
  lambdaThrottlesPerFiveMinutes: positiveInt,
  rdsCpuPercent: z.number().positive().max(100),
  rdsFreeableMemoryPercent: z.number().positive().max(100),
  rdsStorageUsedPercent: z.number().positive().max(100),
  proxyConnectionsPercent: z.number().positive().max(100),
  /** Where alarm notifications go (SNS email subscriptions); none in dev. */
  criticalEmails: z.array(z.email()),
  warningEmails: z.array(z.email()),
});

export const stateSchema = z.strictObject({
  /** S3 bucket for remote state; undefined = local backend (plain `cdktf synth` anywhere). */
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "not an S3 bucket name")
    .optional(),
  region: z.string(),
  keyPrefix: z.string().min(1),
  /**
   * Absolute folder of the local state files when there is no bucket. Absolute because every
   * stack runs Terraform in its own folder (`cdktf.out/stacks/<stack>`) and reads its upstreams'
   * state through `terraform_remote_state`: a relative path would resolve per stack.
   */
  localDir: z.string().refine((d) => d.startsWith("/"), "must be an absolute path"),
});

/**
 * What the `bootstrap-<env>` stack needs to let GitHub Actions reach this environment's account
 * through OIDC (no stored keys): the plan role trusts the repository's pull requests, the apply
 * role trusts the deploy job of `githubEnvironment` only.
 */
export const ciSchema = z.strictObject({
  /** `owner/name` of the GitHub repository whose workflows may assume the CI roles. */
  githubRepository: z
    .string()
    .regex(
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
      "must be owner/name (a GitHub repository, e.g. acme/ecommerce-analytics)",
    ),
  /**
   * The GitHub environment of this environment's deploy job (its `environment:` key): the apply
   * role trusts only tokens with the subject `repo:<owner>/<name>:environment:<githubEnvironment>`.
   * In prod it is protected by required reviewers in the repository settings.
   */
  githubEnvironment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,255}$/, "a GitHub environment name: letters, digits, . _ - (up to 255)"),
  /**
   * Whether `bootstrap-<env>` creates the account's GitHub OIDC provider
   * (`token.actions.githubusercontent.com`). IAM allows one provider per URL and account: true
   * assumes one AWS account per environment (see `api.manageAccountLogging`); environments that
   * share an account set it on one of them and false on the others, which then look it up.
   */
  createOidcProvider: z.boolean(),
  /**
   * The KMS key the Terraform state objects are encrypted with, when the backend or the bucket
   * uses SSE-KMS with a customer-managed key (`STATE_BUCKET_KMS_KEY_ARN`): both CI roles then
   * get `kms:Decrypt`/`kms:GenerateDataKey` on it through S3. Undefined for SSE-S3, which is what
   * the backend writes today (`encrypt = true` without `kms_key_id`).
   */
  stateKmsKeyArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias",
    )
    .optional(),
});

export const environmentSchema = z.strictObject({
  name: z.enum(ENVIRONMENT_NAMES),
  project: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "lower-case letters, digits and dashes"),
  region: z
    .string()
    .refine((r) => r in REGION_AZ_COUNTS, "is not a region this project knows (see stacks/config/regions.ts)"),
  /** How many availability zones the network spans. */
  azCount: z.number().int().min(2, "at least 2 (RDS subnet groups need two AZs)").max(6),
  network: networkSchema,
  database: databaseSchema,
  functions: z.strictObject(sameSchemaFor(CONFIGURED_FUNCTIONS, functionSchema)),
  api: apiSchema,
  people: peopleSchema,
  dashboard: dashboardSchema,
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of ${LOG_RETENTION_DAYS.join(", ")}`),
  alarms: alarmSchema,
  /** The monthly cost budget and its forecast notifications (docs/costs.md). */
  budget: budgetSchema,
  /** Functions released through a `live` alias by CodeDeploy (docs/releases.md). */
  releases: releasesSchema,
  /** The raw rows' scheduled export to S3 as Parquet, with Glue and Athena over it (docs/history-export.md). */
  historyExport: historyExportSchema,
  state: stateSchema,
  ci: ciSchema,
  /** Provider default tags: project, environment, managed-by, cost-center at least. */
  tags: z
    .record(z.string(), z.string())
    .refine(
      (t) => ["project", "environment", "managed-by", "cost-center"].every((k) => t[k]),
      "needs project, environment, managed-by and cost-center",
    ),
});

export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type NetworkConfig = z.output<typeof networkSchema>;
export type DatabaseConfig = z.output<typeof databaseSchema>;
export type FunctionConfig = z.output<typeof functionSchema>;
export type ApiConfig = z.output<typeof apiSchema>;
export type AlarmConfig = z.output<typeof alarmSchema>;
export type PeopleConfig = z.output<typeof peopleSchema>;
export type DashboardConfig = z.output<typeof dashboardSchema>;
export type StateConfig = z.output<typeof stateSchema>;
export type CiConfig = z.output<typeof ciSchema>;
export type { BackupReplicationConfig, BudgetConfig, StopScheduleConfig } from "./resilience";
export type { ReleasesConfig } from "./releases";
export type { HistoryExportConfig } from "./history";
