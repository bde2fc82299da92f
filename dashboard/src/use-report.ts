import { useEffect, useState } from "preact/hooks";
import { ApiError } from "./lib/api";
import { loadWithRetry } from "./lib/retry";
import { SignedOutError } from "./lib/session";

/** A report request's state as a view shows it. */
export type Loaded<T> =
  | { status: "loading" }
  | { status: "waiting"; retryAt: number }
  | { status: "ready"; data: T }
  | { status: "error"; message: string; retry: () => void };

/**
 * Loads `load` whenever `key` changes (undefined: nothing to load yet), retrying by itself after a 503 or 429, and
 * drops an answer that a newer request overtook.
 */
export function useLoad<T>(key: string | undefined, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (key === undefined) return;
    const controller = new AbortController();
    setState({ status: "loading" });
    loadWithRetry(
      () => load(controller.signal),
      (seconds) => setState({ status: "waiting", retryAt: Date.now() + seconds * 1000 }),
      { signal: controller.signal },
    ).then(
      (data) => controller.signal.aborted || setState({ status: "ready", data }),
      (error: unknown) => {
        if (controller.signal.aborted || error instanceof SignedOutError) return;
        setState({ status: "error", message: messageOf(error), retry: () => setAttempt((n) => n + 1) });
      },
    );
    return () => controller.abort();
    // `load` is a new closure every render; `key` says when what it loads changed.
  }, [key, attempt]);
  return state;
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.status} ${error.code})`;
  if (error instanceof TypeError) return "The API cannot be reached. Check the connection and try again.";
  return error instanceof Error ? error.message : String(error);
}
