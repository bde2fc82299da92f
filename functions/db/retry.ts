/**
 * Retrying an operation with exponential backoff and jitter inside a time budget: the deploy-time
 * waits for RDS Proxy (its target registers without waiting for health, and it re-reads a secret
 * some time after it changes). Generic: which errors are worth another attempt is the caller's
 * `isRetryable` (see functions/db/errors.ts); everything else is rethrown at once, untouched.
 *
 * Timing: attempt n (n >= 1) that fails is followed by a wait of
 *   cap = min(maxDelayMs, initialDelayMs * multiplier^(n-1)), then a uniform pick in [cap/2, cap]
 * ("equal jitter": waits still grow, callers that start together spread out). No attempt starts
 * after `budgetMs`: the last wait is cut to what is left, so the last attempt starts at the
 * budget's edge at the latest, and the whole call lasts at most budgetMs plus one attempt's own
 * duration (bounded by the connect and statement timeouts of what is attempted).
 * Clock, sleep and randomness are injectable, so the policy is unit-tested without waiting.
 */

export interface BackoffPolicy {
  /** No attempt starts later than this many ms after the first one. */
  budgetMs: number;
  /** Cap of the first wait. */
  initialDelayMs: number;
  /** Largest cap of any wait. */
  maxDelayMs: number;
  /** Growth of the cap per failed attempt (2 doubles it). */
  multiplier: number;
}

export interface RetryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** What is known of a failed attempt that will be retried (for the log line). */
export interface RetryNotice {
  operation: string;
  attempt: number;
  code?: string;
  errno?: number;
  message: string;
  /** The wait before the next attempt. */
  nextDelayMs: number;
  elapsedMs: number;
  budgetMs: number;
}

export interface RetryOptions {
  /** Names the operation in notices and in the final error ("connect to the database through RDS Proxy"). */
  operation: string;
  policy: BackoffPolicy;
  isRetryable(error: unknown): boolean;
  /** Called before each wait. */
  onRetry?(notice: RetryNotice): void;
  clock?: RetryClock;
}

export interface RetryOutcome<T> {
  value: T;
  attempts: number;
  elapsedMs: number;
}

/** Every attempt failed with a retryable error and the budget is spent. `cause` is the last error. */
export class RetryBudgetExhaustedError extends Error {
  readonly code = "RETRY_BUDGET_EXHAUSTED";
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly budgetMs: number,
    lastError: unknown,
  ) {
    const last = describeError(lastError);
    super(
      `${operation}: gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${formatMs(elapsedMs)} ` +
        `(retry budget ${formatMs(budgetMs)}); last error: ${[last.code, last.message].filter(Boolean).join(" ")}`,
      { cause: lastError },
    );
    this.name = "RetryBudgetExhaustedError";
  }
}

/** The wait after failed attempt `attempt` (1-based), before clamping to the budget. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export async function retryWithBackoff<T>(
  attemptFn: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryOutcome<T>> {
  const clock = options.clock ?? systemClock;
  const { policy } = options;
  assertPolicy(policy);
  const started = clock.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      const value = await attemptFn(attempt);
      return { value, attempts: attempt, elapsedMs: clock.now() - started };
    } catch (error) {
      if (!options.isRetryable(error)) throw error;
      const elapsedMs = clock.now() - started;
      const remaining = policy.budgetMs - elapsedMs;
      if (remaining <= 0)
        throw new RetryBudgetExhaustedError(options.operation, attempt, elapsedMs, policy.budgetMs, error);
      const nextDelayMs = Math.min(backoffDelay(policy, attempt, clock.random), remaining);
      const { code, errno, message } = describeError(error);
      options.onRetry?.({
        operation: options.operation,
        attempt,
        code,
        errno,
        message,
        nextDelayMs,
        elapsedMs,
        budgetMs: policy.budgetMs,
      });
      await clock.sleep(nextDelayMs);
    }
  }
}

function assertPolicy(policy: BackoffPolicy): void {
  const fields: (keyof BackoffPolicy)[] = ["budgetMs", "initialDelayMs", "maxDelayMs", "multiplier"];
  for (const field of fields) {
    const value = policy[field];
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`retry policy: ${field} must be a finite number >= 0, not ${value}`);
  }
  if (policy.multiplier < 1) throw new Error(`retry policy: multiplier must be >= 1, not ${policy.multiplier}`);
}

/** code / errno / message of an error (mysql2's, Node's, or anything thrown), following `cause` for a code. */
export function describeError(error: unknown): { code?: string; errno?: number; message: string } {
  let code: string | undefined;
  let errno: number | undefined;
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    const candidate = e as { code?: unknown; errno?: unknown };
    if (code === undefined && typeof candidate.code === "string") code = candidate.code;
    if (errno === undefined && typeof candidate.errno === "number") errno = candidate.errno;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code, errno, message };
}

function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 1000 === 0) return `${ms} ms = ${+(ms / 60_000).toFixed(2)} min`;
  return `${ms} ms`;
}
