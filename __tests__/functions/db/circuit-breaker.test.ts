import { Kysely, MysqlDialect, sql } from "kysely";
import { createPool } from "mysql2";
import { CircuitBreaker, CircuitOpenError } from "../../../functions/db/circuit-breaker";
import { guardPool } from "../../../functions/db/guarded-pool";
import { toApiError } from "../../../functions/middleware/error-handler";

/**
 * The breaker's state machine with a hand-driven clock. Every outcome of the half-open trial
 * (success, a connection error, any other error, no answer at all, an exception thrown before
 * it could report) ends the trial: the breaker never stays open for good (issue 11, item 8).
 */
describe("CircuitBreaker", () => {
  let now = 0;
  const breaker = (trialTimeoutMs = 5_000) =>
    new CircuitBreaker({ failureThreshold: 3, openMs: 1000, trialTimeoutMs, now: () => now });

  function opened(trialTimeoutMs?: number): CircuitBreaker {
    const b = breaker(trialTimeoutMs);
    for (let i = 0; i < 3; i++) b.admit().failure();
    expect(b.state).toBe("open");
    return b;
  }

  function retryAfterOf(b: CircuitBreaker): number {
    try {
      b.admit();
    } catch (error) {
      expect(error).toBeInstanceOf(CircuitOpenError);
      return (error as CircuitOpenError).retryAfterMs;
    }
    throw new Error("expected the breaker to refuse");
  }

  beforeEach(() => {
    now = 0;
  });

  it("opens after consecutive failures, fails fast with the time left; a success in between resets the count", () => {
    const b = breaker();
    b.admit().failure();
    b.admit().failure();
    b.admit().success();
    b.admit().failure();
    b.admit().failure();
    expect(b.state).toBe("closed");
    b.admit().failure();
    expect(b.state).toBe("open");
    now += 400;
    expect(retryAfterOf(b)).toBe(600);
  });

  it("lets one trial through when half-open; others fail fast meanwhile", () => {
    const b = opened();
    now += 1000;
    expect(b.state).toBe("half-open");
    const trial = b.admit();
    expect(trial.trial).toBe(true);
    expect(() => b.admit()).toThrow(CircuitOpenError);
    trial.success();
  });

  it("trial succeeds: closed", () => {
    const b = opened();
    now += 1000;
    b.admit().success();
    expect(b.state).toBe("closed");
    expect(b.admit().trial).toBe(false);
  });

  it("trial fails with a connection error: open again for the whole open time, then another trial", () => {
    const b = opened();
    now += 1000;
    b.admit().failure();
    expect(b.state).toBe("open");
    expect(retryAfterOf(b)).toBe(1000);
    now += 1000;
    const second = b.admit();
    expect(second.trial).toBe(true);
    second.success();
    expect(b.state).toBe("closed");
  });

  it("trial fails with a non-connection error: the trial ends either way (execute classifies it)", async () => {
    const b = opened();
    now += 1000;
    const tlsError = Object.assign(new Error("self-signed certificate in certificate chain"), {
      code: "SELF_SIGNED_CERT_IN_CHAIN",
    });
    // counted as a failure: open again, and a new trial after the open time
    await expect(b.execute(() => Promise.reject(tlsError))).rejects.toBe(tlsError);
    expect(b.state).toBe("open");
    now += 1000;
    // an error the caller does not count (a SQL error: the database answered) closes it
    const sqlError = Object.assign(new Error("Unknown column"), { code: "ER_BAD_FIELD_ERROR" });
    await expect(
      b.execute(
        () => Promise.reject(sqlError),
        () => false,
      ),
    ).rejects.toBe(sqlError);
    expect(b.state).toBe("closed");
  });

  it("trial never answers: after the trial timeout it counts as failed, and a new trial follows", () => {
    const b = opened(3_000);
    now += 1000;
    const hung = b.admit();
    expect(hung.trial).toBe(true);
    now += 2_999;
    expect(() => b.admit()).toThrow(CircuitOpenError); // still the first trial's turn
    expect(retryAfterOf(b)).toBeGreaterThan(0);
    now += 1;
    expect(() => b.admit()).toThrow(CircuitOpenError); // overdue: open again from now
    expect(b.state).toBe("open");
    now += 1000;
    const next = b.admit();
    expect(next.trial).toBe(true);
    hung.failure(); // the overdue trial's late failure changes nothing
    expect(b.state).toBe("half-open");
    next.success();
    expect(b.state).toBe("closed");
  });

  it("trial throws synchronously: execute settles it as a failure, and the breaker moves on", async () => {
    const b = opened();
    now += 1000;
    await expect(
      b.execute(() => {
        throw new TypeError("signer exploded");
      }),
    ).rejects.toThrow("signer exploded");
    expect(b.state).toBe("open");
    now += 1000;
    await expect(b.execute(async () => "ok")).resolves.toBe("ok");
    expect(b.state).toBe("closed");
  });

  it("a trial released without a verdict frees the slot for the next caller", () => {
    const b = opened();
    now += 1000;
    b.admit().abandon();
    expect(b.state).toBe("half-open");
    const next = b.admit();
    expect(next.trial).toBe(true);
    next.success();
    expect(b.state).toBe("closed");
  });

  it("settles a permit once: a second verdict is ignored", () => {
    const b = breaker();
    const permit = b.admit();
    permit.failure();
    permit.failure();
    permit.failure();
    expect(b.state).toBe("closed");
  });

  it("late failures of calls admitted before it opened keep it open from the latest one", () => {
    const b = breaker();
    const inFlight = [b.admit(), b.admit(), b.admit(), b.admit()];
    inFlight[0]!.failure();
    inFlight[1]!.failure();
    inFlight[2]!.failure();
    now += 800;
    inFlight[3]!.failure();
    expect(b.state).toBe("open");
    now += 999;
    expect(b.state).toBe("open");
    now += 1;
    expect(b.state).toBe("half-open");
  });
});

describe("trials through the pool guard", () => {
  it("a connect throwing synchronously (mysql2 refusing the port) settles the trial: never open for good", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 100 });
    // mysql2's getConnection throws ERR_SOCKET_BAD_PORT synchronously from net.connect
    const pool = createPool({ host: "127.0.0.1", port: 70_000, user: "root", connectTimeout: 500 });
    const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: guardPool(pool, breaker, 1_000) }) });
    const attempt = () =>
      sql`select 1`.execute(db).then(
        () => undefined,
        (error: unknown) => error as { code?: string },
      );
    try {
      expect(await attempt()).toMatchObject({ code: "ERR_SOCKET_BAD_PORT" });
      expect(breaker.state).toBe("open");
      expect(await attempt()).toMatchObject({ code: "CIRCUIT_OPEN" });
      for (let trial = 0; trial < 3; trial++) {
        await new Promise((resolve) => setTimeout(resolve, 120));
        const error = await attempt();
        expect(error).toMatchObject({ code: "ERR_SOCKET_BAD_PORT" }); // the trial reached the pool again
        expect(toApiError(error).status).toBe(503); // an error while connecting: 503, whatever its code
      }
    } finally {
      await db.destroy();
    }
  });
});
