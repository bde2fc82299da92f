/**
 * Report latency: each report of SPEC 3.2 over 30 days, 1 year and 3 years, through the reports
 * Lambda handler (API Gateway events, the whole middleware stack), beside its baseline
 * (bench/baseline.ts), timed the same way and checked for the same numbers; and the 1-year
 * summary over HTTP through the local gateway. The ranges end on four days (`RangeEnd`): the
 * data's last day, and three days of the busiest whole month, where a report's last, unfinished
 * month holds the most rows.
 */
import type { AddressInfo } from "node:net";
import type { DuckDBConnection } from "@duckdb/node-api";
import { sql, type Kysely } from "kysely";
import type { Database, Store } from "../functions/db/schema";
import { handler as reportsHandler } from "../functions/handlers/reports";
import { apiGatewayEvent, lambdaContext } from "../tools/local/api-gateway-event";
import { createGateway } from "../tools/local/gateway";
import {
  baselineCohorts,
  baselineFunnel,
  baselineProducts,
  baselineRealtime,
  baselineSales,
  baselineSummary,
  type BaselineRange,
} from "./baseline";
import { compareWithBaseline } from "./compare";
import { DUCKDB_REPORTS, type DuckReport } from "./duckdb/reports";
import { percentiles, round2, sample, type SamplingPlan } from "./stats";
import { DAY_MS } from "../functions/time";
import { isDatabaseUnavailable, isRetryableTransactionError } from "../functions/db/errors";

export type RangeName = "30d" | "1y" | "3y" | "last30min";

/**
 * The day a range ends on: `data-end`, the local date of the data's last instant (the usual
 * report, up to today); and in the busiest whole month of the data, `month-end` its last day,
 * `late-month` the day before (the most of a month read as unfinished, with later data), and
 * `early-month` its 3rd.
 */
export type RangeEnd = "data-end" | "month-end" | "late-month" | "early-month";
export const RANGE_ENDS: readonly RangeEnd[] = ["data-end", "month-end", "late-month", "early-month"];

export interface BenchRange extends BaselineRange {
  name: RangeName;
  end: RangeEnd;
}

export interface ReportCase {
  name: string;
  path: string;
  query: Record<string, string>;
  /** false: the report takes no range (realtime: the last 30 minutes) */
  ranged: boolean;
  baseline: (db: Kysely<Database>, store: Store, range: BaselineRange, now: Date) => Promise<unknown>;
  /**
   * The same figures computed by DuckDB from the raw rows (bench/duckdb/); none for realtime, whose last 30
   * minutes a copy loaded before the run cannot follow.
   */
  duckdb?: DuckReport;
}

export const REPORT_CASES: readonly ReportCase[] = [
  {
    name: "summary",
    path: "/api/v1/reports/summary",
    query: {},
    ranged: true,
    baseline: (db, store, range) => baselineSummary(db, store, range),
    duckdb: DUCKDB_REPORTS["summary"],
  },
  {
    name: "sales?interval=day",
    path: "/api/v1/reports/sales",
    query: { interval: "day" },
    ranged: true,
    baseline: (db, store, range) => baselineSales(db, store, range, "day"),
    duckdb: DUCKDB_REPORTS["sales?interval=day"],
  },
  {
    name: "sales?interval=month",
    path: "/api/v1/reports/sales",
    query: { interval: "month" },
    ranged: true,
    baseline: (db, store, range) => baselineSales(db, store, range, "month"),
    duckdb: DUCKDB_REPORTS["sales?interval=month"],
  },
  {
    name: "products",
    path: "/api/v1/reports/products",
    query: {},
    ranged: true,
    baseline: (db, store, range) => baselineProducts(db, store, range),
    duckdb: DUCKDB_REPORTS["products"],
  },
  {
    name: "funnel",
    path: "/api/v1/reports/funnel",
    query: {},
    ranged: true,
    baseline: (db, store, range) => baselineFunnel(db, store, range),
    duckdb: DUCKDB_REPORTS["funnel"],
  },
  {
    name: "cohorts?interval=month",
    path: "/api/v1/reports/cohorts",
    query: { interval: "month" },
    ranged: true,
    baseline: (db, store, range) => baselineCohorts(db, store, range, "month"),
    duckdb: DUCKDB_REPORTS["cohorts?interval=month"],
  },
  {
    name: "realtime",
    path: "/api/v1/reports/realtime",
    query: {},
    ranged: false,
    baseline: (db, store, _range, now) => baselineRealtime(db, store, now),
  },
];

