import { Kysely, MysqlDialect } from "kysely";
import { createPool, type PoolOptions } from "mysql2";
import { CircuitBreaker } from "./circuit-breaker";
import { guardPool } from "./guarded-pool";
import { iamAuthPlugin, type TokenSource } from "./iam-auth";
import { LAMBDA_POOL_SIZE } from "./lambda-pool";
import type { Database } from "./schema";

export const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/analytics";

/** Where the database is: a URL locally, the RDS Proxy endpoint with IAM auth in AWS. */
export type DatabaseTarget =
  | { kind: "url"; url: string }
  | { kind: "iam"; host: string; port: number; user: string; database: string; region: string };

export interface DatabaseLimits {
  connectionLimit: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
}

/**
 * A Lambda instance serves one request at a time, so two connections suffice (one spare for a
 * health check); RDS Proxy multiplexes them. Locally the server handles many requests at once.
 */
export const LAMBDA_LIMITS: DatabaseLimits = {
  connectionLimit: LAMBDA_POOL_SIZE,
  connectTimeoutMs: 3_000,
  queryTimeoutMs: 10_000,
  breakerFailureThreshold: 3,
  breakerOpenMs: 5_000,
};
export const LOCAL_LIMITS: DatabaseLimits = { ...LAMBDA_LIMITS, connectionLimit: 10 };

export function databaseTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  if (env.DB_PROXY_ENDPOINT) {
    return {
      kind: "iam",
      host: env.DB_PROXY_ENDPOINT,
      port: Number(env.DB_PORT ?? 3306),
      user: required(env, "DB_USER"),
      database: required(env, "DB_NAME"),
      region: required(env, "AWS_REGION"),
    };
  }
  return { kind: "url", url: env.MYSQL_URL ?? DEFAULT_MYSQL_URL };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when DB_PROXY_ENDPOINT is set`);
  return value;
}

/** The pool settings every target shares: UTC on the wire, DECIMAL as strings, bounded waits. */
export function poolOptions(target: DatabaseTarget, limits: DatabaseLimits, tokens?: TokenSource): PoolOptions {
  const common: PoolOptions = {
    connectionLimit: limits.connectionLimit,
    maxIdle: limits.connectionLimit,
    idleTimeout: 60_000,
    connectTimeout: limits.connectTimeoutMs,
    enableKeepAlive: true,
    timezone: "Z",
    dateStrings: false,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: "utf8mb4_bin",
  };
  if (target.kind === "url") return { ...common, uri: target.url };
  if (!tokens) throw new Error("an IAM token source is required for the RDS Proxy target");
  return {
    ...common,
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
    // RDS Proxy presents an ACM certificate that Node's default CA store verifies.
    // verifyIdentity: mysql2 3.24 checks the certificate's host name only when told to (without
    // it, its startTLS passes tls.connect a checkServerIdentity that accepts any name, so any
    // certificate from a trusted CA would do); with it, a certificate for another name fails
    // the handshake (ERR_TLS_CERT_ALTNAME_INVALID). Keep `host` the proxy's DNS name: an IP
    // address would be checked against the certificate's IP entries, which ACM's have none of.
    ssl: { rejectUnauthorized: true, verifyIdentity: true, minVersion: "TLSv1.2" },
    authPlugins: { mysql_clear_password: iamAuthPlugin(tokens) },
  };
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  breaker: CircuitBreaker;
}

export function createDatabase(
  target: DatabaseTarget,
  limits: DatabaseLimits = LOCAL_LIMITS,
  tokens?: TokenSource,
): DatabaseHandle {
  const breaker = new CircuitBreaker({ failureThreshold: limits.breakerFailureThreshold, openMs: limits.breakerOpenMs });
  const pool = createPool(poolOptions(target, limits, tokens));
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: guardPool(pool, breaker, limits.queryTimeoutMs) }) });
  return { db, breaker };
}
