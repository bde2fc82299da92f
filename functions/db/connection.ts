import { Kysely, MysqlDialect } from "kysely";
import { createPool, format, type PoolOptions } from "mysql2";
import { CircuitBreaker } from "./circuit-breaker";
import { guardPool } from "./guarded-pool";
import { iamAuthPlugin, type TokenSource } from "./iam-auth";
import { LAMBDA_POOL_SIZE } from "../../shared/lambda-pool";
import type { Database } from "./schema";
import type { SegmentSource } from "./tracing";

export const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/analytics";

/** Where the database is: a URL locally, the RDS Proxy endpoint with IAM auth in AWS. */
export type DatabaseTarget =
  | { kind: "url"; url: string }
  | { kind: "iam"; host: string; port: number; user: string; database: string; region: string };

export interface DatabaseLimits {
  connectionLimit: number;
  /** mysql2's connect timeout for a new connection. */
  connectTimeoutMs: number;
  /**
   * Longest wait for a connection inside an API request, the pool's queue and a new connection's connect together
   * (unbounded when omitted, and outside requests).
   */
  acquireTimeoutMs?: number;
  /**
   * Client-side timeout of one statement. Inside an API request every wait is also cut to the request's budget
   * (request-deadline.ts).
   */
  queryTimeoutMs: number;
  breakerFailureThreshold: number;
  breakerOpenMs: number;
}

/**
 * A Lambda instance serves one request at a time, so two connections suffice (one spare for a
 * health check); RDS Proxy multiplexes them. Locally the server handles many requests at once.
 *
 * While the database is down or hung an API request is answered within 5 s (SPEC §3): a
 * connection within 2 s (queue and connect), every wait within the request's 4.5 s budget
 * (REQUEST_DATABASE_BUDGET_MS), then 503 with Retry-After. The 10 s statement timeout is for work
 * outside requests (CLIs, the admin function); the migration sets its own. After 3 consecutive
 * failures (connect errors, timeouts, lost connections) the breaker fails fast for 2 s, then lets
 * one trial through: service resumes within about 2 s of the database's return.
 */
export const LAMBDA_LIMITS: DatabaseLimits = {
  connectionLimit: LAMBDA_POOL_SIZE,
  connectTimeoutMs: 3_000,
  acquireTimeoutMs: 2_000,
  queryTimeoutMs: 10_000,
  breakerFailureThreshold: 3,
  breakerOpenMs: 2_000,
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

/**
 * Where reports read (docs/read-replicas.md): RDS Proxy's read-only endpoint, which spreads
 * connections over the Aurora readers, when the data stack has readers (DB_PROXY_READER_ENDPOINT,
 * same user, database and IAM auth as the writer). Undefined otherwise: reads then go to the
 * writer's pool.
 */
export function readerTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget | undefined {
  const writer = databaseTargetFromEnv(env);
  const host = env.DB_PROXY_READER_ENDPOINT;
  if (!host || writer.kind !== "iam" || host === writer.host) return undefined;
  return { ...writer, host };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when DB_PROXY_ENDPOINT is set`);
  return value;
}

/**
 * mysql2's own placeholder formatting, skipped for a statement without values: it would scan the
 * whole text for `?` to change nothing, which for ingest's long multi-row statements written as
 * text (insert-rows.ts) cost ~3 % of the handler's CPU. With values, exactly mysql2's default.
 */
function formatQuery(this: unknown, sql: string, values: unknown, timezone?: string): string {
  if (values === undefined || (Array.isArray(values) && values.length === 0)) return sql;
  return format(sql, values as never, false, timezone as never);
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
    queryFormat: formatQuery,
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

export interface DatabaseOptions {
  /** X-Ray subsegments around statements (the handlers pass Powertools' Tracer). */
  tracer?: SegmentSource;
}

export function createDatabase(
  target: DatabaseTarget,
  limits: DatabaseLimits = LOCAL_LIMITS,
  tokens?: TokenSource,
  options: DatabaseOptions = {},
): DatabaseHandle {
  const breaker = new CircuitBreaker({
    failureThreshold: limits.breakerFailureThreshold,
    openMs: limits.breakerOpenMs,
    // a trial that has not settled by the time its own waits must have ended counts as failed
    trialTimeoutMs: (limits.acquireTimeoutMs ?? limits.connectTimeoutMs) + limits.queryTimeoutMs,
  });
  const pool = createPool(poolOptions(target, limits, tokens));
  const guarded = guardPool(pool, breaker, limits.queryTimeoutMs, {
    acquireTimeoutMs: limits.acquireTimeoutMs,
    tracer: options.tracer,
  });
  const db = new Kysely<Database>({ dialect: new MysqlDialect({ pool: guarded }) });
  return { db, breaker };
}
