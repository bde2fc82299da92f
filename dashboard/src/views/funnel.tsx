import { useMemo } from "preact/hooks";
import { CsvButton } from "../components/csv-button";
import { Empty, ReportStatus } from "../components/status";
import { formatters } from "../lib/format";
import { rangeParams, type FunnelReport, type FunnelStepName } from "../lib/reports";
import { useLoad } from "../use-report";
import type { ViewProps } from "./view-props";

const STEP_NAMES: Record<FunnelStepName, string> = {
  sessions: "Sessions",
  productViews: "Viewed a product",
  addToCart: "Added to cart",
  checkout: "Reached checkout",
  converted: "Purchased",
};

/** The funnel as horizontal bars (each step's share of all sessions), with the rate from the step before. */
export default function Funnel(props: ViewProps) {
  const { api, selection } = props;
  const params = rangeParams(selection.range, selection.zone);
  const state = useLoad(JSON.stringify(params), (signal) => api.report("funnel", params, signal));
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Funnel
        </h2>
        <CsvButton api={api} report="funnel" params={params} testId="csv-funnel" />
      </div>
      <ReportStatus state={state}>{(report) => <FunnelBars report={report} locale={props.locale} />}</ReportStatus>
    </section>
  );
}

function FunnelBars(props: { report: FunnelReport; locale: string }) {
  const { report } = props;
  const format = useMemo(() => formatters(props.locale, undefined), [props.locale]);
  if (report.sessions === 0) return <Empty>No sessions started in this range.</Empty>;
  return (
    <>
      <p class="headline" data-testid="funnel-conversion">
        Conversion rate <strong>{format.share(report.conversionRate)}</strong>{" "}
        {`(${format.count(report.sessionsConverted)} of ${format.count(report.sessions)} sessions)`}
      </p>
      <ol class="funnel" data-testid="funnel-chart" aria-label="Sessions reaching each step">
        {report.steps.map((step, index) => (
          <li key={step.step} class="funnel-step">
            <span class="funnel-name">{STEP_NAMES[step.step]}</span>
            <span class="funnel-bar" aria-hidden="true">
              <span style={{ width: `${Math.min(step.rateFromStart, 1) * 100}%` }} />
            </span>
            <span class="funnel-figures">
              {format.count(step.sessions)} · {format.share(step.rateFromStart)} of sessions
              {index > 0 && <> · {format.share(step.rateFromPrevious)} of the step before</>}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
