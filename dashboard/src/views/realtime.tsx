import { useEffect, useMemo, useState } from "preact/hooks";
import { Cards } from "../components/cards";
import { CsvButton } from "../components/csv-button";
import { LineChart } from "../components/line-chart";
import { ReportStatus } from "../components/status";
import { alignSeries, plotY } from "../lib/align";
import { extremes } from "../lib/chart-summary";
import { formatters } from "../lib/format";
import { poll } from "../lib/poller";
import type { RealtimeReport } from "../lib/reports";
import { useLoad } from "../use-report";
import type { ViewProps } from "./view-props";

export const REFRESH_MS = 30_000;

/** The last 30 minutes, asked again every 30 s while the tab is visible. */
export default function Realtime(props: ViewProps) {
  const { api } = props;
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      poll(() => setTick((n) => n + 1), REFRESH_MS, documentVisibility, {
        setInterval: (run, ms) => setInterval(run, ms),
        clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      }),
    [],
  );
  const state = useLoad(tick === 0 ? undefined : String(tick), (signal) => api.report("realtime", {}, signal));
  const [last, setLast] = useState<RealtimeReport>();
  useEffect(() => {
    if (state.status === "ready") setLast(state.data);
  }, [state]);
  // While a refresh loads, the previous answer stays on screen rather than flashing "Loading…" every 30 s.
  const shown = state.status === "loading" && last ? { status: "ready" as const, data: last } : state;
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Realtime: the last 30 minutes
        </h2>
        <CsvButton api={api} report="realtime" params={{}} testId="csv-realtime" />
      </div>
      <ReportStatus state={shown}>{(report) => <Live {...props} report={report} />}</ReportStatus>
    </section>
  );
}

function Live(props: ViewProps & { report: RealtimeReport }) {
  const { report, zone } = props;
  const format = useMemo(() => formatters(props.locale, report.currency), [props.locale, report.currency]);
  const label = (minute: RealtimeReport["minutes"][number]) => format.time(minute.minute, zone);
  const series = useMemo(
    () => alignSeries(report.minutes, undefined, (minute) => plotY(minute.netSales), label),
    [report, format],
  );
  const busiest = extremes(report.minutes, (minute) => minute.netSales)?.highest;
  const tickFormat = new Intl.NumberFormat(props.locale, {
    notation: "compact",
    style: "currency",
    currency: report.currency,
  });
  return (
    <>
      <p class="hint" data-testid="realtime-updated" aria-live="polite">
        As of {format.time(report.asOf, zone)}; refreshed every 30 seconds while this tab is visible.
      </p>
      <Cards
        testId="realtime-cards"
        format={format}
        figures={[
          {
            key: "activeSessions",
            label: "Active sessions (5 min)",
            value: report.activeSessions,
            kind: "count",
            higherIsBetter: true,
          },
          { key: "orders", label: "Orders", value: report.orders, kind: "count", higherIsBetter: true },
          { key: "netSales", label: "Net sales", value: report.netSales, kind: "money", higherIsBetter: true },
        ]}
      />
      <LineChart
        testId="realtime-chart"
        series={series}
        names={{ current: "Net sales per minute" }}
        legend={(_which, index) => {
          const minute = report.minutes[index];
          return minute ? `${format.money(minute.netSales)}, ${format.count(minute.orders)} orders` : "—";
        }}
        formatTick={(value) => tickFormat.format(value)}
        summary={
          `Net sales per minute over the last 30 minutes: ${format.count(report.orders)} orders, ` +
          `${format.money(report.netSales)}` +
          (busiest && busiest.orders > 0
            ? `; busiest minute ${label(busiest)} with ${format.money(busiest.netSales)}.`
            : "; no orders.")
        }
        height={200}
      />
    </>
  );
}

const documentVisibility = {
  hidden: () => document.hidden,
  onChange: (listener: () => void) => {
    document.addEventListener("visibilitychange", listener);
    return () => document.removeEventListener("visibilitychange", listener);
  },
};
