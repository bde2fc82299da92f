import { resolve } from "node:path";
import { BACKUP_REGION_OF } from "./resilience";
import type { EnvironmentConfig, EnvironmentName } from "./types";

/**
 * Every environment's settings: the only place they live. Dev is cheap (single NAT, single-AZ
 * database, small instance, short retention); prod is SPEC section 4 in full. Staging mirrors
 * prod's shape at a smaller size. `STATE_BUCKET_<ENV>` (or `STATE_BUCKET`) turns on S3 remote
 * state (`STATE_BUCKET_KMS_KEY_ARN_<ENV>` names its KMS key, if any, for the CI roles).
 */
const PROJECT = "ecommerce-analytics";
const REGION = "eu-west-1";

/** No NAT gateways: nothing in the VPC needs the internet (README "What each environment costs"). */
const network = (): EnvironmentConfig["network"] => ({
  vpcCidr: "10.0.0.0/16",
  publicSubnets: ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
  privateSubnets: ["10.0.11.0/24", "10.0.12.0/24", "10.0.13.0/24"],
  databaseSubnets: ["10.0.21.0/24", "10.0.22.0/24", "10.0.23.0/24"],
  natGateways: 0,
  flowLogTrafficType: "ALL",
});

/**
 * Cross-region copies of the automated backups (docs/disaster-recovery.md): prod only, to the
 * region paired with REGION, with a week of point-in-time recovery there (the month of history
 * stays in the primary region; the copy is for losing the region, not for going far back).
 */
const backupReplication = (enabled: boolean): EnvironmentConfig["database"]["backupReplication"] => ({
  enabled,
  region: BACKUP_REGION_OF[REGION],
  retentionDays: 7,
});

/**
 * Stopping the database outside working hours (docs/costs.md): off everywhere. Dev would save ~$8 a
 * month, but every push to main deploys dev first and its migration needs the database: an evening
 * merge would fail there and hold up staging and prod. Turn it on where no pipeline runs at night.
 */
const stopSchedule = (enabled: boolean): EnvironmentConfig["database"]["stopSchedule"] => ({
  enabled,
  timeZone: "Europe/Dublin",
  days: "MON-FRI",
  startHour: 7,
  stopHour: 20,
});

/**
 * The monthly budget (docs/costs.md): README's "What each environment costs" before traffic plus
 * room for use; notifications when the month's forecast passes 80 % and 100 % of it. The whole
 * account, as each environment has an account of its own.
 */
const budget = (monthlyLimitUsd: number): EnvironmentConfig["budget"] => ({
  monthlyLimitUsd,
  forecastAlertPercents: [80, 100],
  scope: "account",
});

/**
 * Aurora MySQL with readers (docs/read-replicas.md): off everywhere. One RDS for MySQL instance
 * serves this platform's measured load (1M orders: every report's p95 under 40 ms, ingestion
 * ~5,000-7,700 orders/s on 2 vCPUs, BENCHMARKS.md) for less. The settings below are what
 * `engine: "aurora-mysql"` builds, sized so that flipping the engine alone validates against the
 * reserved concurrency (stacks/config/capacity.ts): one reader each; dev and staging on Serverless v2
 * (Aurora has no db.t4g.micro; staging needs ~240 connections, an Aurora db.t4g.medium has 90), prod
 * on db.r7g.xlarge (its ~1,030 connections exceed an Aurora db.r7g.large's 1,000; the xlarge has 2,000).
 */
const aurora = (
  capacity: EnvironmentConfig["database"]["aurora"]["capacity"],
): EnvironmentConfig["database"]["aurora"] => ({
  engineVersion: "8.4.mysql_aurora.8.4.7",
  parameterGroupFamily: "aurora-mysql8.4",
  capacity,
  readers: 1,
  replicaLagAlarmMs: 1_000,
});

/**
 * The history export (docs/history-export.md): scheduled in staging (hourly) and prod (every 30
 * minutes), off in dev (invoke the function by hand there). The 1 GB per query cutoff
 * holds a query to about a store's year of events at prod's sizes.
 */
