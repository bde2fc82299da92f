/**
 * The deploy-time migration function, invoked once per deploy by Terraform's
 * `aws_lambda_invocation` (never behind API Gateway). It connects through RDS Proxy with IAM
 * auth as the master user, applies pending migrations, and makes sure the application user
 * exists with the password in its secret and the privileges the handlers need.
 *
 * Environment: DB_PROXY_ENDPOINT, DB_NAME, DB_USER (the master user), AWS_REGION (set by Lambda),
 * APP_SECRET_ARN (the application user's secret), APP_DB_USER (the application user's name).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Logger } from "@aws-lambda-powertools/logger";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { Signer } from "@aws-sdk/rds-signer";
import type { Kysely } from "kysely";
import { ensureAppUser, type AppUserOptions, type AppUserOutcome } from "../db/app-user";
import { createDatabase, databaseTargetFromEnv, LAMBDA_LIMITS, type DatabaseLimits } from "../db/connection";
import { CachedTokenSource } from "../db/iam-auth";
import { migrateToLatest } from "../db/migrate";

export interface MigrateResult {
  applied: string[];
  appUser: AppUserOutcome;
}

/** One run at deploy time: statements (DDL on large tables) may take most of the function's 300 s. */
export const MIGRATION_LIMITS: DatabaseLimits = { ...LAMBDA_LIMITS, connectionLimit: 2, queryTimeoutMs: 240_000 };

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "ecommerce-analytics" });

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

export async function runMigrations(env: NodeJS.ProcessEnv = process.env, secrets = new SecretsManagerClient({})): Promise<MigrateResult> {
  const target = databaseTargetFromEnv(env);
  if (target.kind !== "iam") throw new Error("the migration function runs in AWS: DB_PROXY_ENDPOINT must be set");
  const secretArn = required(env, "APP_SECRET_ARN");
  const appUser = required(env, "APP_DB_USER");
  const signer = new Signer({ hostname: target.host, port: target.port, username: target.user, region: target.region });
  const { db } = createDatabase(target, MIGRATION_LIMITS, new CachedTokenSource(signer));
  try {
    return await migrateAndEnsureAppUser(db, { secrets, secretArn, username: appUser, database: target.database });
  } finally {
    await db.destroy();
  }
}

/** The run itself, on any connection with the master user's rights (tests use the local server's root). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations work on any schema
export async function migrateAndEnsureAppUser(db: Kysely<any>, options: AppUserOptions): Promise<MigrateResult> {
  const result = await migrateToLatest(db);
  const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  logger.info("migrations applied", { applied });
  const outcome = await ensureAppUser(db, options);
  logger.info("application user ready", { appUser: options.username, outcome });
  return { applied, appUser: outcome };
}

export const handler = async (): Promise<MigrateResult> => runMigrations();

/**
 * sha256 over every migration module's file name and source (`functions/db/migrations/*.ts`),
 * read at synth time: the `aws_lambda_invocation` trigger, so a deploy runs the migration
 * function again exactly when a migration is added or changed.
 */
export function migrationsHash(root: string = findProjectRoot(process.cwd())): string {
  const dir = join(root, "functions", "db", "migrations");
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts")).sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(dir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

function findProjectRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
