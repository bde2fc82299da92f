/**
 * The deploy-time migration function, invoked once per deploy by Terraform's
 * `aws_lambda_invocation` (never behind API Gateway). It connects through RDS Proxy with IAM
 * auth as the master user, applies pending migrations, makes sure the application user exists
 * with the password in its secret and the privileges the handlers need, and then checks that the
 * application user can log in THROUGH THE PROXY (as the handlers will), failing the run (and so
 * the deploy) if it cannot.
 *
 * Waiting for the proxy: Terraform registers the proxy's target without waiting for it to be
 * healthy, and the proxy reads a secret some time after it is written. So the first connection
 * (and its first statement) is retried with backoff for up to MIGRATE_CONNECT_BUDGET_MS (default
 * 10 min), the app user's login for up to MIGRATE_APP_LOGIN_BUDGET_MS (default 3 min); each
 * failed attempt is logged (attempt, error code and message, next delay), and a spent budget
 * fails the run with an error naming it. Both budgets are cut to what the invocation has left
 * (less a margin), so a give-up is a clear error and not a Lambda timeout. Which errors are
 * waited out and which fail at once: `isRetryableConnectError` in functions/db/errors.ts.
 *
 * Invoked with `{"rotateAppPassword": true}` (by hand: `aws lambda invoke`), it instead rotates
 * the app user's password: see `runRotationJob`.
 *
 * Environment: DB_PROXY_ENDPOINT, DB_NAME, DB_USER (the master user), AWS_REGION (set by Lambda),
 * APP_SECRET_ARN (the application user's secret), APP_DB_USER (the application user's name),
 * optional MIGRATE_CONNECT_BUDGET_MS and MIGRATE_APP_LOGIN_BUDGET_MS.
 */
import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Signer } from "@aws-sdk/rds-signer";
import type { Context } from "aws-lambda";
import { Kysely, MysqlDialect, sql } from "kysely";
import { createPool } from "mysql2";
import {
  discardOldAppPassword,
  ensureAppUser,
  rotateAppUserPassword,
  type AppUserOptions,
  type AppUserOutcome,
  type DatabaseEngine,
} from "../db/app-user";
import { CircuitBreaker } from "../db/circuit-breaker";
import {
  createDatabase,
  databaseTargetFromEnv,
  LAMBDA_LIMITS,
  poolOptions,
  type DatabaseLimits,
  type DatabaseTarget,
} from "../db/connection";
import { isRetryableConnectError } from "../db/errors";
import { guardPool } from "../db/guarded-pool";
import { CachedTokenSource, type TokenSource } from "../db/iam-auth";
import { migrateToLatest } from "../db/migrate";
import { retryWithBackoff, systemClock, type BackoffPolicy, type RetryClock, type RetryNotice } from "../db/retry";
import { withPowertools } from "../middleware/powertools";
import { logger, metrics } from "../observability";

export interface MigrateResult {
  applied: string[];
  appUser: AppUserOutcome;
}

export interface MigrationRunResult extends MigrateResult {
  /** Attempts it took to connect as the master user, and to log in as the app user through the proxy. */
  connectAttempts: number;
  appLoginAttempts: number;
}

export interface RotationRunResult {
  rotated: true;
  engine: DatabaseEngine;
  previousPasswordDiscarded: boolean;
  appLoginAttempts: number;
}

/** One run at deploy time: statements (DDL on large tables) may take most of the function's time. */
export const MIGRATION_LIMITS: DatabaseLimits = { ...LAMBDA_LIMITS, queryTimeoutMs: 240_000 };
/**
 * The first statement on a fresh connection (the retried probe): a proxy that cannot hand out a database connection is
 * not waited on longer.
 */
export const PROBE_STATEMENT_TIMEOUT_MS = 30_000;
/** The app user's login check: one connection, one statement. */
export const APP_LOGIN_LIMITS: DatabaseLimits = {
  ...LAMBDA_LIMITS,
  connectionLimit: 1,
  queryTimeoutMs: PROBE_STATEMENT_TIMEOUT_MS,
};

/** Up to 10 minutes for the proxy's target to become usable (waits 1 s, 2 s, 4 s ... capped at 30 s). */
export const CONNECT_RETRY: BackoffPolicy = {
  budgetMs: 600_000,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  multiplier: 2,
};
/** Up to 3 minutes for the proxy to (re-)read the app secret (waits 1 s, 2 s, 4 s ... capped at 15 s). */
export const APP_LOGIN_RETRY: BackoffPolicy = {
  budgetMs: 180_000,
  initialDelayMs: 1_000,
  maxDelayMs: 15_000,
  multiplier: 2,
};
/** Left of the invocation's time when a budget must end: room to log, clean up and return the error. */
export const INVOCATION_MARGIN_MS = 20_000;

