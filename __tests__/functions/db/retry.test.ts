import { isRetryableConnectError, RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO } from "../../../functions/db/errors";
import {
  backoffDelay,
  describeError,
  retryWithBackoff,
  RetryBudgetExhaustedError,
  type BackoffPolicy,
  type RetryClock,
  type RetryNotice,
} from "../../../functions/db/retry";
import { budgetFromEnv, CONNECT_RETRY } from "../../../functions/handlers/migrate";

/** A clock that only moves when slept on (or when an attempt says it took time). */
function fakeClock(randomValues: number[] = [0.5]) {
  let now = 1_000_000;
  let r = 0;
  const sleeps: number[] = [];
  const clock: RetryClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => randomValues[r++ % randomValues.length]!,
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms), elapsed: () => now - 1_000_000 };
}

const policy: BackoffPolicy = { budgetMs: 60_000, initialDelayMs: 1_000, maxDelayMs: 8_000, multiplier: 2 };
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED", errno: -111 });

describe("retryWithBackoff (injected clock and sleep)", () => {
  it("waits exponentially longer, with jitter in [cap/2, cap], capped at maxDelayMs", () => {
    const caps = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];
    caps.forEach((cap, i) => {
      expect(backoffDelay(policy, i + 1, () => 0)).toBe(cap / 2);
      expect(backoffDelay(policy, i + 1, () => 0.999999)).toBe(cap);
      expect(backoffDelay(policy, i + 1, () => 0.5)).toBe(cap * 0.75);
    });
  });

  it("retries retryable errors, logs each attempt with code, message and next delay, returns the value", async () => {
    const { clock, sleeps } = fakeClock([0, 1, 0.5]);
    const notices: RetryNotice[] = [];
    let calls = 0;
    const outcome = await retryWithBackoff(
      async (attempt) => {
        calls += 1;
        expect(attempt).toBe(calls);
        if (attempt < 4) throw refused();
        return "connected";
      },
      { operation: "connect", policy, isRetryable: isRetryableConnectError, onRetry: (n) => notices.push(n), clock },
    );
    expect(outcome).toEqual({ value: "connected", attempts: 4, elapsedMs: 500 + 2_000 + 3_000 });
    expect(sleeps).toEqual([500, 2_000, 3_000]);
    expect(notices.map((n) => [n.attempt, n.code, n.errno, n.nextDelayMs])).toEqual([
      [1, "ECONNREFUSED", -111, 500],
      [2, "ECONNREFUSED", -111, 2_000],
      [3, "ECONNREFUSED", -111, 3_000],
    ]);
    expect(notices[0]).toMatchObject({
      operation: "connect",
      message: "connect ECONNREFUSED 127.0.0.1:3306",
      elapsedMs: 0,
      budgetMs: 60_000,
    });
  });

  it("gives up when the budget is spent, last wait cut to its edge, with an error naming the budget", async () => {
    const { clock, sleeps, elapsed } = fakeClock([1]);
    const attempts: number[] = [];
    const error = await retryWithBackoff(
      async () => {
        attempts.push(elapsed());
        throw refused();
      },
      { operation: "connect to the database", policy: { ...policy, budgetMs: 20_000 }, isRetryable: () => true, clock },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryBudgetExhaustedError);
    // waits 1 s, 2 s, 4 s, 8 s (= 15 s), then only the 5 s left: the last attempt starts at 20 s exactly.
    expect(sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 5_000]);
    expect(attempts).toEqual([0, 1_000, 3_000, 7_000, 15_000, 20_000]);
    const exhausted = error as RetryBudgetExhaustedError;
    expect(exhausted).toMatchObject({
      code: "RETRY_BUDGET_EXHAUSTED",
      attempts: 6,
      elapsedMs: 20_000,
      budgetMs: 20_000,
    });
    expect(exhausted.message).toBe(
      "connect to the database: gave up after 6 attempts in 20000 ms (retry budget 20000 ms); " +
        "last error: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:3306",
    );
    expect((exhausted.cause as { code: string }).code).toBe("ECONNREFUSED");
  });

  it("counts the attempts' own time against the budget", async () => {
    const { clock, sleeps, advance } = fakeClock([1]);
    const error = await retryWithBackoff(
      async () => {
        advance(3_000); // a connect timeout
        throw Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" });
      },
      { operation: "connect", policy: { ...policy, budgetMs: 10_000 }, isRetryable: isRetryableConnectError, clock },
    ).catch((e: RetryBudgetExhaustedError) => e);
    // 3 s attempt, 1 s wait, 3 s attempt, 2 s wait (9 s), 3 s attempt (12 s > 10 s): give up.
    expect(sleeps).toEqual([1_000, 2_000]);
    expect(error).toMatchObject({ attempts: 3, elapsedMs: 12_000 });
  });

  it("rethrows a fatal error at once, untouched, without waiting", async () => {
    const { clock, sleeps } = fakeClock();
    const syntax = Object.assign(new Error("You have an error in your SQL syntax"), {
      code: "ER_PARSE_ERROR",
      errno: 1064,
    });
    const onRetry = jest.fn();
    await expect(
      retryWithBackoff(async () => Promise.reject(syntax), {
        operation: "x",
        policy,
        isRetryable: isRetryableConnectError,
        onRetry,
        clock,
      }),
    ).rejects.toBe(syntax);
    expect(sleeps).toEqual([]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("a zero budget means one attempt", async () => {
    const { clock, sleeps } = fakeClock();
    await expect(
      retryWithBackoff(async () => Promise.reject(refused()), {
        operation: "x",
        policy: { ...policy, budgetMs: 0 },
        isRetryable: () => true,
        clock,
      }),
    ).rejects.toMatchObject({
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it("refuses a nonsensical policy", async () => {
    const { clock } = fakeClock();
    await expect(
      retryWithBackoff(async () => 1, {
        operation: "x",
        policy: { ...policy, multiplier: 0.5 },
        isRetryable: () => true,
        clock,
      }),
    ).rejects.toThrow(/multiplier/);
    await expect(
      retryWithBackoff(async () => 1, {
        operation: "x",
        policy: { ...policy, budgetMs: Number.NaN },
        isRetryable: () => true,
        clock,
      }),
    ).rejects.toThrow(/budgetMs/);
  });

  it("the budgets are configurable from the environment, and checked", () => {
    expect(budgetFromEnv({}, "MIGRATE_CONNECT_BUDGET_MS", CONNECT_RETRY)).toBe(CONNECT_RETRY);
    expect(CONNECT_RETRY.budgetMs).toBe(600_000);
    expect(budgetFromEnv({ MIGRATE_CONNECT_BUDGET_MS: "120000" }, "MIGRATE_CONNECT_BUDGET_MS", CONNECT_RETRY)).toEqual({
      ...CONNECT_RETRY,
      budgetMs: 120_000,
    });
    expect(() =>
      budgetFromEnv({ MIGRATE_CONNECT_BUDGET_MS: "10m" }, "MIGRATE_CONNECT_BUDGET_MS", CONNECT_RETRY),
    ).toThrow(/MIGRATE_CONNECT_BUDGET_MS/);
    expect(() => budgetFromEnv({ MIGRATE_CONNECT_BUDGET_MS: "0" }, "MIGRATE_CONNECT_BUDGET_MS", CONNECT_RETRY)).toThrow(
      /> 0/,
    );
  });
});

describe("which errors the migration waits out", () => {
  const mysqlError = (code: string | undefined, errno: number, message = code ?? "") =>
    Object.assign(new Error(message), { code, errno, fatal: true });

  it.each([
    ["refused", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["connect timeout", Object.assign(new Error("connect ETIMEDOUT"), { code: "ETIMEDOUT" })],
    ["DNS not resolving yet", Object.assign(new Error("getaddrinfo ENOTFOUND proxy"), { code: "ENOTFOUND" })],
    [
      "closed by the peer",
      mysqlError("PROTOCOL_CONNECTION_LOST", 0, "Connection lost: The server closed the connection."),
    ],
    ["statement timeout", mysqlError("PROTOCOL_SEQUENCE_TIMEOUT", 0)],
    ["proxy rate limits (1040)", mysqlError("ER_CON_COUNT_ERROR", 1040, "Connections rate limit exceeded")],
    ["proxy unknown error (1105)", mysqlError("ER_UNKNOWN_ERROR", 1105, "Unknown error")],
    [
      "proxy without a usable target (9501)",
      mysqlError(undefined, RDS_PROXY_ACQUIRE_TIMEOUT_ERRNO, "Timed-out waiting to acquire database connection"),
    ],
    ["access denied (secret or IAM policy not propagated yet)", mysqlError("ER_ACCESS_DENIED_ERROR", 1045)],
    ["wrapped in a cause", new Error("outer", { cause: Object.assign(new Error("inner"), { code: "ECONNRESET" }) })],
    [
      "happy eyeballs, every address refused",
      new AggregateError([
        Object.assign(new Error("a"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("b"), { code: "ECONNREFUSED" }),
      ]),
    ],
  ])("retryable: %s", (_name, error) => {
    expect(isRetryableConnectError(error)).toBe(true);
  });

  it.each([
    ["SQL syntax", mysqlError("ER_PARSE_ERROR", 1064)],
    ["unknown database", mysqlError("ER_BAD_DB_ERROR", 1049)],
    ["no privilege", mysqlError("ER_DBACCESS_DENIED_ERROR", 1044)],
    ["proxy requires TLS (3159)", mysqlError("ER_SECURE_TRANSPORT_REQUIRED", 3159)],
    [
      "certificate for another host",
      Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
        code: "ERR_TLS_CERT_ALTNAME_INVALID",
      }),
    ],
    [
      "certificate for another host, as mysql2 reports it",
      Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
        code: "HANDSHAKE_SSL_ERROR",
        fatal: true,
      }),
    ],
    [
      "untrusted certificate",
      Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }),
    ],
    [
      "a failing migration",
      new Error("migration 002-rollups failed: Table 'x' already exists", {
        cause: mysqlError("ER_TABLE_EXISTS_ERROR", 1050),
      }),
    ],
    ["a plain Error", new Error("bug")],
    ["not an error", "string"],
  ])("fatal: %s", (_name, error) => {
    expect(isRetryableConnectError(error)).toBe(false);
  });

  it("describeError finds the code in a cause", () => {
    expect(
      describeError(
        new Error("outer", { cause: Object.assign(new Error("inner"), { code: "ECONNRESET", errno: -104 }) }),
      ),
    ).toEqual({
      code: "ECONNRESET",
      errno: -104,
      message: "outer",
    });
  });
});
