import { useMemo } from "preact/hooks";
import { Cards, type CardFigure } from "../components/cards";
import { CsvButton } from "../components/csv-button";
import { Empty, ReportStatus } from "../components/status";
import { compareDecimal } from "../lib/decimal";
import { formatters } from "../lib/format";
import { rangeParams, type SummaryReport } from "../lib/reports";
import { useLoad } from "../use-report";
import { comparisonName, type ViewProps } from "./view-props";

/** The headline cards: the range's summary against the comparison period's. */
export default function Overview(props: ViewProps) {
  const { api, selection } = props;
  const params = rangeParams(selection.range, selection.zone);
  const previousParams = selection.comparisonRange && rangeParams(selection.comparisonRange, selection.zone);
  const state = useLoad(JSON.stringify([params, previousParams]), async (signal) => {
    const [current, previous] = await Promise.all([
      api.report("summary", params, signal),
      previousParams && api.report("summary", previousParams, signal),
    ]);
    return { current, previous };
  });
  return (
    <section aria-labelledby="view-title">
      <div class="view-head">
        <h2 id="view-title" tabIndex={-1}>
          Overview
        </h2>
        <CsvButton api={api} report="summary" params={params} testId="csv-overview" />
      </div>
      <ReportStatus state={state}>
        {({ current, previous }) => <Headlines {...props} current={current} previous={previous} />}
      </ReportStatus>
    </section>
  );
}

function Headlines(props: ViewProps & { current: SummaryReport; previous: SummaryReport | undefined }) {
  const { current, previous } = props;
  const format = useMemo(() => formatters(props.locale, current.currency), [props.locale, current.currency]);
  const figure = (
    key: keyof SummaryReport,
    label: string,
    kind: CardFigure["kind"],
    higherIsBetter = true,
  ): CardFigure => ({
    key,
    label,
    kind,
    higherIsBetter,
    value: current[key] as string | number,
    previous: previous?.[key] as string | number | undefined,
  });
  const quiet = current.orders === 0 && current.customers === 0 && compareDecimal(current.returns, 0) === 0;
  return (
    <>
      {quiet && <Empty>No orders or refunds in this range.</Empty>}
      <Cards
        testId="overview-cards"
        format={format}
        comparisonName={comparisonName(props.selection)}
        figures={[
          figure("grossSales", "Gross sales", "money"),
          figure("netSales", "Net sales", "money"),
          figure("orders", "Orders", "count"),
          figure("averageOrderValue", "Average order value", "money"),
          figure("returns", "Refunds (returns)", "money", false),
          figure("newCustomers", "New customers", "count"),
          figure("returningCustomers", "Returning customers", "count"),
        ]}
      />
    </>
  );
}
