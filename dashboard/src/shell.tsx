import type { FunctionComponent } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { RangePicker } from "./components/range-picker";
import { ReportStatus } from "./components/status";
import type { ReportsApi } from "./lib/api";
import { formatters } from "./lib/format";
import { hrefOf, viewOf, VIEWS, type ViewId } from "./lib/route";
import {
  chooseComparison,
  chooseCustom,
  choosePreset,
  chooseZone,
  initialSelection,
  type Selection,
} from "./lib/selection";
import { useLoad } from "./use-report";
import Overview from "./views/overview";
import type { ViewProps } from "./views/view-props";

type ViewModule = { default: FunctionComponent<ViewProps> };

/** The Overview is the first view and ships in the entry chunk; the others (and uPlot) load when first opened. */
const VIEW_MODULES: Record<ViewId, () => Promise<ViewModule>> = {
  overview: async () => ({ default: Overview }),
  sales: () => import("./views/sales"),
  products: () => import("./views/products"),
  funnel: () => import("./views/funnel"),
  cohorts: () => import("./views/cohorts"),
  realtime: () => import("./views/realtime"),
};

const locale = navigator.language || "en-US";

export function Shell(props: { api: ReportsApi; onSignOut: () => void }) {
  const view = useHashView();
  // The store's zone comes with any range report asked without one; the summary of its default range is the cheapest.
  const store = useLoad("store", (signal) => props.api.report("summary", {}, signal));
  return (
    <div class="app">
      <header class="top">
        <h1>Store analytics</h1>
        <nav aria-label="Reports">
          <ul>
            {VIEWS.map((item) => (
              <li key={item.id}>
                <a
                  href={hrefOf(item.id)}
                  aria-current={item.id === view ? "page" : undefined}
                  data-testid={`nav-${item.id}`}
                >
                  {item.label}
                </a>
              </li>
            ))}
            <li>
              <a href="/docs" target="_blank" rel="noopener" data-testid="nav-docs">
                API documentation
              </a>
            </li>
          </ul>
        </nav>
        <button type="button" class="sign-out" onClick={props.onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <main>
        <ReportStatus state={store}>
          {(summary) => <Reports api={props.api} view={view} storeZone={summary.timezone} />}
        </ReportStatus>
      </main>
    </div>
  );
}

function Reports(props: { api: ReportsApi; view: ViewId; storeZone: string }) {
  const { storeZone } = props;
  const [selection, setSelection] = useState<Selection>(() => initialSelection(storeZone, new Date()));
  const format = formatters(locale, undefined);
  const update = (change: (now: Selection) => Selection) => setSelection(change);
  return (
    <>
      {props.view !== "realtime" && (
        <RangePicker
          selection={selection}
          storeZone={storeZone}
          format={format}
          onPreset={(preset) => update((now) => choosePreset(now, preset, storeZone, new Date()))}
          onCustom={(from, to) => update((now) => chooseCustom(now, { from, to }))}
          onComparison={(mode) => update((now) => chooseComparison(now, mode))}
          onZone={(zone) => update((now) => chooseZone(now, zone, storeZone, new Date()))}
        />
      )}
      <LazyView view={props.view} props={{ api: props.api, selection, zone: selection.zone ?? storeZone, locale }} />
    </>
  );
}

function LazyView(props: { view: ViewId; props: ViewProps }) {
  const [loaded, setLoaded] = useState<{ view: ViewId; component: FunctionComponent<ViewProps> }>();
  const [failed, setFailed] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    let current = true;
    setFailed(false);
    VIEW_MODULES[props.view]().then(
      (module) => current && setLoaded({ view: props.view, component: module.default }),
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [props.view]);
  useEffect(() => {
    // After a navigation (not the first view), keyboard and screen reader users land on the new view's heading.
    if (loaded?.view !== props.view) return;
    if (first.current) first.current = false;
    else document.getElementById("view-title")?.focus();
  }, [loaded, props.view]);
  if (failed)
    return (
      <p class="status status-error" role="alert">
        This view could not load. Reload the page to try again.
      </p>
    );
  if (!loaded || loaded.view !== props.view)
    return (
      <p class="status" role="status">
        Loading…
      </p>
    );
  const View = loaded.component;
  return <View {...props.props} />;
}

function useHashView(): ViewId {
  const [view, setView] = useState(() => viewOf(location.hash));
  useEffect(() => {
    const changed = () => setView(viewOf(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return view;
}
