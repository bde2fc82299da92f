import * as z from "zod";
import { FUNCTION_NAMES } from "../../functions/routes";
import { fieldPath, issueDetails } from "../../functions/zod-issues";
import { capacityProblems } from "./capacity";
import { contains, overlaps, parseCidr, type Cidr } from "./cidr";
import { LOG_RETENTION_DAYS, REGION_AZ_COUNTS } from "./regions";
import { ENVIRONMENT_NAMES, type EnvironmentConfig } from "./types";

/** A broken environment config: the message names every field at fault, e.g. `prod.network.privateSubnets[1]`. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const positiveInt = z.number().int().positive();
const functionConfig = z.strictObject({ memoryMb: z.number().int().min(128).max(10240), timeoutSeconds: z.number().int().min(1).max(900), reservedConcurrency: z.number().int().min(0).optional() });

const schema = z.strictObject({
  name: z.enum(ENVIRONMENT_NAMES),
  project: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, "lower-case letters, digits and dashes"),
  region: z.string().refine((r) => r in REGION_AZ_COUNTS, "is not a region this project knows (see stacks/config/regions.ts)"),
  azCount: z.number().int().min(2, "at least 2 (RDS subnet groups need two AZs)").max(6),
  network: z.strictObject({
    vpcCidr: z.string(),
    publicSubnets: z.array(z.string()),
    privateSubnets: z.array(z.string()),
    databaseSubnets: z.array(z.string()),
    natGateways: z.number().int().min(0),
    flowLogTrafficType: z.enum(["ALL", "REJECT"]),
  }),
  database: z.strictObject({
    engineVersion: z.literal("8.4"),
    parameterGroupFamily: z.literal("mysql8.4"),
    instanceClass: z.string().regex(/^db\.[a-z][a-z0-9-]*\.(micro|small|medium|large|\d*xlarge)$/, "must look like db.r7g.large"),
    multiAz: z.boolean(),
    allocatedStorageGb: z.number().int().min(20).max(65536),
    maxAllocatedStorageGb: z.number().int().max(65536),
    backupRetentionDays: z.number().int().min(1, "at least 1: point-in-time recovery needs backups").max(35),
    deletionProtection: z.boolean(),
    finalSnapshot: z.boolean(),
    performanceInsightsRetentionDays: z.number().int().refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d <= 713), "7, 731 or a multiple of 31 up to 713"),
    monitoringIntervalSeconds: z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)]),
    databaseName: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
    masterUsername: z.string().regex(/^[a-z][a-z0-9_]{0,15}$/),
    appUsername: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
    proxyIdleClientTimeoutSeconds: z.number().int().min(1).max(28800),
    proxyMaxConnectionsPercent: z.number().int().min(1).max(100),
  }),
  functions: z.strictObject(Object.fromEntries([...FUNCTION_NAMES, "migrate", "admin"].map((n) => [n, functionConfig]))),
  api: z.strictObject({ stageName: z.string().regex(/^[a-zA-Z0-9_]+$/), requestsPerMinutePerKey: positiveInt, burstLimit: positiveInt, wafRateLimitPerIp: z.number().int().min(10).max(2_000_000_000), stageRateLimit: positiveInt, stageBurstLimit: positiveInt, manageAccountLogging: z.boolean() }),
  logRetentionDays: z.number().int().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `one of ${LOG_RETENTION_DAYS.join(", ")}`),
  alarms: z.strictObject({
    api5xxRatePercent: z.number().positive().max(100),
    apiP99LatencyMs: positiveInt,
    lambdaErrorsPerFiveMinutes: positiveInt,
    lambdaThrottlesPerFiveMinutes: positiveInt,
    rdsCpuPercent: z.number().positive().max(100),
    rdsFreeableMemoryPercent: z.number().positive().max(100),
    rdsStorageUsedPercent: z.number().positive().max(100),
    proxyConnectionsPercent: z.number().positive().max(100),
    criticalEmails: z.array(z.email()),
    warningEmails: z.array(z.email()),
  }),
  state: z.strictObject({ bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "not an S3 bucket name").optional(), region: z.string(), keyPrefix: z.string().min(1), localDir: z.string().refine((d) => d.startsWith("/"), "must be an absolute path") }),
  ci: z.strictObject({
    githubRepository: z
      .string()
      .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/, "must be owner/name (a GitHub repository, e.g. acme/ecommerce-analytics)"),
    githubEnvironment: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, "a GitHub environment name: letters, digits, . _ - (up to 255)"),
    createOidcProvider: z.boolean(),
    stateKmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias")
      .optional(),
  }),
  tags: z.record(z.string(), z.string()).refine((t) => ["project", "environment", "managed-by", "cost-center"].every((k) => t[k]), "needs project, environment, managed-by and cost-center"),
});

/** Checks the network plan: every subnet a valid network inside the VPC, one per AZ and tier, none overlapping. */
function networkProblems(config: EnvironmentConfig): string[] {
  const at = `${config.name}.network`;
  const problems: string[] = [];
  const vpc = parseCidr(config.network.vpcCidr);
  if (!vpc) return [`${at}.vpcCidr: ${config.network.vpcCidr} is not an IPv4 network in CIDR form`];
  const seen: { field: string; cidr: Cidr }[] = [];
  for (const tier of ["publicSubnets", "privateSubnets", "databaseSubnets"] as const) {
    const subnets = config.network[tier];
    if (subnets.length !== config.azCount) problems.push(`${at}.${tier}: ${subnets.length} subnets for ${config.azCount} availability zones`);
    subnets.forEach((text, i) => {
      const field = `${at}.${tier}[${i}]`;
      const cidr = parseCidr(text);
      if (!cidr) return void problems.push(`${field}: ${text} is not an IPv4 network in CIDR form`);
      if (!contains(vpc, cidr)) problems.push(`${field}: ${text} is outside the VPC ${vpc.text}`);
      const clash = seen.find((s) => overlaps(s.cidr, cidr));
      if (clash) problems.push(`${field}: ${text} overlaps ${clash.field} (${clash.cidr.text})`);
      seen.push({ field, cidr });
    });
  }
  if (config.network.natGateways > config.azCount) problems.push(`${at}.natGateways: ${config.network.natGateways} NAT gateways for ${config.azCount} availability zones`);
  return problems;
}

function semanticProblems(config: EnvironmentConfig, key: string): string[] {
  const problems: string[] = [];
  if (config.name !== key) problems.push(`${key}.name: is "${config.name}" under the key "${key}"`);
  const azs = REGION_AZ_COUNTS[config.region];
  if (config.azCount > azs) problems.push(`${config.name}.azCount: ${config.azCount} but ${config.region} has ${azs} availability zones`);
  if (config.database.maxAllocatedStorageGb <= config.database.allocatedStorageGb) {
    problems.push(`${config.name}.database.maxAllocatedStorageGb: must exceed allocatedStorageGb for storage autoscaling`);
  }
  if (config.tags.environment !== config.name) problems.push(`${config.name}.tags.environment: is "${config.tags.environment}"`);
  return [...problems, ...networkProblems(config), ...capacityProblems(config)];
}

/** Validates one environment's settings; throws ConfigError naming every field at fault. */
export function validateEnvironment(key: string, raw: unknown): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(key)) {
    throw new ConfigError([`${key}: unknown environment (known: ${ENVIRONMENT_NAMES.join(", ")})`]);
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.flatMap(issueDetails).map(({ path, message }) => `${fieldPath([key, ...path])}: ${message}`));
  }
  const config = parsed.data as EnvironmentConfig;
  const problems = semanticProblems(config, key);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
