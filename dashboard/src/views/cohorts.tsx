import { useMemo, useState } from "preact/hooks";
import { CsvButton } from "../components/csv-button";
import { Empty, ReportStatus } from "../components/status";
import { retentionGrid, shareColour } from "../lib/cohorts";
import { formatters, type Formatters } from "../lib/format";
import { rangeParams, type CohortsReport } from "../lib/reports";
import { useLoad } from "../use-report";
import type { ViewProps } from "./view-props";

/** Retention as a heatmap: each cohort's share of customers ordering again k periods after their first. */
export default function Cohorts(props: ViewProps) {
  const { api, selection } = props;
  const [interval, setCohortInterval] = useState<"month" | "week">("month");
  const params = rangeParams(selection.range, selection.zone, { interval });
  const state = useLoad(JSON.stringify(params), (signal) => api.report("cohorts", params, signal));
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Cohort retention
        </h2>
        <CsvButton api={api} report="cohorts" params={params} testId="csv-cohorts" />
      </div>
      <div class="controls">
        <label>
          Cohorts by
          <select
            data-testid="cohorts-interval"
            value={interval}
            onChange={(event) => setCohortInterval(event.currentTarget.value as "month" | "week")}
          >
            <option value="month">Month</option>
            <option value="week">Week</option>
          </select>
        </label>
      </div>
      <ReportStatus state={state}>{(report) => <Heatmap report={report} locale={props.locale} />}</ReportStatus>
    </section>
  );
}

function Heatmap(props: { report: CohortsReport; locale: string }) {
  const { report } = props;
  const format = useMemo(() => formatters(props.locale, report.currency), [props.locale, report.currency]);
  const grid = useMemo(() => retentionGrid(report.cohorts), [report]);
  if (grid.rows.length === 0) return <Empty>No customer placed a first order in this range.</Empty>;
  const unit = report.interval;
  return (
    <>
      <p class="hint">
        Share of each cohort&apos;s customers who ordered in the {unit} shown ({unit} 0 is their first). Darker is more.
      </p>
      <div class="table-scroll">
        <table class="heatmap" data-testid="cohorts-table">
          <caption class="visually-hidden">Retention by cohort and {unit}s since the first order</caption>
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col" class="number">
                Customers
              </th>
              {grid.columns.map((k) => (
                <th key={k} scope="col" class="number">
                  {unit === "month" ? "Month" : "Week"} {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((row) => (
              <tr key={row.cohort}>
                <th scope="row">{cohortLabel(row.cohort, unit, format)}</th>
                <td class="number">{format.count(row.size)}</td>
                {row.cells.map((cell, k) =>
                  cell ? (
                    <td
                      key={k}
                      class="number cell"
                      style={shareColour(cell.share)}
                      title={`${format.count(cell.customers)} customers, net sales ${format.money(cell.netSales)}`}
                    >
                      {format.share(cell.share)}
                    </td>
                  ) : (
                    <td key={k} class="cell-none" />
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function cohortLabel(cohort: string, unit: "month" | "week", format: Formatters): string {
  return unit === "month" ? format.month(cohort.slice(0, 7)) : `Week of ${format.date(cohort)}`;
}
