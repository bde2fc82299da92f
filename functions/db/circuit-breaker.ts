/**
 * Stops hammering a database that is down: after `failureThreshold` consecutive connection
 * failures the breaker opens and calls fail fast for `openMs`; then one trial call is let
 * through (half-open) and its outcome closes or re-opens the breaker.
 */
export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  readonly code = "CIRCUIT_OPEN";
  constructor(readonly retryAfterMs: number) {
    super("the database is unavailable; not retrying until the circuit breaker's cool-down ends");
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.failures < this.options.failureThreshold) return "closed";
    return this.now() - this.openedAt >= this.options.openMs ? "half-open" : "open";
  }

  /** Throws CircuitOpenError when calls must not reach the database now. */
  assertCanPass(): void {
    const state = this.state;
    if (state === "closed") return;
    if (state === "half-open" && !this.trialInFlight) {
      this.trialInFlight = true;
      return;
    }
    throw new CircuitOpenError(Math.max(0, this.options.openMs - (this.now() - this.openedAt)) || this.options.openMs);
  }

  recordSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.trialInFlight = false;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.openedAt = this.now();
  }
}
