/**
 * Stops hammering a database that is down or hung: after `failureThreshold` consecutive failures
 * the breaker opens and calls fail fast (CircuitOpenError) for `openMs`; then ONE trial call is let
 * through (half-open) and its outcome closes or re-opens the breaker.
 *
 * Every admitted call holds a Permit that is settled exactly once: success, failure, or abandon
 * (no verdict: the trial slot is freed and the next caller becomes the trial). Whatever the
 * trial's outcome (any error, a timeout, an exception thrown before it reports), it cannot keep
 * the breaker half-open: a trial that has not settled within `trialTimeoutMs` counts as failed.
 * (Before: a trial failing with an error outside the connection-error list never cleared the trial
 * flag, and every request got 503 until the instance was recycled.)
 *
 * Why our own and not cockatiel or opossum: both wrap a promise-returning function, while this
 * breaker sits inside mysql2's callback protocol (functions/db/guarded-pool.ts) where outcomes are
 * classified by phase (any connect-phase error is a failure; a statement's SQL error is a success:
 * the database answered); cockatiel's half-open queues concurrent callers behind the trial instead
 * of failing fast, which adds the trial's duration to every request meanwhile; opossum brings its
 * own timeouts and rolling-window timers. Either would add 9-14 KB minified per bundle for ~100
 * lines here, with an injectable clock for the tests.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  /** A trial not settled after this long counts as failed. Default 15 s. */
  trialTimeoutMs?: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  readonly code = "CIRCUIT_OPEN";
  constructor(readonly retryAfterMs: number) {
    super("the database is unavailable; not retrying until the circuit breaker's cool-down ends");
    this.name = "CircuitOpenError";
  }
}

/** The right to make one call; settle it once (later calls are ignored). */
export interface Permit {
  /** Whether this call is the half-open trial. */
  readonly trial: boolean;
  success(): void;
  failure(): void;
  /** No verdict (e.g. the connection was released without a statement). */
  abandon(): void;
}

export const DEFAULT_TRIAL_TIMEOUT_MS = 15_000;

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trial: { id: number; startedAt: number } | undefined;
  private nextTrialId = 1;
  private readonly now: () => number;
  private readonly trialTimeoutMs: number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
    this.trialTimeoutMs = options.trialTimeoutMs ?? DEFAULT_TRIAL_TIMEOUT_MS;
  }

  get state(): BreakerState {
    if (this.failures < this.options.failureThreshold) return "closed";
    return this.now() - this.openedAt >= this.options.openMs ? "half-open" : "open";
  }

  /** A permit for one call, or CircuitOpenError when calls must not reach the database now. */
  admit(): Permit {
    const state = this.state;
    if (state === "closed") return this.permit(undefined);
    if (state === "half-open") {
      if (this.trial && this.now() - this.trial.startedAt >= this.trialTimeoutMs) {
        this.trial = undefined;
        this.open(); // the overdue trial counts as failed
      } else if (!this.trial) {
        const id = this.nextTrialId++;
        this.trial = { id, startedAt: this.now() };
        return this.permit(id);
      }
    }
    throw new CircuitOpenError(this.retryAfterMs());
  }

  /** Runs `call` under a permit: settled by its outcome whatever happens, a synchronous throw included. */
  async execute<T>(call: () => Promise<T> | T, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
    const permit = this.admit();
    try {
      const value = await call();
      permit.success();
      return value;
    } catch (error) {
      if (isFailure(error)) permit.failure();
      else permit.success();
      throw error;
    }
  }

  /** An outcome outside any permit (a later statement on an acquired connection). */
  recordSuccess(): void {
    this.failures = 0;
    this.trial = undefined;
  }

  recordFailure(): void {
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.openedAt = this.now();
  }

  private open(): void {
    this.failures = Math.max(this.failures + 1, this.options.failureThreshold);
    this.openedAt = this.now();
  }

  private retryAfterMs(): number {
    const elapsed = this.now() - this.openedAt;
    if (elapsed < this.options.openMs) return this.options.openMs - elapsed;
    // half-open with a trial in flight: it decides within the trial timeout; ask for a short wait
    return Math.min(
      this.options.openMs,
      this.trial ? Math.max(1, this.trialTimeoutMs - (this.now() - this.trial.startedAt)) : this.options.openMs,
    );
  }

  private permit(trialId: number | undefined): Permit {
    let settled = false;
    const settle = (outcome: "success" | "failure" | "none") => {
      if (settled) return;
      settled = true;
      this.settle(trialId, outcome);
    };
    return {
      trial: trialId !== undefined,
      success: () => settle("success"),
      failure: () => settle("failure"),
      abandon: () => settle("none"),
    };
  }

  private settle(trialId: number | undefined, outcome: "success" | "failure" | "none"): void {
    if (trialId === undefined) {
      if (outcome === "success") this.recordSuccess();
      else if (outcome === "failure") this.recordFailure();
      return;
    }
    const current = this.trial?.id === trialId;
    if (outcome === "success") {
      this.recordSuccess(); // a late success of an overdue trial still means the database answers
    } else if (current) {
      this.trial = undefined;
      if (outcome === "failure") this.open();
    }
  }
}
