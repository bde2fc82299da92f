/**
 * Runs a task now and then every `intervalMs` while the page is visible: a hidden tab stops asking, and becoming
 * visible again runs the task at once (its data is stale by then) and restarts the interval.
 */
export interface PageVisibility {
  hidden(): boolean;
  onChange(listener: () => void): () => void;
}

export interface Timers {
  setInterval(run: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export function poll(task: () => void, intervalMs: number, page: PageVisibility, timers: Timers): () => void {
  let handle: unknown;
  const stop = () => {
    if (handle !== undefined) timers.clearInterval(handle);
    handle = undefined;
  };
  const start = () => {
    stop();
    task();
    handle = timers.setInterval(task, intervalMs);
  };
  const unsubscribe = page.onChange(() => (page.hidden() ? stop() : start()));
  if (!page.hidden()) start();
  return () => {
    unsubscribe();
    stop();
  };
}
