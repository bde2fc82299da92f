/**
 * The application's database user, made by the deploy-time migration run (as the master user):
 * its password lives only in its Secrets Manager secret (RDS Proxy reads it from there to reach
 * the database; the functions themselves log in to the proxy with IAM tokens). Idempotent: the
 * first run generates the password, stores it and creates the user; later runs set the user's
 * password to the secret's again (keeping the two in sync) and re-grant.
 */
import { randomBytes } from "node:crypto";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { sql, type Kysely } from "kysely";

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
    if (error instanceof ResourceNotFoundException || (error as Error)?.name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/** The password of the app secret, generating and storing one when the secret has none. */
export async function ensureAppSecret(options: AppUserOptions): Promise<string> {
  const current = await readSecret(options);
  if (current && typeof current.password === "string" && current.password.length >= 16 && current.username === options.username) {
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

/**
 * Creates or updates `'<username>'@'%'` with the secret's password and grants it
 * SELECT, INSERT, UPDATE, DELETE on `<database>`.*; SQL valid on MySQL 8.4 and MariaDB 10.11.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs on any schema, like the migrations
export async function ensureAppUser(db: Kysely<any>, options: AppUserOptions): Promise<AppUserOutcome> {
  assertIdentifier("user", options.username);
  assertIdentifier("database", options.database);
  const password = await ensureAppSecret(options);

  const account = sql.raw(`'${options.username}'@'%'`);
  const existing = await sql<{ n: number | string }>`select count(*) as n from mysql.user where User = ${options.username} and Host = '%'`.execute(db);
  const existed = Number(existing.rows[0]?.n ?? 0) > 0;

  await sql`create user if not exists ${account} identified by ${password}`.execute(db);
  await sql`alter user ${account} identified by ${password}`.execute(db);
  await sql`grant ${sql.raw(APP_PRIVILEGES)} on ${sql.raw(`\`${options.database}\``)}.* to ${account}`.execute(db);
  return existed ? "updated" : "created";
}
