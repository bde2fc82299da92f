import { UnavailableError } from "./api";

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * Loads until it succeeds or fails for a reason other than a brief unavailability (503, 429): after each of those
 * `waiting` hears how many seconds until the next try, then the loader runs again by itself.
 */
export async function loadWithRetry<T>(
  load: () => Promise<T>,
  waiting: (seconds: number, error: UnavailableError) => void,
  options: { signal?: AbortSignal; sleep?: Sleep } = {},
): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (;;) {
    try {
      return await load();
    } catch (error) {
      if (!(error instanceof UnavailableError) || options.signal?.aborted) throw error;
      waiting(error.retryAfterSeconds, error);
      await wait(error.retryAfterSeconds * 1000, options.signal);
    }
  }
}
