import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import {
  firstOfMonth,
  formatLocalDate,
  mondayOf,
  parseLocalDate,
  periodKeySql,
  type Interval,
  type ReportWindow,
} from "../../time";

export type CohortInterval = Extract<Interval, "week" | "month">;
export const COHORT_INTERVALS: readonly CohortInterval[] = ["month", "week"];

/** One cell of the cohort table: a cohort's customers active in a period, its sales and returns there. */
export interface CohortCell {
  cohort: string;
  period: string;
  customers: number | string;
  sales: string | null;
  returns: string | null;
}

/**
 * Cells counted from the raw orders and refunds: every period of a report in a zone other than
 * the store's (and the rollups' reference). Cohorts are the customers whose first paid order is
 * in [start, end), and so is the activity counted.
 */
export async function rawCohortCells(
  db: Kysely<Database>,
  storeId: number,
  window: ReportWindow,
  interval: CohortInterval,
): Promise<CohortCell[]> {
  const { range, start, end } = window;
  const key = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, interval);
  const [activity, returns] = await Promise.all([
    sql<{ cohort: string; period: string; customers: string; sales: string }>`
      select ${key(sql.ref("c.first_paid_at"))} as cohort, ${key(sql.ref("o.created_at"))} as period,
             count(distinct o.customer_id) as customers, sum(o.gross_sales - o.discounts) as sales
      from orders o join customers c on c.store_id = o.store_id and c.id = o.customer_id
      where o.store_id = ${storeId} and o.status = 'paid' and o.created_at >= ${start} and o.created_at < ${end}
        and c.first_paid_at >= ${start} and c.first_paid_at < ${end}
      group by cohort, period`
      .execute(db)
      .then((result) => result.rows),
    db
      .selectFrom("refunds as r")
      .innerJoin("orders as o", (join) =>
        join.onRef("o.store_id", "=", "r.store_id").onRef("o.id", "=", "r.order_id").on("o.status", "=", "paid"),
      )
      .innerJoin("customers as c", (join) =>
        join.onRef("c.store_id", "=", "o.store_id").onRef("c.id", "=", "o.customer_id"),
      )
      .select(({ fn }) => [
        key(sql.ref("c.first_paid_at")).as("cohort"),
        key(sql.ref("r.created_at")).as("period"),
        fn.sum<string>("r.amount").as("returns"),
      ])
      .where("r.store_id", "=", storeId)
      .where("r.created_at", ">=", start)
      .where("r.created_at", "<", end)
      .where("c.first_paid_at", ">=", start)
      .where("c.first_paid_at", "<", end)
      .groupBy([sql.ref("cohort"), sql.ref("period")])
      .execute(),
  ]);
  const cells = new Map<string, CohortCell>(
    activity.map((row) => [`${row.cohort}|${row.period}`, { ...row, returns: null }]),
  );
  for (const row of returns) {
    const cell = cells.get(`${row.cohort}|${row.period}`);
    if (cell) cell.returns = row.returns;
    else
      cells.set(`${row.cohort}|${row.period}`, {
        cohort: row.cohort,
        period: row.period,
        customers: 0,
        sales: null,
        returns: row.returns,
      });
  }
  return [...cells.values()];
}

/**
 * Cells of whole periods [firstPeriod, lastPeriod] from the `cohort_cells` rollup (store's zone
 * only). A range over a year reads its cohorts in two halves side by side (split where a cohort
 * starts, so each cohort's cells come whole from one half): grouping three years of cells is
 * most of the report's time, and the halves group on two connections at once.
 */
export async function rolledCohortCells(
  db: Kysely<Database>,
  storeId: number,
  window: ReportWindow,
  interval: CohortInterval,
  firstPeriod: string,
  lastPeriod: string,
): Promise<CohortCell[]> {
  const halves = await Promise.all(
    cohortHalves(window.range.from, window.range.to, interval).map(async ([fromDay, toDay]) => {
      const rows = await db
        .selectFrom("cohort_cells")
        .select(({ fn }) => [
          cohortNumber(interval).as("cohort"),
          "period",
          fn.sum<string>("customers").as("customers"),
          fn.sum<string>("sales").as("sales"),
          fn.sum<string>("returns").as("returns"),
        ])
        .where("store_id", "=", storeId)
        .where("interval_name", "=", interval)
        .where(sql<boolean>`cohort_day between ${fromDay} and ${toDay}`)
        .where("period", ">=", firstPeriod)
        .where("period", "<=", lastPeriod)
        .groupBy([sql.ref("cohort"), "period"])
        .execute();
      return rows.map((row) => ({ ...row, cohort: cohortKey(interval, row.cohort) }));
    }),
  );
  return halves.flat();
}

/** Cohort days `from`..`to` (inclusive, YYYY-MM-DD) as one span, or over a year two, split where a cohort starts. */
export function cohortHalves(from: string, to: string, interval: CohortInterval): [string, string][] {
  const [fromDay, toDay] = [parseLocalDate(from), parseLocalDate(to)];
  if (toDay - fromDay < 366) return [[from, to]];
  const middle = fromDay + Math.floor((toDay - fromDay) / 2);
  const split = interval === "month" ? firstOfMonth(middle) : mondayOf(middle);
  return [
    [from, formatLocalDate(split - 1)],
    [formatLocalDate(split), to],
  ];
}

/**
 * Cells of one period cut short: its days `firstDay` to `lastDay` (`YYYY-MM-DD`, inclusive) from
 * `cohort_days`, as the period `period` (store's zone only). Customers add up over the days because
 * each is counted on the day of their first order in the period.
 */
export async function partialCohortCells(
  db: Kysely<Database>,
  storeId: number,
  window: ReportWindow,
  interval: CohortInterval,
  period: string,
  firstDay: string,
  lastDay: string,
): Promise<CohortCell[]> {
  const rows = await db
    .selectFrom("cohort_days")
    .select(({ fn }) => [
      cohortNumber(interval).as("cohort"),
      fn.sum<string>(interval === "month" ? "month_customers" : "week_customers").as("customers"),
      fn.sum<string>("sales").as("sales"),
      fn.sum<string>("returns").as("returns"),
    ])
    .where("store_id", "=", storeId)
    .where(sql<boolean>`local_day between ${firstDay} and ${lastDay}`)
    .where(sql<boolean>`cohort_day between ${window.range.from} and ${window.range.to}`)
    .groupBy(sql.ref("cohort"))
    .execute();
  return rows.map((row) => ({ ...row, cohort: cohortKey(interval, row.cohort), period }));
}

/**
 * A cohort day's cohort as a number, cheap to group by (a formatted date made grouping ~20 %
 * slower over three years' cells): its month as YYYYMM, or its week's Monday as TO_DAYS (days
 * since year 0). cohortKey turns it into the text the periods are keyed by.
 */
function cohortNumber(interval: CohortInterval) {
  return interval === "month"
    ? sql<string>`extract(year_month from cohort_day)`
    : sql<string>`to_days(cohort_day) - weekday(cohort_day)`;
}

/** TO_DAYS of 1970-01-01: a week's TO_DAYS less this is its local day number. */
const TO_DAYS_1970 = 719_528;

/** cohortNumber as the periods' key: the month `YYYY-MM`, or the week's Monday `YYYY-MM-DD`. */
function cohortKey(interval: CohortInterval, cohort: string | number): string {
  const n = Number(cohort);
  if (interval === "week") return formatLocalDate(n - TO_DAYS_1970);
  return `${Math.floor(n / 100)}-${String(n % 100).padStart(2, "0")}`;
}
