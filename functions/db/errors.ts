/**
 * How database errors are classified. Two questions, two answers:
 * - isConnectionFailure: the connection or the server is gone or not answering (refused, reset,
 *   lost, a statement timed out client-side, killed, shutting down). Such a connection is
 *   destroyed, never reused, and the circuit breaker counts the failure. A SQL error (syntax,
 *   duplicate key, deadlock) is not one: the database answered.
 * - isDatabaseUnavailable: the request cannot be served now and may succeed later: 503 with
 *   Retry-After, never 500. Every connection failure, every error while connecting (whatever its
 *   code: TLS handshake, DNS, the IAM signer, an unknown database; see markConnectFailure), the
 *   pool's own bounds (queue wait, the request's time budget, breaker open, pool closed), a busy
 *   or read-only server (lock wait timeout and deadlock after the transaction's retries, too many
 *   connections, failover's read-only errors, RDS Proxy's acquire timeout).
 */
/** The network and protocol failures of a connection, whatever it was doing. */
const NETWORK_FAILURE_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
] as const;

const CONNECTION_FAILURE_CODES = new Set<string>([
  ...NETWORK_FAILURE_CODES,
  "ER_CLIENT_INTERACTION_TIMEOUT",
  "ER_NET_READ_ERROR",
  "ER_NET_READ_INTERRUPTED",
  "ER_NET_WRITE_INTERRUPTED",
  "DB_CONNECTION_BROKEN",
]);
/**
 * 1053 server shutdown, 1927 MariaDB's "Connection was killed" (mysql2 has no name for it), 4031 MySQL's idle-timeout
 * disconnect.
 */
const CONNECTION_FAILURE_ERRNOS = new Set([1053, 1927, 4031]);

const UNAVAILABLE_CODES = new Set([
  "CIRCUIT_OPEN",
  "POOL_CLOSED",
  "DB_ACQUIRE_TIMEOUT",
  "DB_DEADLINE_EXCEEDED",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_ACCESS_DENIED_ERROR",
  "ER_UNKNOWN_ERROR",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_LOCK_DEADLOCK",
  "ER_QUERY_INTERRUPTED",
  "ER_QUERY_TIMEOUT",
  "ER_OPTION_PREVENTS_STATEMENT",
  "ER_READ_ONLY_MODE",
  "ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION",
]);

/** Errors on which a whole transaction may simply be run again. */
const RETRYABLE_TRANSACTION_CODES = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "ER_DUP_ENTRY"]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

function errnoOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const errno = (error as { errno?: unknown }).errno;
  return typeof errno === "number" ? errno : undefined;
}

/** `test` on the error, its `cause` chain (depth 5) and an AggregateError's members. */
function anyInChain(error: unknown, test: (e: object) => boolean): boolean {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    if (test(e)) return true;
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((inner) => anyInChain(inner, test)))
      return true;
  }
  return false;
}

const connectFailures = new WeakSet<object>();

/** Records that `error` happened while getting a connection (any such error means "cannot reach the database"). */
export function markConnectFailure(error: unknown): void {
  if (error && typeof error === "object") connectFailures.add(error);
}

export function isConnectionFailure(error: unknown): boolean {
  return anyInChain(error, (e) => {
    const code = codeOf(e);
    if (code && CONNECTION_FAILURE_CODES.has(code)) return true;
    const errno = errnoOf(e);
    if (errno !== undefined && CONNECTION_FAILURE_ERRNOS.has(errno)) return true;
    // mysql2 marks network and protocol errors fatal ("Can't add new command when connection is in closed state" has no
    // code)
    return (e as { fatal?: unknown }).fatal === true && (e as { sqlState?: unknown }).sqlState === undefined;
  });
}

export function isDatabaseUnavailable(error: unknown): boolean {
  if (isConnectionFailure(error)) return true;
  return anyInChain(error, (e) => {
    if (connectFailures.has(e)) return true;
    const code = codeOf(e);
    if (code && UNAVAILABLE_CODES.has(code)) return true;
    if (errnoOf(e) === RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO) return true;
    return e instanceof Error && /^Pool is closed\.?$/.test(e.message);
  });
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRYABLE_TRANSACTION_CODES.has(code);
}

/** No connection within the pool's wait bound (queue wait and connect together). */
export class AcquireTimeoutError extends Error {
  readonly code = "DB_ACQUIRE_TIMEOUT";
  constructor(readonly waitedMs: number) {
    super(`no database connection within ${waitedMs} ms (the pool is busy or the database does not answer)`);
    this.name = "AcquireTimeoutError";
  }
}

/** The request's time budget for the database is spent (functions/db/request-deadline.ts). */
export class DeadlineExceededError extends Error {
  readonly code = "DB_DEADLINE_EXCEEDED";
  constructor() {
    super("the request's time budget for the database is spent");
    this.name = "DeadlineExceededError";
  }
}

/** A statement on a connection that was destroyed after an earlier failure (its transaction is not committed). */
export class BrokenConnectionError extends Error {
  readonly code = "DB_CONNECTION_BROKEN";
  constructor(cause?: unknown) {
    super("the database connection was closed after an earlier failure; nothing more was sent on it", { cause });
    this.name = "BrokenConnectionError";
  }
}

/**
 * Which failures the deploy-time migration waits out (functions/db/retry.ts) and which fail it
 * at once. Retryable: the database or the proxy path is not usable YET, and trying again later
 * can succeed with nothing changed on our side:
 * - network: refused, reset, aborted, timed out, unreachable, DNS not (yet) resolving;
 * - mysql2 protocol: connection lost (a peer that closes before or after the handshake) and its
 *   own statement timeout (PROTOCOL_SEQUENCE_TIMEOUT);
 * - server or proxy: too many connections / the proxy's connection-rate and IAM-auth rate limits
 *   (1040 ER_CON_COUNT_ERROR), shutting down (1053), the proxy's "Unknown error" (1105) and
 *   "Timed-out waiting to acquire database connection" (9501, no mysql2 code: the proxy has no
 *   usable target yet), as listed in AWS's "Troubleshooting for RDS Proxy"
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html);
 * - access denied (1045): through the proxy this is also what a not-yet-usable path looks like:
 *   an IAM policy granting rds-db:connect that was created in the same apply and has not
 *   propagated, or a proxy that has not (re-)read the user's secret yet (the app-login check
 *   right after the migration wrote it). A real misconfiguration then fails after the budget,
 *   with this error named in the message.
 * Fatal (never retried): everything else, e.g. SQL errors (syntax, unknown database, missing
 * privileges), a failing migration, TLS certificate or host-name verification failures, a
 * proxy that requires TLS (3159), Secrets Manager errors, programming errors.
 */
const RETRYABLE_CONNECT_CODES = new Set<string>([
  ...NETWORK_FAILURE_CODES,
  "ER_CON_COUNT_ERROR",
  "ER_UNKNOWN_ERROR",
  "ER_ACCESS_DENIED_ERROR",
]);
/** RDS Proxy's "Timed-out waiting to acquire database connection" (mysql2 has no name for it). */
export const RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO = 9501;

export function isRetryableConnectError(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code === "string" && RETRYABLE_CONNECT_CODES.has(code)) return true;
    if (errno === RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO) return true;
    // Node's happy-eyeballs connect (several addresses) fails with an AggregateError of them all.
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((inner) => isRetryableConnectError(inner)))
      return true;
  }
  return false;
}