/** The log lines the run writes; the Powertools logger by default. */
export type MigrationLogger = Pick<Logger, "info" | "warn" | "error">;

/** The shared logger: inside the handler its lines carry the Lambda context (injectLambdaContext). */
const defaultLogger: MigrationLogger = logger;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
type AnyDb = Kysely<any>;

/** A database connection (pool) that can be closed, as the run opens them: one per attempt. */
export interface OpenedDatabase {
  db: AnyDb;
  /** After the probe: statements get the migration's long timeout. Absent: nothing to switch. */
  useMigrationTimeouts?(): void;
}

/** What a run needs; runMigrations and rotateAppPassword build it from the environment, tests from a local server. */
export interface JobDependencies {
  /** Opens a fresh pool as the master user (called once per attempt). */
  openMaster(): OpenedDatabase;
  /** Opens a fresh pool as the app user (through the proxy in AWS), once per login attempt. */
  openApp(): OpenedDatabase;
  appUser: AppUserOptions;
  connectRetry?: BackoffPolicy;
  appLoginRetry?: BackoffPolicy;
  logger?: MigrationLogger;
  clock?: RetryClock;
  /** Time left in the invocation (Lambda's context), to cut the budgets to. */
  remainingTimeMs?(): number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** A budget from the environment (milliseconds, > 0), or the default. */
export function budgetFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: BackoffPolicy): BackoffPolicy {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const budgetMs = Number(raw);
  if (!Number.isInteger(budgetMs) || budgetMs <= 0)
    throw new Error(`${name} must be a whole number of milliseconds > 0, not ${JSON.stringify(raw)}`);
  return { ...fallback, budgetMs };
}

/**
 * A pool whose statements time out after PROBE_STATEMENT_TIMEOUT_MS until useMigrationTimeouts()
 * (then MIGRATION_LIMITS.queryTimeoutMs): the first statement is the retried probe.
 */
export function openMigrationDatabase(target: DatabaseTarget, tokens?: TokenSource): OpenedDatabase {
  let statementTimeoutMs = PROBE_STATEMENT_TIMEOUT_MS;
  const breaker = new CircuitBreaker({
    failureThreshold: MIGRATION_LIMITS.breakerFailureThreshold,
    openMs: MIGRATION_LIMITS.breakerOpenMs,
  });
  const pool = createPool(poolOptions(target, MIGRATION_LIMITS, tokens));
  const db = new Kysely<unknown>({
    dialect: new MysqlDialect({ pool: guardPool(pool, breaker, () => statementTimeoutMs) }),
  }) as AnyDb;
  return {
    db,
    useMigrationTimeouts() {
      statementTimeoutMs = MIGRATION_LIMITS.queryTimeoutMs;
    },
  };
}

/** The IAM target and the app user's options, checked before anything connects. */
function awsSettings(env: NodeJS.ProcessEnv) {
  const target = databaseTargetFromEnv(env);
  if (target.kind !== "iam") throw new Error("the migration function runs in AWS: DB_PROXY_ENDPOINT must be set");
  const secretArn = required(env, "APP_SECRET_ARN");
  const appUser = required(env, "APP_DB_USER");
  return {
    target,
    appTarget: { ...target, user: appUser },
    secretArn,
    appUser,
    connectRetry: budgetFromEnv(env, "MIGRATE_CONNECT_BUDGET_MS", CONNECT_RETRY),
    appLoginRetry: budgetFromEnv(env, "MIGRATE_APP_LOGIN_BUDGET_MS", APP_LOGIN_RETRY),
  };
}

function awsDependencies(
  env: NodeJS.ProcessEnv,
  secrets: SecretsManagerClient,
  context?: Pick<Context, "getRemainingTimeInMillis">,
): JobDependencies {
  const settings = awsSettings(env);
  const { target, appTarget } = settings;
  const signerFor = (username: string) =>
    new Signer({ hostname: target.host, port: target.port, username, region: target.region });
  // One token source per user for the whole run: a token is valid 15 minutes, reused across attempts.
  const masterTokens = new CachedTokenSource(signerFor(target.user));
  const appTokens = new CachedTokenSource(signerFor(appTarget.user));
  return {
    openMaster: () => openMigrationDatabase(target, masterTokens),
    // The app user's own IAM token (the migration role may rds-db:connect as it), through the proxy.
    openApp: () => createDatabase(appTarget, APP_LOGIN_LIMITS, appTokens),
    appUser: { secrets, secretArn: settings.secretArn, username: settings.appUser, database: target.database },
    connectRetry: settings.connectRetry,
    appLoginRetry: settings.appLoginRetry,
    remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
  };
}

