import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Loaded } from "../use-report";

/** Loading, waiting-to-retry and error states of a report; the children render the data once it is there. */
export function ReportStatus<T>(props: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  if (state.status === "ready") return <>{props.children(state.data)}</>;
  if (state.status === "loading")
    return (
      <p class="status" role="status" aria-live="polite" data-testid="report-loading">
        Loading…
      </p>
    );
  if (state.status === "waiting") return <Waiting retryAt={state.retryAt} />;
  return (
    <div class="status status-error" role="alert" data-testid="report-error">
      <p>Could not load this report: {state.message}</p>
      <button type="button" onClick={state.retry}>
        Try again
      </button>
    </div>
  );
}

function Waiting(props: { retryAt: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((props.retryAt - now) / 1000));
  return (
    <p class="status status-waiting" role="status" aria-live="polite" data-testid="report-waiting">
      Data briefly unavailable, retrying in {seconds} s
    </p>
  );
}

export function Empty(props: { children: ComponentChildren; testId?: string }) {
  return (
    <p class="status status-empty" data-testid={props.testId ?? "report-empty"}>
      {props.children}
    </p>
  );
}
