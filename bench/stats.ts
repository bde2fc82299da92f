/** Timing helpers: percentiles by nearest rank, and a sampling loop with a time budget. */

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  samples: number;
}

/** Nearest-rank percentile of `values` (p in 0..100); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Milliseconds with 2 decimals (results.json stays readable). */
export function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export function percentiles(samples: readonly number[]): Percentiles {
  return {
    p50Ms: round2(percentile(samples, 50)),
    p95Ms: round2(percentile(samples, 95)),
    p99Ms: round2(percentile(samples, 99)),
    samples: samples.length,
  };
}

export interface SamplingPlan {
  warmups: number;
  iterations: number;
  /** stop after this much measured time once `minSamples` are in */
  maxSeconds: number;
  minSamples?: number;
  /**
   * Which failures are transient (a database briefly unavailable): such a run is tried again after
   * `retryDelayMs` (doubling, at most 8 s) instead of ending a half-hour benchmark; it is counted, not
   * timed. Default: none is.
   */
  isTransient?: (error: unknown) => boolean;
  /** Transient failures in a row before giving up (default 5). */
  maxRetries?: number;
  retryDelayMs?: number;
}

/** The first (warm-up or measured) result, the measured durations in ms, and the transient failures retried. */
export interface Sampled<T> {
  first: T;
  samples: number[];
  retries: number;
}

/**
 * Runs `work` `warmups` times unmeasured, then up to `iterations` times measured, one after the
 * other. A slow case stops early: after `maxSeconds` of measuring once it has `minSamples`
 * (default 3); warm-ups are cut to one when that one alone takes over a fifth of the budget.
 */
export async function sample<T>(plan: SamplingPlan, work: () => Promise<T>): Promise<Sampled<T>> {
  const minSamples = Math.min(plan.iterations, plan.minSamples ?? 3);
  let retries = 0;
  /** One successful run and its own duration: a retried failure and its wait are not timed. */
  const timed = async (): Promise<{ value: T; ms: number }> => {
    for (let failures = 0; ; failures++) {
      const started = performance.now();
      try {
        const value = await work();
        return { value, ms: performance.now() - started };
      } catch (error) {
        if (!plan.isTransient?.(error) || failures >= (plan.maxRetries ?? 5)) throw error;
        retries++;
        const delay = Math.min(8_000, (plan.retryDelayMs ?? 500) * 2 ** failures);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  const budgetMs = plan.maxSeconds * 1000;
  let first: { value: T } | undefined;
  for (let i = 0; i < plan.warmups; i++) {
    const { value, ms } = await timed();
    first ??= { value };
    if (ms > budgetMs / 5) break;
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < plan.iterations && (samples.length < minSamples || spent < budgetMs)) {
    const { value, ms } = await timed();
    first ??= { value };
    samples.push(ms);
    spent += ms;
  }
  return { first: first!.value, samples, retries };
}

/** Runs `tasks` with at most `concurrency` at once; rejects with the first failure (after the others settle). */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure) throw failure.error;
}
