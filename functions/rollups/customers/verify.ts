import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { amountOrZero } from "../../money/decimal";
import {
  firstOfNextMonth,
  formatLocalDate,
  parseLocalDate,
  periodsInRange,
  utcBounds,
  type ReportWindow,
} from "../../time";
import { storeHistory } from "../verify-window";
import {
  COHORT_INTERVALS,
  partialCohortCells,
  rawCohortCells,
  rolledCohortCells,
  type CohortCell,
  type CohortInterval,
} from "./cohort-cells";
import { customerFigures } from "./read";
import { rawCustomerFigures } from "./raw-customer-figures";

/**
 * Customer figures over the store's history, its last year and its last 30 days, and the
 * monthly cohort cells of its whole months in its own zone, from the rollups against the raw rows.
 */
export async function verifyCustomers(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const { store, today, history } = await storeHistory(db, storeId);
  const problems: string[] = [];
  // ranges ending today and ending earlier, whose customers some gaps between orders span (gap_months)
  const ends = [today, shiftDays(today, -30), shiftDays(today, -365)].filter((to) => to >= history);
  const ranges = ends.flatMap((to) => [history, shiftDays(to, -364), shiftDays(to, -29)].map((from) => ({ from, to })));
  for (const { from, to } of ranges) {
    const range = { from: from < history ? history : from, to, timezone: store.timezone };
    const { start, end } = utcBounds(range);
    const [rolled, raw] = await Promise.all([
      customerFigures(db, storeId, start, end),
      rawCustomerFigures(db, storeId, start, end),
    ]);
    if (JSON.stringify(rolled) !== JSON.stringify(raw))
      problems.push(
        `customers ${range.from}..${range.to}: rollup ${JSON.stringify(rolled)} raw ${JSON.stringify(raw)}`,
      );
  }
  const range = { from: history, to: today, timezone: store.timezone };
  problems.push(...(await verifyCohortCells(db, storeId, { range, ...utcBounds(range) })));
  for (const interval of COHORT_INTERVALS)
    problems.push(...(await verifyCohortDays(db, storeId, { range, ...utcBounds(range) }, interval)));
  return problems;
}

/** Every cell of the window's whole months: `cohort_cells` against the raw orders and refunds. */
async function verifyCohortCells(db: Kysely<Database>, storeId: number, window: ReportWindow): Promise<string[]> {
  const whole = periodsInRange(window.range, "month").filter((p) => p.end.getTime() <= window.end.getTime());
  if (whole.length === 0) return [];
  const last = whole[whole.length - 1].key;
  const [rolled, raw] = await Promise.all([
    rolledCohortCells(db, storeId, window, "month", whole[0].key, last),
    rawCohortCells(db, storeId, window, "month"),
  ]);
  const fromRollup = cellValues(rolled);
  const fromRaw = cellValues(raw.filter((cell) => cell.period <= last));
  const problems: string[] = [];
  for (const key of new Set([...fromRollup.keys(), ...fromRaw.keys()]))
    if (fromRollup.get(key) !== fromRaw.get(key))
      problems.push(`cohort cell ${key}: rollup ${fromRollup.get(key) ?? "none"} raw ${fromRaw.get(key) ?? "none"}`);
  return problems;
}

/**
 * Every period of the window, the last one cut at `to`, summed from `cohort_days` as a report's
 * unfinished period is, against the raw orders and refunds.
 */
async function verifyCohortDays(
  db: Kysely<Database>,
  storeId: number,
  window: ReportWindow,
  interval: CohortInterval,
): Promise<string[]> {
  const periods = periodsInRange(window.range, interval);
  const fromDays: CohortCell[] = [];
  for (const period of periods) {
    const first = interval === "month" ? `${period.key}-01` : period.key;
    const next = interval === "month" ? firstOfNextMonth(parseLocalDate(first)) : parseLocalDate(first) + 7;
    const last = formatLocalDate(next - 1);
    fromDays.push(
      ...(await partialCohortCells(db, storeId, window, interval, period.key, first, minDate(last, window.range.to))),
    );
  }
  const [fromRollup, fromRaw] = [cellValues(fromDays), cellValues(await rawCohortCells(db, storeId, window, interval))];
  const problems: string[] = [];
  for (const key of new Set([...fromRollup.keys(), ...fromRaw.keys()]))
    if (fromRollup.get(key) !== fromRaw.get(key))
      problems.push(
        `cohort days ${interval} ${key}: rollup ${fromRollup.get(key) ?? "none"} raw ${fromRaw.get(key) ?? "none"}`,
      );
  return problems;
}

/** Each non-empty cell as "customers sales returns", keyed by "cohort|period". */
function cellValues(cells: readonly CohortCell[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const cell of cells) {
    const [customers, sales, returns] = [Number(cell.customers), amountOrZero(cell.sales), amountOrZero(cell.returns)];
    if (customers !== 0 || sales !== 0n || returns !== 0n)
      values.set(`${cell.cohort}|${cell.period}`, `${customers} ${sales} ${returns}`);
  }
  return values;
}

const minDate = (a: string, b: string) => (a < b ? a : b);
const shiftDays = (date: string, days: number) => formatLocalDate(parseLocalDate(date) + days);
