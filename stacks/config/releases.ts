import * as z from "zod";
import { FUNCTION_NAMES, type FunctionName } from "../../shared/routes";

/**
 * Releases (docs/releases.md): the functions API Gateway invokes are published with a `live` alias
 * that CodeDeploy moves from one version to the next, gradually where the config says so, and back
 * when the rollback alarms fire.
 */

/** The alias API Gateway invokes; CodeDeploy shifts it between versions. */
export const LIVE_ALIAS = "live";

/** The functions released through their `live` alias: every one API Gateway invokes. */
export type ReleasedFunction = FunctionName | "authorizer";
export const RELEASED_FUNCTIONS: readonly ReleasedFunction[] = [...FUNCTION_NAMES, "authorizer"];

/**
 * CodeDeploy's predefined deployment configurations for Lambda: all at once, a canary (10 % of
 * the traffic for N minutes, then the rest) or linear (10 % more every N minutes).
 */
export const LAMBDA_DEPLOYMENT_CONFIGS = [
  "CodeDeployDefault.LambdaAllAtOnce",
  "CodeDeployDefault.LambdaCanary10Percent5Minutes",
  "CodeDeployDefault.LambdaCanary10Percent10Minutes",
  "CodeDeployDefault.LambdaCanary10Percent15Minutes",
  "CodeDeployDefault.LambdaCanary10Percent30Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
  "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
  "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
] as const;
export type LambdaDeploymentConfig = (typeof LAMBDA_DEPLOYMENT_CONFIGS)[number];

/**
 * The most provisioned instances one alias may keep warm: Lambda's default concurrency quota per
 * account and region is 1,000, and AWS keeps 100 of it unreserved. Within it, validate.ts holds
 * each function's provisioned concurrency to its reserved concurrency, where it has one.
 */
export const MAX_PROVISIONED_CONCURRENCY = 900;

const provisioned = z.number().int().min(0).max(MAX_PROVISIONED_CONCURRENCY);

export const releasesSchema = z.strictObject({
  /** How CodeDeploy shifts the `live` alias to a new version. */
  deploymentConfig: z.enum(LAMBDA_DEPLOYMENT_CONFIGS),
  /**
   * Instances kept initialized on each function's `live` alias (no cold starts for that many
   * concurrent requests), billed whether used or not. 0 = none (on demand).
   */
  provisionedConcurrency: z.strictObject({
    ingest: provisioned,
    reports: provisioned,
    health: provisioned,
    authorizer: provisioned,
  } satisfies Record<ReleasedFunction, typeof provisioned>),
  /** What stops a release and rolls it back: the alias's alarms, each over one-minute periods. */
  rollbackAlarms: z.strictObject({
    /** Lambda errors on the alias, and 5XX answers of the function's routes, per minute (either one). */
    errorsPerMinute: z.number().int().positive().max(100_000),
    /** p99 of the alias's Duration above this in 2 of 3 minutes. */
    p99DurationMs: z.number().int().positive().max(900_000),
  }),
});

export type ReleasesConfig = z.output<typeof releasesSchema>;

/** Provisioned concurrency above a function's reserved concurrency is refused by Lambda. */
export function releaseProblems(
  name: string,
  releases: ReleasesConfig,
  functions: Record<ReleasedFunction, { reservedConcurrency?: number; timeoutSeconds: number }>,
): string[] {
  const problems: string[] = [];
  for (const fn of RELEASED_FUNCTIONS) {
    const count = releases.provisionedConcurrency[fn];
    const reserved = functions[fn].reservedConcurrency;
    if (count > 0 && reserved !== undefined && count > reserved)
      problems.push(
        `${name}.releases.provisionedConcurrency.${fn}: ${count} is above the function's reserved concurrency ` +
          `(${reserved})`,
      );
  }
  // A threshold at or above a function's timeout never fires for it (Duration stops at the timeout).
  const shortest = Math.min(...RELEASED_FUNCTIONS.map((fn) => functions[fn].timeoutSeconds)) * 1000;
  if (releases.rollbackAlarms.p99DurationMs >= shortest)
    problems.push(
      `${name}.releases.rollbackAlarms.p99DurationMs: ${releases.rollbackAlarms.p99DurationMs} ms is not under ` +
        `the shortest timeout of a released function (${shortest} ms)`,
    );
  return problems;
}
