import type { z } from "zod";
import { cohortsReport } from "../reports/cohorts";
import { rangeCacheControl, REALTIME_CACHE_CONTROL, reportCacheHeaders } from "../reports/cache-control";
import { toCsv } from "../reports/csv";
import { funnelReport } from "../reports/funnel";
import { parseQuery, parseReportQuery } from "../reports/params";
import type { ReportWindow } from "../time";
import { productsReport } from "../reports/products";
import { reportQueries } from "../reports/query";
import { realtimeReport } from "../reports/realtime";
import { salesReport } from "../reports/sales";
import { summaryReport } from "../reports/summary";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  createHttpHandler,
  type KeyedInput,
  type KeyedOperation,
  type OperationOutput,
} from "../middleware/http-handler";
import { metrics } from "../observability";

const columnsOf = (row: object) => Object.keys(row);

/**
 * A report over a range: its range read first (parseReportQuery: every range problem in one
 * 400), then the rest of its query by its schema (reports/query.ts). Its answer says how long it
 * stays fresh: a range that is over longer than one that includes today (reports/cache-control.ts).
 */
const ranged =
  <S extends z.ZodObject>(
    schema: S,
    run: (input: KeyedInput, window: ReportWindow, params: z.output<S>) => Promise<OperationOutput>,
  ): KeyedOperation =>
  async (input) => {
    const window = parseReportQuery(input.store, input.query);
    const output = await run(input, window, parseQuery(schema, input.query));
    return { ...output, headers: { ...output.headers, ...reportCacheHeaders(rangeCacheControl(window)) } };
  };

const summary = ranged(reportQueries.summaryReport, async ({ db, store }, window) => {
  const report = await summaryReport(db, store, window);
  return { body: report, csv: () => toCsv(columnsOf(report), [report]) };
});

const sales = ranged(reportQueries.salesReport, async ({ db, store }, window, { interval }) => {
  const report = await salesReport(db, store, window, interval);
  return { body: report, csv: () => toCsv(columnsOf(report.periods[0] ?? {}), report.periods) };
});

const products = ranged(reportQueries.productsReport, async ({ db, store }, window, { sort, limit, category }) => {
  const report = await productsReport(db, store, window, { sort, limit, category });
  const columns = [
    "productId",
    "productName",
    "category",
    "orders",
    "unitsSold",
    "grossSales",
    "discounts",
    "returns",
    "netSales",
  ];
  return { body: report, csv: () => toCsv(columns, report.products) };
});

const funnel = ranged(reportQueries.funnelReport, async ({ db, store }, window) => {
  const report = await funnelReport(db, store, window);
  return { body: report, csv: () => toCsv(["step", "sessions", "rateFromPrevious", "rateFromStart"], report.steps) };
});

const cohorts = ranged(reportQueries.cohortsReport, async ({ db, store }, window, { interval }) => {
  const report = await cohortsReport(db, store, window, interval);
  const rows = report.cohorts.flatMap((c) => c.periods.map((p) => ({ cohort: c.cohort, size: c.size, ...p })));
  return { body: report, csv: () => toCsv(["cohort", "size", "k", "period", "customers", "share", "netSales"], rows) };
});

const realtime: KeyedOperation = async ({ db, store }) => {
  // Takes no query parameters: its schema declares none, and the handler refuses any.
  const report = await realtimeReport(db, store);
  return {
    body: report,
    csv: () => toCsv(["minute", "orders", "netSales"], report.minutes),
    headers: reportCacheHeaders(REALTIME_CACHE_CONTROL),
  };
};

/** The value of the `report` dimension of ReportsServed. */
export type ReportName = "summary" | "sales" | "products" | "funnel" | "cohorts" | "realtime";

/**
 * Counts each report served twice over: in the function's metrics with the `service` dimension
 * alone (the dashboard's business widget sums that series), and as a single metric with a
 * `report` dimension as well (which reports are asked for). Two series of one metric, not a
 * double count: CloudWatch keeps each dimension set apart. Only reports that were served count;
 * a refused or failed request counts under RequestsRejected or RequestsFailed instead.
 */
const counted =
  (report: ReportName, operation: KeyedOperation): KeyedOperation =>
  async (input) => {
    const output = await operation(input);
    metrics.addMetric("ReportsServed", MetricUnit.Count, 1);
    metrics.singleMetric().addDimension("report", report).addMetric("ReportsServed", MetricUnit.Count, 1);
    return output;
  };

export const handler = createHttpHandler(
  "reports",
  {
    summaryReport: counted("summary", summary),
    salesReport: counted("sales", sales),
    productsReport: counted("products", products),
    funnelReport: counted("funnel", funnel),
    cohortsReport: counted("cohorts", cohorts),
    realtimeReport: counted("realtime", realtime),
  },
  // Reports read from the Aurora readers where there are any; `X-Consistency: strong` reads the writer.
  { queries: reportQueries, reads: "reader" },
);