export interface ReportResult {
  name: string;
  range: RangeName;
  /** absent for realtime */
  end?: RangeEnd;
  from?: string;
  to?: string;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  samples: number;
  baselineP50Ms: number;
  baselineP95Ms: number;
  baselineP99Ms: number;
  baselineSamples: number;
  /** baselineP95Ms / p95Ms: how many times faster than the plain GROUP BYs the report is */
  ratio: number;
  matches: boolean;
  differences?: string[];
  /** Runs of the report or its baseline that failed transiently (a 503, a lost connection) and were run again. */
  retries: number;
  /** DuckDB computing the same figures from the raw rows (absent with --no-duckdb, and for realtime) */
  duckdbP50Ms?: number;
  duckdbP95Ms?: number;
  duckdbSamples?: number;
  /** duckdbP95Ms / p95Ms: how many times faster than DuckDB over the raw rows the report is */
  duckdbRatio?: number;
  duckdbMatches?: boolean;
  duckdbDifferences?: string[];
}

export interface DuckdbResult {
  duckdbP50Ms: number;
  duckdbP95Ms: number;
  duckdbSamples: number;
  duckdbRatio: number;
  duckdbMatches: boolean;
  duckdbDifferences?: string[];
}

export interface HttpResult {
  name: string;
  range: RangeName;
  from: string;
  to: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** the same report through the handler, in process (p50), for the HTTP overhead */
  handlerP50Ms?: number;
}

function localDate(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(ms));
}