const historyExport = (
  schedule: EnvironmentConfig["historyExport"]["schedule"],
  reserved: boolean,
  sizes: { storedGb: number; scannedGbPerMonth: number },
  forceDestroy: boolean,
): EnvironmentConfig["historyExport"] => ({
  schedule,
  function: { memoryMb: 1024, timeoutSeconds: 900, ...(reserved ? { reservedConcurrency: 1 as const } : {}) },
  noncurrentVersionDays: 7,
  athena: { bytesScannedCutoffPerQuery: 1024 ** 3, resultRetentionDays: 7 },
  forceDestroy,
  expectedStoredGb: sizes.storedGb,
  expectedScannedGbPerMonth: sizes.scannedGbPerMonth,
});

const database = (overrides: Partial<EnvironmentConfig["database"]>): EnvironmentConfig["database"] => ({
  engine: "rds-mysql",
  aurora: aurora({ kind: "provisioned", instanceClass: "db.r7g.xlarge" }),
  engineVersion: "8.4",
  parameterGroupFamily: "mysql8.4",
  instanceClass: "db.t4g.medium",
  multiAz: true,
  allocatedStorageGb: 20,
  maxAllocatedStorageGb: 200,
  backupRetentionDays: 7,
  deletionProtection: false,
  finalSnapshot: false,
  performanceInsightsRetentionDays: 7,
  monitoringIntervalSeconds: 60,
  databaseName: "analytics",
  masterUsername: "admin_master",
  appUsername: "app_user",
  proxyIdleClientTimeoutSeconds: 1800,
  proxyMaxConnectionsPercent: 90,
  backupReplication: backupReplication(false),
  stopSchedule: stopSchedule(false),
  ...overrides,
});

/**
 * Reserved concurrency, where given, caps each function's instances so that, times the pool
 * size per instance, they can never exhaust the connections RDS Proxy may open (checked by
 * stacks/config/capacity.ts). Dev reserves none: a fresh account's concurrency quota may be 10
 * and AWS keeps 100 unreserved, so a reservation would fail there; the quota bounds dev instead.
 * migrate is reserved at 1 where reservations apply: two migration runs never overlap.
 * migrate's 900 s timeout (Lambda's maximum) leaves room for its bounded waits for the proxy.
 * The authorizer runs before every keyed request but holds no database connection, so its
 * reservation costs the proxy nothing; it is sized for the stage's rate limit (a warm run takes
 * milliseconds: 500 requests/s x 50 ms is 25 instances) with room for cold starts.
 */
const functions = (
  scale: number,
  reserved?: { ingest: number; reports: number; health: number; authorizer: number },
): EnvironmentConfig["functions"] => ({
  ingest: { memoryMb: 512 * scale, timeoutSeconds: 15, reservedConcurrency: reserved?.ingest },
  reports: { memoryMb: 512 * scale, timeoutSeconds: 15, reservedConcurrency: reserved?.reports },
  health: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: reserved?.health },
  migrate: { memoryMb: 512, timeoutSeconds: 900, reservedConcurrency: reserved && 1 },
  admin: { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: reserved && 2 },
  authorizer: { memoryMb: 256, timeoutSeconds: 5, reservedConcurrency: reserved?.authorizer },
});

/**
 * The dashboard's people: e-mail and password, TOTP optional, 12-character passwords (the local
 * stand-in's rule too). Threat protection needs Cognito's PLUS plan, paid per active user from the
 * first: prod enforces it; dev and staging stay on ESSENTIALS (free up to 10,000 active users).
 * Their key's usage plan is the budget of every signed-in person together: a view of the dashboard
 * asks for one to six reports, so `requestsPerMinute` is ~a thousand views a minute (per IP, the
 * WAF's rate rule still applies); the day's quota is 500 times that.
 */
const people = (
  plan: { featurePlan: "ESSENTIALS" | "PLUS"; threatProtection: "OFF" | "ENFORCED" },
  traffic: { requestsPerMinute: number; burstLimit: number },
  expectedMonthlyActiveUsers: number,
  deletionProtection: boolean,
): EnvironmentConfig["people"] => ({
  ...plan,
  mfa: "OPTIONAL",
  passwordPolicy: {
    minimumLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireNumbers: true,
    requireSymbols: false,
    temporaryPasswordValidityDays: 7,
  },
  refreshTokenValidityDays: 30,
  deletionProtection,
  ...traffic,
  requestsPerDay: traffic.requestsPerMinute * 500,
  expectedMonthlyActiveUsers,
});

