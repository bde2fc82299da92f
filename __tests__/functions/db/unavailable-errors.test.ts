import { CircuitOpenError } from "../../../functions/db/circuit-breaker";
import {
  AcquireTimeoutError,
  BrokenConnectionError,
  DeadlineExceededError,
  isConnectionFailure,
  isDatabaseUnavailable,
  markConnectFailure,
} from "../../../functions/db/errors";
import { toApiError } from "../../../functions/middleware/error-handler";

/**
 * Every way the database can fail a request maps to 503 with Retry-After, never 500 (SPEC §3;
 * issue 11, item 9): the errors as mysql2, Node, RDS Proxy and the pool guard produce them.
 * A bug (a SQL error, a TypeError) stays a 500.
 */
const withCode = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`failed: ${code}`), { code, ...extra });

const unavailable: [string, unknown][] = [
  ["the breaker is open", new CircuitOpenError(1_500)],
  ["no connection within the wait bound", new AcquireTimeoutError(2_000)],
  ["the request's database budget is spent", new DeadlineExceededError()],
  [
    "a statement on a connection destroyed after a failure",
    new BrokenConnectionError(withCode("PROTOCOL_SEQUENCE_TIMEOUT")),
  ],
  [
    "mysql2's statement timeout",
    withCode("PROTOCOL_SEQUENCE_TIMEOUT", { errorno: "PROTOCOL_SEQUENCE_TIMEOUT", syscall: "query" }),
  ],
  ["connection lost", withCode("PROTOCOL_CONNECTION_LOST", { fatal: true })],
  ["connection reset", withCode("ECONNRESET", { errno: -104, syscall: "read", fatal: true })],
  ["connection refused", withCode("ECONNREFUSED", { errno: -111, syscall: "connect", fatal: true })],
  ["broken pipe", withCode("EPIPE", { fatal: true })],
  ["connect timeout", withCode("ETIMEDOUT", { errorno: "ETIMEDOUT", syscall: "connect", fatal: true })],
  ["DNS not answering", withCode("EAI_AGAIN", { syscall: "getaddrinfo" })],
  ["DNS name unknown", withCode("ENOTFOUND", { syscall: "getaddrinfo" })],
  ["network unreachable", withCode("ENETUNREACH")],
  [
    "mysql2 on a closed connection (no code)",
    Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }),
  ],
  ["the pool was closed (no code)", new Error("Pool is closed.")],
  ["too many connections", withCode("ER_CON_COUNT_ERROR", { errno: 1040, sqlState: "08004" })],
  ["server shutting down", withCode("ER_SERVER_SHUTDOWN", { errno: 1053, sqlState: "08S01" })],
  [
    "MariaDB: connection was killed (errno only)",
    Object.assign(new Error("Connection was killed"), { errno: 1927, sqlState: "70100" }),
  ],
  ["MySQL: idle connection closed by the server", withCode("ER_CLIENT_INTERACTION_TIMEOUT", { errno: 4031 })],
  [
    "RDS Proxy: timed out waiting for a database connection",
    Object.assign(new Error("Timed-out waiting to acquire database connection"), { errno: 9501 }),
  ],
  [
    "lock wait timeout after the transaction's retries",
    withCode("ER_LOCK_WAIT_TIMEOUT", { errno: 1205, sqlState: "HY000" }),
  ],
  ["deadlock after the transaction's retries", withCode("ER_LOCK_DEADLOCK", { errno: 1213, sqlState: "40001" })],
  ["read-only during a failover", withCode("ER_OPTION_PREVENTS_STATEMENT", { errno: 1290, sqlState: "HY000" })],
  ["a statement interrupted (KILL QUERY)", withCode("ER_QUERY_INTERRUPTED", { errno: 1317, sqlState: "70100" })],
  [
    "happy-eyeballs connect: every address refused",
    new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")], "connect failed"),
  ],
  ["wrapped with a cause", new Error("report failed", { cause: withCode("ECONNRESET") })],
];

describe("database failures are 503 with Retry-After", () => {
  it.each(unavailable)("%s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const apiError = toApiError(error);
    expect(apiError.status).toBe(503);
    expect(apiError.code).toBe("SERVICE_UNAVAILABLE");
    expect(Number(apiError.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
  });

  it("an open breaker says how long it stays open (rounded up to whole seconds)", () => {
    expect(toApiError(new CircuitOpenError(1_200)).headers["Retry-After"]).toBe("2");
    expect(toApiError(new CircuitOpenError(10)).headers["Retry-After"]).toBe("1");
  });

  it("any error while connecting is 503 once the pool marked it, any code (TLS, IAM signer, unknown db)", () => {
    const errors = [
      withCode("ERR_TLS_CERT_ALTNAME_INVALID", { reason: "Host: proxy.example. is not in the cert's altnames" }),
      withCode("HANDSHAKE_SSL_ERROR"),
      new Error("CredentialsProviderError: Could not load credentials from any providers"),
      withCode("ER_BAD_DB_ERROR", { errno: 1049, sqlState: "42000" }),
    ];
    for (const error of errors) {
      expect(toApiError(error).status).toBe(500); // unmarked: not known to come from connecting
      markConnectFailure(error);
      expect(toApiError(error).status).toBe(503);
    }
  });
});

describe("bugs stay 500", () => {
  it.each([
    ["a SQL syntax error", withCode("ER_PARSE_ERROR", { errno: 1064, sqlState: "42000" })],
    ["a duplicate key", withCode("ER_DUP_ENTRY", { errno: 1062, sqlState: "23000" })],
    ["a TypeError", new TypeError("cannot read properties of undefined")],
    ["a thrown string", "boom"],
  ])("%s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toApiError(error).status).toBe(500);
  });
});

describe("connection failures (the connection is destroyed and the breaker counts them)", () => {
  it("are failures of the connection or the server", () => {
    for (const code of [
      "PROTOCOL_SEQUENCE_TIMEOUT",
      "PROTOCOL_CONNECTION_LOST",
      "ECONNRESET",
      "EPIPE",
      "ETIMEDOUT",
      "ER_SERVER_SHUTDOWN",
    ]) {
      expect(isConnectionFailure(withCode(code))).toBe(true);
    }
    expect(
      isConnectionFailure(
        Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true }),
      ),
    ).toBe(true);
  });

  it("are not answers of a database that works: SQL errors, lock waits and deadlocks", () => {
    for (const code of [
      "ER_PARSE_ERROR",
      "ER_DUP_ENTRY",
      "ER_LOCK_WAIT_TIMEOUT",
      "ER_LOCK_DEADLOCK",
      "ER_BAD_FIELD_ERROR",
    ]) {
      expect(isConnectionFailure(withCode(code, { sqlState: "HY000", fatal: false }))).toBe(false);
    }
  });
});