function shiftDate(date: string, { days = 0, years = 0 }: { days?: number; years?: number }): string {
  const [y, m, d] = date.split("-").map(Number);
  const shifted = new Date(Date.UTC(y + years, m - 1, d));
  if (shifted.getUTCMonth() !== m - 1) shifted.setUTCDate(0); // 29 February - 1 year
  return new Date(shifted.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** 30 days, 1 year and 3 years (the API's maximum) ending on `to`. */
function rangesEndingOn(to: string, end: RangeEnd, timezone: string): BenchRange[] {
  return [
    { name: "30d", end, from: shiftDate(to, { days: -29 }), to, timezone },
    { name: "1y", end, from: shiftDate(shiftDate(to, { years: -1 }), { days: 1 }), to, timezone },
    { name: "3y", end, from: shiftDate(shiftDate(to, { years: -3 }), { days: 1 }), to, timezone },
  ];
}

/**
 * 30 days, 1 year and 3 years ending on the local date of the data's last instant, then ending
 * on each day of `busiestMonth` (`YYYY-MM`, a whole month before that date) that `RangeEnd` names.
 */
export function benchRanges(dataEnd: Date, timezone: string, busiestMonth?: string): BenchRange[] {
  const ranges = rangesEndingOn(localDate(dataEnd.getTime() - 1, timezone), "data-end", timezone);
  if (busiestMonth === undefined) return ranges;
  const lastDay = shiftDate(`${shiftMonth(busiestMonth, 1)}-01`, { days: -1 });
  return [
    ...ranges,
    ...rangesEndingOn(lastDay, "month-end", timezone),
    ...rangesEndingOn(shiftDate(lastDay, { days: -1 }), "late-month", timezone),
    ...rangesEndingOn(`${busiestMonth}-03`, "early-month", timezone),
  ];
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + by, 1)).toISOString().slice(0, 7);
}

/**
 * The store's local month with the most orders among those wholly before `dataEnd`'s local date
 * (sales_local_days, the store's zone); undefined when the data holds no whole month.
 */
export async function busiestWholeMonth(
  db: Kysely<Database>,
  store: Store,
  dataEnd: Date,
): Promise<string | undefined> {
  const currentMonth = localDate(dataEnd.getTime() - 1, store.timezone).slice(0, 7);
  const row = await db
    .selectFrom("sales_local_days")
    .select([sql<string>`date_format(local_day, '%Y-%m')`.as("month"), sql<string>`sum(orders)`.as("orders")])
    .where("store_id", "=", store.id)
    .where(sql<boolean>`local_day < ${`${currentMonth}-01`}`)
    .groupBy(sql.ref("month"))
    .orderBy(sql.ref("orders"), "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.month;
}

/** "products 1y" for the data's end, "products 1y late-month" for another end. */
export function caseLabel(result: { name: string; range: RangeName; end?: RangeEnd }): string {
  const end = result.end && result.end !== "data-end" ? ` ${result.end}` : "";
  return `${result.name} ${result.range}${end}`;
}

/** The reports handler said the database is briefly unavailable (503) or asked to slow down (429). */
class UnavailableAnswer extends Error {
  override name = "UnavailableAnswer";
}

/** What a benchmark sample may retry: the handler's 503/429, or the baseline's database going away for a moment. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof UnavailableAnswer || isDatabaseUnavailable(error) || isRetryableTransactionError(error);
}

/** Calls the reports handler as API Gateway would; the raw result (status, body). */
export async function invokeReport(keyId: string, path: string, query: Record<string, string>): Promise<string> {
  const event = apiGatewayEvent({
    method: "GET",
    path,
    query,
    headers: { accept: "application/json" },
    apiKeyId: keyId,
  });
  const result = await reportsHandler(event, lambdaContext("reports"));
  if (result.statusCode === 503 || result.statusCode === 429)
    throw new UnavailableAnswer(`reports handler ${path}: ${result.statusCode} ${result.body.slice(0, 200)}`);
  if (result.statusCode !== 200)
    throw new Error(
      `reports handler ${path} ${JSON.stringify(query)}: ${result.statusCode} ${result.body.slice(0, 500)}`,
    );
  return result.body;
}

export async function measureReports(
  db: Kysely<Database>,
  store: Store,
  keyId: string,
  ranges: readonly BenchRange[],
  plan: SamplingPlan,
  log: (line: string) => void,
  warn: (line: string) => void,
  duck?: DuckDBConnection,
): Promise<ReportResult[]> {
  const results: ReportResult[] = [];
  for (const range of ranges) {
    for (const report of REPORT_CASES.filter((r) => r.ranged)) {
      results.push(await measureReport(db, store, keyId, report, range, plan, log, warn, duck));
    }
  }
  for (const report of REPORT_CASES.filter((r) => !r.ranged)) {
    results.push(await measureReport(db, store, keyId, report, undefined, plan, log, warn));
  }
  return results;
}

async function measureReport(
  db: Kysely<Database>,
  store: Store,
  keyId: string,
  report: ReportCase,
  range: BenchRange | undefined,
  plan: SamplingPlan,
  log: (line: string) => void,
  warn: (line: string) => void,
  duck?: DuckDBConnection,
): Promise<ReportResult> {
  const query = range ? { ...report.query, from: range.from, to: range.to } : report.query;
  const label = caseLabel({ name: report.name, range: range?.name ?? "last30min", end: range?.end });
  const retrying = { ...plan, isTransient: isTransientFailure };
  const handler = await sample(retrying, () => invokeReport(keyId, report.path, query));
  const body = JSON.parse(handler.first) as { asOf?: string };
  const rangeForBaseline: BaselineRange = range ?? { from: "", to: "", timezone: store.timezone };
  // Beside the data's end the baseline is a check, not a comparison: one run (minutes saved at 1M orders).
  const baselinePlan = range && range.end !== "data-end" ? { ...retrying, warmups: 0, iterations: 1 } : retrying;
  const baseline = await sample(baselinePlan, () => report.baseline(db, store, rangeForBaseline, new Date()));
  // realtime: compare with the baseline as of the report's own `asOf`
  const expected = report.ranged
    ? baseline.first
    : await report.baseline(db, store, rangeForBaseline, new Date(body.asOf ?? Date.now()));
  const { differences } = compareWithBaseline(body, expected);

  const mine = percentiles(handler.samples);
  const theirs = percentiles(baseline.samples);
  const result: ReportResult = {
    name: report.name,
    range: range?.name ?? "last30min",
    ...(range ? { end: range.end, from: range.from, to: range.to } : {}),
    ...mine,
    baselineP50Ms: theirs.p50Ms,
    baselineP95Ms: theirs.p95Ms,
    baselineP99Ms: theirs.p99Ms,
    baselineSamples: theirs.samples,
    ratio: round2(theirs.p95Ms / mine.p95Ms),
    matches: differences.length === 0,
    ...(differences.length > 0 ? { differences } : {}),
    retries: handler.retries + baseline.retries,
    ...(duck && report.duckdb && range ? await measureDuckdb(duck, store, report.duckdb, range, plan, body, mine) : {}),
  };
  log(
    `${label}: p95 ${mine.p95Ms} ms (${mine.samples} runs), ` +
      `baseline p95 ${theirs.p95Ms} ms (${theirs.samples} runs)` +
      (result.duckdbP95Ms !== undefined ? `, duckdb p95 ${result.duckdbP95Ms} ms` : "") +
      `${result.retries > 0 ? `, ${result.retries} transient failures retried` : ""}` +
      `${result.matches ? "" : "  MISMATCH"}${result.duckdbMatches === false ? "  DUCKDB MISMATCH" : ""}`,
  );
  if (!result.matches) {
    warn(`!!! MISMATCH: ${label} (${JSON.stringify(query)}) differs from its baseline:`);
    for (const difference of differences) warn(`!!!   ${difference}`);
  }
  if (result.duckdbMatches === false) {
    warn(`!!! MISMATCH: ${label} (${JSON.stringify(query)}) differs from DuckDB's figures:`);
    for (const difference of result.duckdbDifferences ?? []) warn(`!!!   ${difference}`);
  }
  return result;
}

/** DuckDB's figures for `range`, sampled like the baseline, checked against the report's body. */
export async function measureDuckdb(
  duck: DuckDBConnection,
  store: Store,
  compute: DuckReport,
  range: BaselineRange,
  plan: SamplingPlan,
  reportBody: unknown,
  report: { p95Ms: number },
): Promise<DuckdbResult> {
  const timed = await sample(plan, () => compute(duck, store, range));
  const { differences } = compareWithBaseline(reportBody, timed.first);
  const figures = percentiles(timed.samples);
  return {
    duckdbP50Ms: figures.p50Ms,
    duckdbP95Ms: figures.p95Ms,
    duckdbSamples: figures.samples,
    duckdbRatio: round2(figures.p95Ms / report.p95Ms),
    duckdbMatches: differences.length === 0,
    ...(differences.length > 0 ? { duckdbDifferences: differences } : {}),
  };
}

/** The 1-year summary over HTTP through the local gateway (x-api-key, JSON), after one warm-up request. */
export async function measureHttp(
  db: Kysely<Database>,
  apiKey: string,
  range: BenchRange,
  requests: number,
  handlerP50Ms: number | undefined,
): Promise<HttpResult[]> {
  const server = createGateway({ db });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  try {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/api/v1/reports/summary?from=${range.from}&to=${range.to}`;
    const get = async () => {
      const response = await fetch(url, { headers: { "x-api-key": apiKey, accept: "application/json" } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 500)}`);
      return text;
    };
    const timed = await sample({ warmups: 1, iterations: requests, maxSeconds: Number.POSITIVE_INFINITY }, get);
    return [
      {
        name: "summary",
        range: range.name,
        from: range.from,
        to: range.to,
        requests: timed.samples.length,
        ...(({ p50Ms, p95Ms, p99Ms }) => ({ p50Ms, p95Ms, p99Ms }))(percentiles(timed.samples)),
        ...(handlerP50Ms !== undefined ? { handlerP50Ms } : {}),
      },
    ];
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