export async function runMigrations(
  env: NodeJS.ProcessEnv = process.env,
  secrets = new SecretsManagerClient({}),
  context?: Pick<Context, "getRemainingTimeInMillis">,
): Promise<MigrationRunResult> {
  return runMigrationJob(awsDependencies(env, secrets, context));
}

export async function rotateAppPassword(
  env: NodeJS.ProcessEnv = process.env,
  secrets = new SecretsManagerClient({}),
  context?: Pick<Context, "getRemainingTimeInMillis">,
): Promise<RotationRunResult> {
  return runRotationJob(awsDependencies(env, secrets, context));
}

/** The run itself, on any connection with the master user's rights (tests use the local server's root). */
export async function migrateAndEnsureAppUser(
  db: AnyDb,
  options: AppUserOptions,
  logger: MigrationLogger = defaultLogger,
): Promise<MigrateResult> {
  const result = await migrateToLatest(db);
  const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  logger.info("migrations applied", { applied });
  const outcome = await ensureAppUser(db, options);
  logger.info("application user ready", { appUser: options.username, outcome });
  return { applied, appUser: outcome };
}

/** Connect (with retries) → migrate → ensure the app user → check the app user's login (with retries). */
export async function runMigrationJob(deps: JobDependencies): Promise<MigrationRunResult> {
  const logger = deps.logger ?? defaultLogger;
  const master = await connectMaster(deps);
  try {
    master.opened.useMigrationTimeouts?.();
    const result = await migrateAndEnsureAppUser(master.opened.db, deps.appUser, logger);
    const appLoginAttempts = await checkAppLogin(deps, "after the migration filled the app secret");
    return { ...result, connectAttempts: master.attempts, appLoginAttempts };
  } finally {
    await master.opened.db.destroy().catch(() => undefined);
  }
}

/**
 * `{"rotateAppPassword": true}`: a new password for the app user, set on the user, written to the
 * app secret, then the app user's login through the proxy is checked (with retries: the proxy
 * re-reads the secret). On MySQL the previous password stays valid until that check passes and
 * is discarded after it, then the login is checked once more (with retries) on the new password
 * alone. The proxy keeps its open database connections either way (they are authenticated
 * already); only its new ones use the secret.
 */
export async function runRotationJob(deps: JobDependencies): Promise<RotationRunResult> {
  const logger = deps.logger ?? defaultLogger;
  const master = await connectMaster(deps);
  try {
    const rotation = await rotateAppUserPassword(master.opened.db, deps.appUser);
    logger.info("application user's password rotated", { appUser: deps.appUser.username, ...rotation });
    let appLoginAttempts = await checkAppLogin(deps, "after the rotation wrote the new password");
    if (rotation.previousPasswordRetained) {
      await discardOldAppPassword(master.opened.db, deps.appUser.username);
      logger.info("application user's previous password discarded", { appUser: deps.appUser.username });
      appLoginAttempts += await checkAppLogin(deps, "with the new password alone");
    }
    return {
      rotated: true,
      engine: rotation.engine,
      previousPasswordDiscarded: rotation.previousPasswordRetained,
      appLoginAttempts,
    };
  } finally {
    await master.opened.db.destroy().catch(() => undefined);
  }
}

/** A budget no longer than what the invocation has left (less a margin), never below one attempt's worth of zero. */
function withinInvocation(policy: BackoffPolicy, deps: JobDependencies): BackoffPolicy {
  const remaining = deps.remainingTimeMs?.();
  if (remaining === undefined) return policy;
  return { ...policy, budgetMs: Math.max(0, Math.min(policy.budgetMs, remaining - INVOCATION_MARGIN_MS)) };
}

/** One warning per failed attempt: attempt number, error code/errno/message, the wait before the next one. */
function logRetry(logger: MigrationLogger) {
  return ({ message, code, ...notice }: RetryNotice) =>
    logger.warn(`${notice.operation}: attempt ${notice.attempt} failed, retrying in ${notice.nextDelayMs} ms`, {
      ...notice,
      errorCode: code,
      errorMessage: message,
    });
}

