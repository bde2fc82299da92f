/**
 * The application's database user, made by the deploy-time migration run (as the master user):
 * its password lives only in its Secrets Manager secret (RDS Proxy reads it from there to reach
 * the database; the functions themselves log in to the proxy with IAM tokens). Idempotent: the
 * first run generates the password, stores it and creates the user; later runs set the user's
 * password to the secret's again (keeping the two in sync) and re-grant.
 *
 * Authentication plugin, named explicitly (never the server's default):
 * - MySQL 8.4: `caching_sha2_password`. It is 8.4's default, and the one RDS Proxy supports for
 *   RDS for MySQL; AWS's "Quotas and limitations for RDS Proxy", section "Additional limitations
 *   for RDS for MySQL" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.html):
 *   "RDS Proxy support for caching_sha2_password authentication requires a secure (TLS)
 *   connection" (this project's parameter group requires TLS). `mysql_native_password` is not an
 *   option to lean on: deprecated since 8.0.34, DISABLED by default in 8.4 (a server started
 *   without --mysql-native-password=ON refuses its accounts) and removed in 9.0
 *   (https://dev.mysql.com/doc/refman/8.4/en/native-pluggable-authentication.html); AWS's 8.4
 *   documentation for Aurora shows the same default (authentication_policy
 *   `*:caching_sha2_password`, https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Upgrade-v3-v84-security.html).
 * - MariaDB (local development and tests): it has no caching_sha2_password; `mysql_native_password`,
 *   which is also what RDS Proxy can use for MariaDB (the same AWS page: RDS Proxy doesn't support
 *   MariaDB's `auth_ed25519`).
 * The engine is told by `SELECT VERSION()` (MariaDB's contains "MariaDB").
 */
import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { sql, type Kysely, type RawBuilder } from "kysely";

/** MySQL account names (<= 32 characters) and schema names: letters, digits, underscore; never quoted from input. */
const USER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The privileges the handlers need (reads, ingestion, SELECT ... FOR UPDATE); no DDL, no GRANT. */
export const APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE";

export interface AppUserOptions {
  secrets: Pick<SecretsManagerClient, "send">;
  secretArn: string;
  username: string;
  database: string;
  /** 40 characters from [A-Za-z0-9_-] (240 bits); injectable for tests. */
  generatePassword?: () => string;
}

export type AppUserOutcome = "created" | "updated";

export function generatePassword(): string {
  return randomBytes(30).toString("base64url");
}

export function assertIdentifier(kind: "user" | "database", value: string): void {
  const pattern = kind === "user" ? USER_NAME : DATABASE_NAME;
  if (!pattern.test(value)) throw new Error(`invalid ${kind} name ${JSON.stringify(value)}: must match ${pattern}`);
}

interface SecretValue {
  username?: unknown;
  password?: unknown;
  [key: string]: unknown;
}

async function readSecret(options: AppUserOptions): Promise<SecretValue | undefined> {
  try {
    const out = await options.secrets.send(new GetSecretValueCommand({ SecretId: options.secretArn }));
    if (!out.SecretString) return undefined;
    try {
      const parsed: unknown = JSON.parse(out.SecretString);
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as SecretValue) : undefined;
    } catch {
      return undefined;
    }
  } catch (error) {
    // A secret created without a value has no AWSCURRENT version yet.
    if (error instanceof ResourceNotFoundException || (error as Error)?.name === "ResourceNotFoundException")
      return undefined;
    throw error;
  }
}

/** The password of the app secret, generating and storing one when the secret has none. */
export async function ensureAppSecret(options: AppUserOptions): Promise<string> {
  const current = await readSecret(options);
  if (
    current &&
    typeof current.password === "string" &&
    current.password.length >= 16 &&
    current.username === options.username
  ) {
    return current.password;
  }
  const password = (options.generatePassword ?? generatePassword)();
  await options.secrets.send(
    new PutSecretValueCommand({
      SecretId: options.secretArn,
      SecretString: JSON.stringify({ ...current, username: options.username, password }),
    }),
  );
  return password;
}

export type DatabaseEngine = "mysql" | "mariadb";

/** The plugin `'<app user>'@'%'` is created with, per engine (see the module comment for why). */
export const APP_USER_AUTH_PLUGIN: Record<DatabaseEngine, string> = {
  mysql: "caching_sha2_password",
  mariadb: "mysql_native_password",
};