const dashboard = (expectedVisitsPerMonth: number, forceDestroy: boolean): EnvironmentConfig["dashboard"] => ({
  priceClass: "PriceClass_100",
  expectedVisitsPerMonth,
  forceDestroy,
});

/** Each environment is assumed to live in its own AWS account, so each manages API Gateway's logging role. */
const api = (stageRateLimit: number): EnvironmentConfig["api"] => ({
  stageName: "v1",
  requestsPerMinutePerKey: 1000,
  burstLimit: 100,
  wafRateLimitPerIp: 2000,
  stageRateLimit,
  stageBurstLimit: stageRateLimit * 2,
  manageAccountLogging: true,
  // Off everywhere: reports answer from the database, read-your-writes holds (docs/caching.md).
  stageCache: { enabled: false, clusterSizeGb: "0.5", ttlSeconds: 60 },
});

const alarms = (emails: string[]): EnvironmentConfig["alarms"] => ({
  api5xxRatePercent: 5,
  apiP99LatencyMs: 2000,
  lambdaErrorsPerFiveMinutes: 5,
  lambdaThrottlesPerFiveMinutes: 1,
  rdsCpuPercent: 80,
  rdsFreeableMemoryPercent: 80,
  rdsStorageUsedPercent: 80,
  proxyConnectionsPercent: 80,
  criticalEmails: emails,
  warningEmails: emails,
});

/**
 * Releases (docs/releases.md): dev shifts a new version all at once (nobody to protect, fast
 * feedback); staging and prod send it 10 % of the traffic for 5 minutes first, and roll back when
 * its rollback alarms fire. No provisioned concurrency anywhere by default (it is billed around the
 * clock); the rollback alarms share the API's 2-second latency objective.
 */
const releases = (
  deploymentConfig: EnvironmentConfig["releases"]["deploymentConfig"],
): EnvironmentConfig["releases"] => ({
  deploymentConfig,
  provisionedConcurrency: { ingest: 0, reports: 0, health: 0, authorizer: 0 },
  rollbackAlarms: { errorsPerMinute: 5, p99DurationMs: 2000 },
});

/**
 * Each environment keeps its state in a bucket of its own account: `STATE_BUCKET_<ENV>` (e.g.
 * `STATE_BUCKET_PROD`), else `STATE_BUCKET` (one account for all, or a synth of one environment).
 * Without either, a local state file under `LOCAL_STATE_DIR` (default `<cwd>/terraform-state`).
 */
const state = (name: EnvironmentName, env: NodeJS.ProcessEnv): EnvironmentConfig["state"] => {
  const suffix = name.toUpperCase();
  return {
    bucket: env[`STATE_BUCKET_${suffix}`] || env.STATE_BUCKET || undefined,
    region: env[`STATE_BUCKET_REGION_${suffix}`] || env.STATE_BUCKET_REGION || REGION,
    keyPrefix: PROJECT,
    localDir: resolve(env.LOCAL_STATE_DIR || "terraform-state"),
  };
};

/** The repository whose GitHub Actions workflows plan and deploy every environment. */
const GITHUB_REPOSITORY = "acme/ecommerce-analytics";

/**
 * CI access of an environment (the `bootstrap-<env>` stack). The deploy job of each environment
 * runs in the GitHub environment of the same name. Each environment is assumed to live in its own
 * AWS account, so each bootstrap creates that account's GitHub OIDC provider; environments that
 * share an account must set `createOidcProvider: false` on all but one.
 */
const ci = (githubEnvironment: EnvironmentName, env: NodeJS.ProcessEnv): EnvironmentConfig["ci"] => ({
  githubRepository: GITHUB_REPOSITORY,
  githubEnvironment,
  createOidcProvider: true,
  stateKmsKeyArn:
    env[`STATE_BUCKET_KMS_KEY_ARN_${githubEnvironment.toUpperCase()}`] || env.STATE_BUCKET_KMS_KEY_ARN || undefined,
});

const tags = (environment: EnvironmentName, costCenter: string) => ({
  project: PROJECT,
  environment,
  "managed-by": "cdktf",
  "cost-center": costCenter,
});

