import { useMemo, useState } from "preact/hooks";
import { CsvButton } from "../components/csv-button";
import { LineChart } from "../components/line-chart";
import { Empty, ReportStatus } from "../components/status";
import { alignSeries, plotY } from "../lib/align";
import { extremes } from "../lib/chart-summary";
import { delta } from "../lib/deltas";
import { formatters, type Formatters } from "../lib/format";
import { intervalFor, MAX_HOURLY_DAYS } from "../lib/intervals";
import { daysIn } from "../lib/local-date";
import { periodLabel } from "../lib/period-label";
import { rangeParams, type Interval, type SalesPeriod, type SalesReport } from "../lib/reports";
import { useLoad } from "../use-report";
import { comparisonName, type ViewProps } from "./view-props";

const INTERVALS: ReadonlyArray<{ id: Interval; label: string }> = [
  { id: "hour", label: "Hour" },
  { id: "day", label: "Day" },
  { id: "week", label: "Week" },
  { id: "month", label: "Month" },
];

type Measure = "netSales" | "grossSales" | "totalSales" | "averageOrderValue" | "returns" | "orders" | "unitsSold";

const MEASURES: ReadonlyArray<{ id: Measure; label: string; money: boolean }> = [
  { id: "netSales", label: "Net sales", money: true },
  { id: "grossSales", label: "Gross sales", money: true },
  { id: "totalSales", label: "Total sales", money: true },
  { id: "averageOrderValue", label: "Average order value", money: true },
  { id: "returns", label: "Returns", money: true },
  { id: "orders", label: "Orders", money: false },
  { id: "unitsSold", label: "Units sold", money: false },
];

/** Sales over time, the comparison period on the same chart, aligned by position in the period. */
export default function Sales(props: ViewProps) {
  const { api, selection } = props;
  const days = daysIn(selection.range.from, selection.range.to);
  const [chosenInterval, setChosenInterval] = useState<Interval>();
  const interval = intervalFor(days, chosenInterval);
  const [measure, setMeasure] = useState<Measure>("netSales");
  const params = rangeParams(selection.range, selection.zone, { interval });
  const previousParams =
    selection.comparisonRange && rangeParams(selection.comparisonRange, selection.zone, { interval });
  const state = useLoad(JSON.stringify([params, previousParams]), async (signal) => {
    const [current, previous] = await Promise.all([
      api.report("sales", params, signal),
      previousParams && api.report("sales", previousParams, signal),
    ]);
    return { current, previous };
  });
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Sales over time
        </h2>
        <CsvButton api={api} report="sales" params={params} testId="csv-sales" />
      </div>
      <div class="controls">
        <label>
          Per
          <select
            data-testid="sales-interval"
            value={interval}
            onChange={(event) => setChosenInterval(event.currentTarget.value as Interval)}
          >
            {INTERVALS.map((option) => (
              <option key={option.id} value={option.id} disabled={option.id === "hour" && days > MAX_HOURLY_DAYS}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Show
          <select
            data-testid="sales-measure"
            value={measure}
            onChange={(event) => setMeasure(event.currentTarget.value as Measure)}
          >
            {MEASURES.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ReportStatus state={state}>
        {({ current, previous }) => <SalesBody {...props} current={current} previous={previous} measure={measure} />}
      </ReportStatus>
    </section>
  );
}

function SalesBody(props: ViewProps & { current: SalesReport; previous: SalesReport | undefined; measure: Measure }) {
  const { current, previous, measure, zone } = props;
  const format = useMemo(() => formatters(props.locale, current.currency), [props.locale, current.currency]);
  const spec = MEASURES.find((option) => option.id === measure) ?? MEASURES[0];
  const show = (period: SalesPeriod) => shown(period[measure], spec.money, format);
  const label = (period: SalesPeriod) => periodLabel(period, current.interval, format, zone);
  const series = useMemo(
    () => alignSeries(current.periods, previous?.periods, (period) => plotY(period[measure]), label),
    [current, previous, measure, format],
  );
  if (current.periods.length === 0) return <Empty>No periods in this range.</Empty>;
  const compared = comparisonName(props.selection);
  const tickFormat = new Intl.NumberFormat(props.locale, {
    notation: "compact",
    ...(spec.money ? { style: "currency", currency: current.currency } : {}),
  });
  const summary = chartSummary(spec, current, previous, show, label, compared);
  return (
    <>
      <LineChart
        testId="sales-chart"
        series={series}
        names={{ current: "This period", comparison: previous ? compared : undefined }}
        legend={(which, index) => {
          const period = (which === "current" ? current : previous)?.periods[index];
          return period ? `${show(period)}${which === "comparison" ? ` (${label(period)})` : ""}` : "—";
        }}
        formatTick={(value) => tickFormat.format(value)}
        xTick={
          current.interval === "hour"
            ? (index) => {
                const period = current.periods[index] ?? previous?.periods[index];
                return period ? format.time(period.start, zone) : "";
              }
            : undefined
        }
        summary={summary}
      />
      <div class="table-scroll">
        <table data-testid="sales-table">
          <caption class="visually-hidden">
            {spec.label} per {current.interval}
          </caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              <th scope="col" class="number">
                {spec.label}
              </th>
              {previous && (
                <>
                  <th scope="col">{compared}</th>
                  <th scope="col" class="number">
                    {spec.label}
                  </th>
                  <th scope="col" class="number">
                    Change
                  </th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {series.positions.map((index) => {
              const now = current.periods[index];
              const before = previous?.periods[index];
              return (
                <tr key={index}>
                  <th scope="row">{now ? label(now) : ""}</th>
                  <td class="number">{now ? show(now) : ""}</td>
                  {previous && (
                    <>
                      <td>{before ? label(before) : ""}</td>
                      <td class="number">{before ? show(before) : ""}</td>
                      <td class="number">{now && before ? format.change(delta(now[measure], before[measure])) : ""}</td>
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function shown(value: string | number, money: boolean, format: Formatters): string {
  return money ? format.money(String(value)) : format.count(Number(value));
}

function chartSummary(
  measure: (typeof MEASURES)[number],
  current: SalesReport,
  previous: SalesReport | undefined,
  show: (period: SalesPeriod) => string,
  label: (period: SalesPeriod) => string,
  compared: string | undefined,
): string {
  const describe = (report: SalesReport, name: string) => {
    const points = extremes(report.periods, (period) => period[measure.id]);
    if (!points) return `${name}: no periods.`;
    return (
      `${name}: ${report.periods.length} ${report.interval}s, highest ${show(points.highest)} ` +
      `(${label(points.highest)}), lowest ${show(points.lowest)} (${label(points.lowest)}).`
    );
  };
  return [`${measure.label} per ${current.interval}.`, describe(current, "This period")]
    .concat(previous && compared ? [describe(previous, compared)] : [])
    .join(" ");
}
