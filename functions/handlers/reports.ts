import { cohortsReport, COHORT_INTERVALS } from "../reports/cohorts";
import { toCsv } from "../reports/csv";
import { funnelReport } from "../reports/funnel";
import { parseChoice, parseInterval, parseLimit, parseReportQuery } from "../reports/params";
import { PRODUCT_SORTS, productsReport } from "../reports/products";
import { realtimeReport } from "../reports/realtime";
import { salesReport } from "../reports/sales";
import { summaryReport } from "../reports/summary";
import { INTERVALS } from "../time";
import { badRequest } from "../http/errors";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { createHttpHandler, type KeyedOperation } from "../middleware/http-handler";
import { metrics } from "../observability";

const columnsOf = (row: object) => Object.keys(row);

const summary: KeyedOperation = async ({ db, store, query }) => {
  const report = await summaryReport(db, store, parseReportQuery(store, query));
  return { body: report, csv: () => toCsv(columnsOf(report), [report]) };
};

const sales: KeyedOperation = async ({ db, store, query }) => {
  const window = parseReportQuery(store, query);
  const report = await salesReport(db, store, window, parseInterval(query, INTERVALS, "day"));
  return { body: report, csv: () => toCsv(columnsOf(report.periods[0] ?? {}), report.periods) };
};

const products: KeyedOperation = async ({ db, store, query }) => {
  const window = parseReportQuery(store, query);
  const sort = parseChoice(query, "sort", PRODUCT_SORTS, "netSales");
  const limit = parseLimit(query, 20, 100);
  const category = query.category;
  if (category !== undefined && (category.length === 0 || category.length > 100)) {
    throw badRequest("the report's parameters are invalid", [{ field: "category", message: "must be 1 to 100 characters" }]);
  }
  const report = await productsReport(db, store, window, { sort, limit, category });
  const columns = ["productId", "productName", "category", "orders", "unitsSold", "grossSales", "discounts", "returns", "netSales"];
  return { body: report, csv: () => toCsv(columns, report.products) };
};

const funnel: KeyedOperation = async ({ db, store, query }) => {
  const report = await funnelReport(db, store, parseReportQuery(store, query));
  return { body: report, csv: () => toCsv(["step", "sessions", "rateFromPrevious", "rateFromStart"], report.steps) };
};

const cohorts: KeyedOperation = async ({ db, store, query }) => {
  const window = parseReportQuery(store, query);
  const report = await cohortsReport(db, store, window, parseChoice(query, "interval", COHORT_INTERVALS, "month"));
  const rows = report.cohorts.flatMap((c) => c.periods.map((p) => ({ cohort: c.cohort, size: c.size, ...p })));
  return { body: report, csv: () => toCsv(["cohort", "size", "k", "period", "customers", "share", "netSales"], rows) };
};

const realtime: KeyedOperation = async ({ db, store }) => {
  // Takes no query parameters: the route table says so, and the handler refuses any.
  const report = await realtimeReport(db, store);
  return { body: report, csv: () => toCsv(["minute", "orders", "netSales"], report.minutes) };
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

export const handler = createHttpHandler("reports", {
  summaryReport: counted("summary", summary),
  salesReport: counted("sales", sales),
  productsReport: counted("products", products),
  funnelReport: counted("funnel", funnel),
  cohortsReport: counted("cohorts", cohorts),
  realtimeReport: counted("realtime", realtime),
});