export function engineOfVersion(version: string): DatabaseEngine {
  return /mariadb/i.test(version) ? "mariadb" : "mysql";
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema
export async function detectEngine(db: Kysely<any>): Promise<DatabaseEngine> {
  const result = await sql<{ version: string }>`select version() as version`.execute(db);
  return engineOfVersion(String(result.rows[0]?.version ?? ""));
}

function accountOf(username: string): RawBuilder<unknown> {
  assertIdentifier("user", username);
  return sql.raw(`'${username}'@'%'`);
}

/**
 * `IDENTIFIED ...` with the engine's plugin and the password as a parameter (escaped by the driver, never logged by
 * us).
 */
function identifiedWith(engine: DatabaseEngine, password: string): RawBuilder<unknown> {
  const plugin = sql.raw(APP_USER_AUTH_PLUGIN[engine]);
  // MariaDB's grammar is IDENTIFIED VIA <plugin> USING PASSWORD('...'); MySQL's IDENTIFIED WITH <plugin> BY '...'.
  return engine === "mariadb"
    ? sql`identified via ${plugin} using password(${password})`
    : sql`identified with ${plugin} by ${password}`;
}

/**
 * The statements that make `'<username>'@'%'` use the engine's plugin and `password`.
 * `retainCurrent` (MySQL only: MariaDB has no dual passwords) keeps the current password valid as
 * a secondary one (`RETAIN CURRENT PASSWORD`) until `discardOldPassword` runs.
 */
export const appUserStatements = {
  create(engine: DatabaseEngine, username: string, password: string): RawBuilder<unknown> {
    return sql`create user if not exists ${accountOf(username)} ${identifiedWith(engine, password)}`;
  },
  alter(
    engine: DatabaseEngine,
    username: string,
    password: string,
    options: { retainCurrent?: boolean } = {},
  ): RawBuilder<unknown> {
    if (options.retainCurrent && engine !== "mysql")
      throw new Error("RETAIN CURRENT PASSWORD is MySQL's; MariaDB has no dual passwords");
    const retain = options.retainCurrent ? sql` retain current password` : sql``;
    return sql`alter user ${accountOf(username)} ${identifiedWith(engine, password)}${retain}`;
  },
  discardOldPassword(username: string): RawBuilder<unknown> {
    return sql`alter user ${accountOf(username)} discard old password`;
  },
  grant(username: string, database: string): RawBuilder<unknown> {
    assertIdentifier("database", database);
    return sql`grant ${sql.raw(APP_PRIVILEGES)} on ${sql.raw(`\`${database}\``)}.* to ${accountOf(username)}`;
  },
};

/**
 * Creates or updates `'<username>'@'%'` with the secret's password and the engine's plugin
 * (explicitly: an account made earlier with another plugin is switched) and grants it
 * SELECT, INSERT, UPDATE, DELETE on `<database>`.*; SQL valid on MySQL 8.4 and MariaDB 10.11.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema, like the migrations
export async function ensureAppUser(db: Kysely<any>, options: AppUserOptions): Promise<AppUserOutcome> {
  assertIdentifier("user", options.username);
  assertIdentifier("database", options.database);
  const password = await ensureAppSecret(options);
  const engine = await detectEngine(db);

  const existed = await appUserExists(db, options.username);
  await appUserStatements.create(engine, options.username, password).execute(db);
  await appUserStatements.alter(engine, options.username, password).execute(db);
  await appUserStatements.grant(options.username, options.database).execute(db);
  return existed ? "updated" : "created";
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema
async function appUserExists(db: Kysely<any>, username: string): Promise<boolean> {
  const existing = await sql<{
    n: number | string;
  }>`select count(*) as n from mysql.user where User = ${username} and Host = '%'`.execute(db);
  return Number(existing.rows[0]?.n ?? 0) > 0;
}

export interface RotationOutcome {
  engine: DatabaseEngine;
  /** MySQL: the previous password still works (a secondary password) until discardOldAppPassword. */
  previousPasswordRetained: boolean;
}

/**
 * By-hand rotation of the app user's password (the proxy's credential; clients use IAM tokens):
 * a new password is generated, set on the user, then written to the secret. On MySQL the old
 * password stays valid as a secondary password (RETAIN CURRENT PASSWORD) so that RDS Proxy,
 * until it re-reads the secret, still opens database connections; the caller discards it once
 * the login through the proxy works. If writing the secret fails, the user's password is set
 * back to the secret's, so the two never stay apart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema
export async function rotateAppUserPassword(db: Kysely<any>, options: AppUserOptions): Promise<RotationOutcome> {
  assertIdentifier("user", options.username);
  assertIdentifier("database", options.database);
  if (!(await appUserExists(db, options.username))) {
    throw new Error(
      `cannot rotate the password of '${options.username}'@'%': the user does not exist (run the migration first)`,
    );
  }
  const engine = await detectEngine(db);
  const current = await readSecret(options);
  const previous =
    current && typeof current.password === "string" && current.username === options.username
      ? current.password
      : undefined;
  const password = (options.generatePassword ?? generatePassword)();
  if (previous !== undefined && password === previous) throw new Error("the generated password equals the current one");

  // RETAIN CURRENT PASSWORD fails when the statement changes the plugin; ensureAppUser sets it on
  // every deploy, so only a user older than that (or changed by hand) is rotated without it.
  const retainCurrent =
    engine === "mysql" &&
    previous !== undefined &&
    (await appUserPlugin(db, options.username)) === APP_USER_AUTH_PLUGIN.mysql;
  await appUserStatements.alter(engine, options.username, password, { retainCurrent }).execute(db);
  try {
    await options.secrets.send(
      new PutSecretValueCommand({
        SecretId: options.secretArn,
        SecretString: JSON.stringify({ ...current, username: options.username, password }),
      }),
    );
  } catch (error) {
    if (previous !== undefined) {
      await appUserStatements.alter(engine, options.username, previous).execute(db);
      if (retainCurrent) await appUserStatements.discardOldPassword(options.username).execute(db);
    }
    throw new Error(
      `rotating the password of '${options.username}'@'%': writing the secret failed, ` +
        (previous !== undefined
          ? "the user's password was set back to the secret's"
          : "and the secret had no password to set back"),
      { cause: error },
    );
  }
  return { engine, previousPasswordRetained: retainCurrent };
}

/** MySQL, after a rotation with a retained password: only the new one works from now on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema
export async function discardOldAppPassword(db: Kysely<any>, username: string): Promise<void> {
  await appUserStatements.discardOldPassword(username).execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema
async function appUserPlugin(db: Kysely<any>, username: string): Promise<string | undefined> {
  const rows = await sql<{
    plugin: string;
  }>`select plugin from mysql.user where User = ${username} and Host = '%'`.execute(db);
  return rows.rows[0]?.plugin;
}
