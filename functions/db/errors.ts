/** Error codes that mean "the database cannot be reached", as opposed to a bad statement. */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_ACCESS_DENIED_ERROR",
  "CIRCUIT_OPEN",
  "POOL_CLOSED",
]);

/** Errors on which a whole transaction may simply be run again. */
const RETRYABLE_TRANSACTION_CODES = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "ER_DUP_ENTRY"]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code && CONNECTION_ERROR_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && RETRYABLE_TRANSACTION_CODES.has(code);
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
const RETRYABLE_CONNECT_CODES = new Set([
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
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  "ER_UNKNOWN_ERROR",
  "ER_ACCESS_DENIED_ERROR",
]);
/** RDS Proxy's "Timed-out waiting to acquire database connection" (mysql2 has no name for it). */
export const RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO = 9501;

export function isRetryableConnectError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (typeof code === "string" && RETRYABLE_CONNECT_CODES.has(code)) return true;
    if (errno === RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO) return true;
    // Node's happy-eyeballs connect (several addresses) fails with an AggregateError of them all.
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((inner) => isRetryableConnectError(inner))) return true;
  }
  return false;
}