async function connectMaster(deps: JobDependencies): Promise<{ opened: OpenedDatabase; attempts: number }> {
  const logger = deps.logger ?? defaultLogger;
  const operation = "connect to the database as the master user";
  try {
    const outcome = await retryWithBackoff(
      async () => {
        const opened = deps.openMaster();
        try {
          // The first statement: with the proxy, the handshake can succeed while no database connection can be had yet.
          await sql`select 1 as ok`.execute(opened.db);
          return opened;
        } catch (error) {
          await opened.db.destroy().catch(() => undefined);
          throw error;
        }
      },
      {
        operation,
        policy: withinInvocation(deps.connectRetry ?? CONNECT_RETRY, deps),
        isRetryable: isRetryableConnectError,
        onRetry: logRetry(logger),
        clock: deps.clock ?? systemClock,
      },
    );
    logger.info("connected to the database", { attempts: outcome.attempts, elapsedMs: outcome.elapsedMs });
    return { opened: outcome.value, attempts: outcome.attempts };
  } catch (error) {
    logger.error(`${operation}: failed`, { error: error as Error });
    throw error;
  }
}

/** A separate connection as the app user (its own IAM token in AWS), retried until it logs in and runs a statement. */
async function checkAppLogin(deps: JobDependencies, when: string): Promise<number> {
  const logger = deps.logger ?? defaultLogger;
  const operation = `log in as the application user '${deps.appUser.username}' ${when}`;
  try {
    const outcome = await retryWithBackoff(
      async () => {
        const opened = deps.openApp();
        try {
          const result = await sql<{ user: string }>`select current_user() as user`.execute(opened.db);
          return String(result.rows[0]?.user ?? "");
        } finally {
          await opened.db.destroy().catch(() => undefined);
        }
      },
      {
        operation,
        policy: withinInvocation(deps.appLoginRetry ?? APP_LOGIN_RETRY, deps),
        isRetryable: isRetryableConnectError,
        onRetry: logRetry(logger),
        clock: deps.clock ?? systemClock,
      },
    );
    logger.info("application user logged in", {
      appUser: deps.appUser.username,
      currentUser: outcome.value,
      attempts: outcome.attempts,
      elapsedMs: outcome.elapsedMs,
    });
    return outcome.attempts;
  } catch (error) {
    logger.error(`${operation}: failed`, { error: error as Error });
    throw error;
  }
}

export interface MigrateEvent {
  /** By hand: rotate the app user's password instead of migrating. */
  rotateAppPassword?: boolean;
}

/** The two runs the handler chooses between (tests pass stand-ins). */
export interface MigrateJobs {
  migrate(context: Context): Promise<MigrationRunResult>;
  rotate(context: Context): Promise<RotationRunResult>;
}

/** A context without Lambda's clock (an invocation by hand; Middy makes it `{}`) does not cut the budgets. */
const clockOf = (context: Context) => (typeof context?.getRemainingTimeInMillis === "function" ? context : undefined);

/** In AWS: the function's environment, Secrets Manager, the invocation's remaining time. */
const AWS_JOBS: MigrateJobs = {
  migrate: (context) => runMigrations(process.env, undefined, clockOf(context)),
  rotate: (context) => rotateAppPassword(process.env, undefined, clockOf(context)),
};

/**
 * The handler around `jobs`, with the Powertools middlewares (functions/middleware/powertools.ts):
 * log lines with the Lambda context, the invocation traced, and EMF metrics: `MigrationsApplied`
 * (migrations a run applied, 0 included) or `AppPasswordRotations`, and `MigrationRunsFailed`
 * when a run throws. The run's result is returned unchanged and its error is thrown again
 * unchanged, so a failed run fails the invocation and with it the deploy.
 */
export function createMigrateHandler(jobs: MigrateJobs = AWS_JOBS) {
  return withPowertools<MigrateEvent | null | undefined, MigrationRunResult | RotationRunResult>(
    async (event, context) => {
      try {
        if (event?.rotateAppPassword === true) {
          const rotated = await jobs.rotate(context);
          metrics.addMetric("AppPasswordRotations", MetricUnit.Count, 1);
          return rotated;
        }
        const migrated = await jobs.migrate(context);
        metrics.addMetric("MigrationsApplied", MetricUnit.Count, migrated.applied.length);
        return migrated;
      } catch (error) {
        metrics.addMetric("MigrationRunsFailed", MetricUnit.Count, 1);
        throw error;
      }
    },
  );
}

export const handler = createMigrateHandler();
