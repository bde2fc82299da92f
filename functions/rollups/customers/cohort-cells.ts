import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { periodKeySql, type Interval, type ReportWindow } from "../../time";

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

/** Cells of whole periods [firstPeriod, lastPeriod] from the `cohort_cells` rollup (store's zone only). */
export async function rolledCohortCells(
  db: Kysely<Database>,
  storeId: number,
  window: ReportWindow,
  interval: CohortInterval,
  firstPeriod: string,
  lastPeriod: string,
): Promise<CohortCell[]> {
  return db
    .selectFrom("cohort_cells")
    .select(({ fn }) => [
      cohortKey(interval).as("cohort"),
      "period",
      fn.sum<string>("customers").as("customers"),
      fn.sum<string>("sales").as("sales"),
      fn.sum<string>("returns").as("returns"),
    ])
    .where("store_id", "=", storeId)
    .where("interval_name", "=", interval)
    .where(sql<boolean>`cohort_day between ${window.range.from} and ${window.range.to}`)
    .where("period", ">=", firstPeriod)
    .where("period", "<=", lastPeriod)
    .groupBy([sql.ref("cohort"), "period"])
    .execute();
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
      cohortKey(interval).as("cohort"),
      fn.sum<string>(interval === "month" ? "month_customers" : "week_customers").as("customers"),
      fn.sum<string>("sales").as("sales"),
      fn.sum<string>("returns").as("returns"),
    ])
    .where("store_id", "=", storeId)
    .where(sql<boolean>`local_day between ${firstDay} and ${lastDay}`)
    .where(sql<boolean>`cohort_day between ${window.range.from} and ${window.range.to}`)
    .groupBy(sql.ref("cohort"))
    .execute();
  return rows.map((row) => ({ ...row, period }));
}

/** A cohort day's cohort: its week's Monday (`YYYY-MM-DD`) or its month (`YYYY-MM`), as the periods are keyed. */
function cohortKey(interval: CohortInterval) {
  return interval === "month"
    ? sql<string>`date_format(cohort_day, '%Y-%m')`
    : sql<string>`date_format(cohort_day - interval weekday(cohort_day) day, '%Y-%m-%d')`;
}
