/**
 * CPU time of one 3-year report's time work, in process: reading the range (`from`/`to`/zone to
 * UTC bounds), the report's periods and the SQL that keys rows by period, which is where a zone's
 * UTC offsets are looked up. Medians over many iterations, per zone:
 *
 * - `offsetScan`: the zone's offsets over 3 years (+ margins), as one report needs them;
 * - `salesDay`: a sales report by day in a zone other than the store's (range, periods, key SQL);
 * - `cohortsMonth`: a cohorts report by month read from raw rows (range, periods, 4 key SQLs).
 *
 * Zones' transitions are cached per process (functions/time/transitions.ts): the plain columns are
 * a warm process, the `cold` ones forget the cache before each call (a report's first zone after a
 * Lambda cold start).
 *
 * `npx tsx bench/report-time.ts [--runs 200]`
 */
import { parseReportQuery } from "../functions/reports/params";
import { clearTransitionCache, DAY_MS, offsetSegments, periodKeySql, periodsInRange } from "../functions/time";
import type { Store } from "../functions/db/schema";
import { sql } from "kysely";
import { median, round2 } from "./stats";

const ZONES = ["America/New_York", "Asia/Kolkata"];
const QUERY = { from: "2023-01-01", to: "2025-12-31" };
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 200;

function timeMs(work: () => unknown): number {
  const started = process.cpuUsage();
  work();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

function medianOf(work: () => unknown): number {
  for (let i = 0; i < 5; i++) work(); // warm the JIT
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(timeMs(work));
  return round2(median(samples));
}

const store: Store = { id: 1, name: "bench", currency: "USD", timezone: "UTC", created_at: new Date() };
const column = sql.ref<Date>("created_at");

function salesDay(timezone: string): void {
  const window = parseReportQuery(store, { ...QUERY, timezone });
  periodsInRange(window.range, "day");
  periodKeySql(column, window.range, "day");
}

function cohortsMonth(timezone: string): void {
  const window = parseReportQuery(store, { ...QUERY, timezone });
  periodsInRange(window.range, "month");
  for (let i = 0; i < 4; i++) periodKeySql(column, window.range, "month");
}

const results: Record<string, Record<string, number>> = {};
for (const timezone of ZONES) {
  results[timezone] = {
    offsetScanCold: medianOf(
      () => (
        clearTransitionCache(),
        offsetSegments(new Date(Date.UTC(2022, 11, 25)), new Date(Date.UTC(2026, 0, 8) + DAY_MS), timezone)
      ),
    ),
    offsetScan: medianOf(() =>
      offsetSegments(new Date(Date.UTC(2022, 11, 25)), new Date(Date.UTC(2026, 0, 8) + DAY_MS), timezone),
    ),
    salesDay: medianOf(() => salesDay(timezone)),
    cohortsMonth: medianOf(() => cohortsMonth(timezone)),
    salesDayCold: medianOf(() => (clearTransitionCache(), salesDay(timezone))),
    cohortsMonthCold: medianOf(() => (clearTransitionCache(), cohortsMonth(timezone))),
  };
}
console.log(`CPU ms per call, median of ${RUNS} (after 5 warm-up calls), 3 years ${QUERY.from}..${QUERY.to}`);
console.table(results);