/** The raw (unvalidated) settings; `loadEnvironments` validates them. */
export function environmentSettings(env: NodeJS.ProcessEnv = process.env): Record<EnvironmentName, EnvironmentConfig> {
  return {
    dev: {
      name: "dev",
      project: PROJECT,
      region: REGION,
      azCount: 3,
      network: network(),
      database: database({
        instanceClass: "db.t4g.micro",
        multiAz: false,
        backupRetentionDays: 1,
        aurora: aurora({ kind: "serverless-v2", minAcu: 0.5, maxAcu: 2 }),
        monitoringIntervalSeconds: 60,
      }),
      functions: functions(1),
      api: api(100),
      people: people(
        { featurePlan: "ESSENTIALS", threatProtection: "OFF" },
        { requestsPerMinute: 1_000, burstLimit: 100 },
        20,
        false,
      ),
      dashboard: dashboard(1_000, true),
      logRetentionDays: 14,
      alarms: alarms([]),
      releases: releases("CodeDeployDefault.LambdaAllAtOnce"),
      budget: budget(150),
      historyExport: historyExport(
        { enabled: false, rateMinutes: 60 },
        false,
        { storedGb: 1, scannedGbPerMonth: 10 },
        true,
      ),
      state: state("dev", env),
      ci: ci("dev", env),
      tags: tags("dev", "analytics-dev"),
    },
    staging: {
      name: "staging",
      project: PROJECT,
      region: REGION,
      azCount: 3,
      network: network(),
      database: database({
        instanceClass: "db.t4g.medium",
        multiAz: true,
        backupRetentionDays: 7,
        aurora: aurora({ kind: "serverless-v2", minAcu: 0.5, maxAcu: 8 }),
      }),
      // 2 x (50 + 60 + 5 + 2) + 3 x 1 = 237 connections of the ~278 the proxy may open (90 % of ~309);
      // the authorizer's 50 hold none.
      functions: functions(1, { ingest: 50, reports: 60, health: 5, authorizer: 50 }),
      api: api(200),
      people: people(
        { featurePlan: "ESSENTIALS", threatProtection: "OFF" },
        { requestsPerMinute: 2_000, burstLimit: 200 },
        50,
        false,
      ),
      dashboard: dashboard(5_000, false),
      logRetentionDays: 30,
      alarms: alarms([]),
      releases: releases("CodeDeployDefault.LambdaCanary10Percent5Minutes"),
      budget: budget(300),
      historyExport: historyExport(
        { enabled: true, rateMinutes: 60 },
        true,
        { storedGb: 5, scannedGbPerMonth: 50 },
        false,
      ),
      state: state("staging", env),
      ci: ci("staging", env),
      tags: tags("staging", "analytics-staging"),
    },
    prod: {
      name: "prod",
      project: PROJECT,
      region: REGION,
      azCount: 3,
      network: network(),
      database: database({
        instanceClass: "db.r7g.large",
        multiAz: true,
        allocatedStorageGb: 100,
        maxAllocatedStorageGb: 1000,
        backupRetentionDays: 35,
        deletionProtection: true,
        finalSnapshot: true,
        performanceInsightsRetentionDays: 31,
        monitoringIntervalSeconds: 15,
        backupReplication: backupReplication(true),
      }),
      // 2 x (200 + 300 + 10 + 2) + 3 x 1 = 1,027 connections of the ~1,199 the proxy may open (90 % of ~1,333);
      // the authorizer's 100 hold none.
      functions: functions(2, { ingest: 200, reports: 300, health: 10, authorizer: 100 }),
      api: api(500),
      people: people(
        { featurePlan: "PLUS", threatProtection: "ENFORCED" },
        { requestsPerMinute: 6_000, burstLimit: 300 },
        2_000,
        true,
      ),
      dashboard: dashboard(100_000, false),
      logRetentionDays: 365,
      alarms: alarms(env.ALARM_EMAIL ? [env.ALARM_EMAIL] : []),
      releases: releases("CodeDeployDefault.LambdaCanary10Percent5Minutes"),
      budget: budget(800),
      historyExport: historyExport(
        { enabled: true, rateMinutes: 30 },
        true,
        { storedGb: 50, scannedGbPerMonth: 500 },
        false,
      ),
      state: state("prod", env),
      ci: ci("prod", env),
      tags: tags("prod", "analytics-prod"),
    },
  };
}
