import { sql, type Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { minorUnits } from "../money/currency";
import { amountOrZero, formatAmount } from "../money/decimal";
import { ratio } from "./figures";
import type { ReportWindow } from "./params";
import { periodKeySql, periodsInRange, type Interval } from "./time";

export type CohortInterval = Extract<Interval, "week" | "month">;
export const COHORT_INTERVALS: readonly CohortInterval[] = ["month", "week"];

export interface CohortPeriod {
  k: number;
  period: string;
  customers: number;
  share: number;
  netSales: string;
}

export interface Cohort {
  cohort: string;
  size: number;
  periods: CohortPeriod[];
}

export interface CohortsReport {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  interval: CohortInterval;
  cohorts: Cohort[];
}

/**
 * Customers grouped by the period of their first paid order ever (cohorts whose first order is
 * in range); for each later period k up to `to`: the share of the cohort with a paid order in
 * it, and the cohort's net sales in it (its orders' sales less returns booked in that period).
 */
export async function cohortsReport(db: Kysely<Database>, store: Store, window: ReportWindow, interval: CohortInterval): Promise<CohortsReport> {
  const { range, start, end } = window;
  const key = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, interval);
  const firsts = db
    .selectFrom("orders")
    .select(({ fn }) => ["customer_id", fn.min<Date>("created_at").as("first_at")])
    .where("store_id", "=", store.id)
    .where("status", "=", "paid")
    .where("customer_id", "is not", null)
    .groupBy("customer_id")
    .having(sql<boolean>`min(created_at) >= ${start} and min(created_at) < ${end}`);

  const [activity, returns] = await Promise.all([
    db
      .selectFrom("orders as o")
      .innerJoin(firsts.as("f"), "f.customer_id", "o.customer_id")
      .select(({ fn }) => [
        key(sql.ref("f.first_at")).as("cohort"),
        key(sql.ref("o.created_at")).as("period"),
        fn.count<string>("o.customer_id").distinct().as("customers"),
        sql<string>`sum(o.gross_sales - o.discounts)`.as("sales"),
      ])
      .where("o.store_id", "=", store.id)
      .where("o.status", "=", "paid")
      .where("o.created_at", ">=", start)
      .where("o.created_at", "<", end)
      .groupBy([sql.ref("cohort"), sql.ref("period")])
      .execute(),
    db
      .selectFrom("refunds as r")
      .innerJoin("orders as o", (join) =>
        join.onRef("o.store_id", "=", "r.store_id").onRef("o.id", "=", "r.order_id").on("o.status", "=", "paid"),
      )
      .innerJoin(firsts.as("f"), "f.customer_id", "o.customer_id")
      .select(({ fn }) => [
        key(sql.ref("f.first_at")).as("cohort"),
        key(sql.ref("r.created_at")).as("period"),
        fn.sum<string>("r.amount").as("returns"),
      ])
      .where("r.store_id", "=", store.id)
      .where("r.created_at", ">=", start)
      .where("r.created_at", "<", end)
      .groupBy([sql.ref("cohort"), sql.ref("period")])
      .execute(),
  ]);

  const periods = periodsInRange(range, interval);
  const position = new Map(periods.map((p, i) => [p.key, i]));
  const cell = (cohort: string, period: string) => `${cohort}|${period}`;
  const active = new Map(activity.map((row) => [cell(row.cohort, row.period), row]));
  const returned = new Map(returns.map((row) => [cell(row.cohort, row.period), row.returns]));
  const decimals = minorUnits(store.currency);

  const cohorts = periods
    .filter((p) => active.has(cell(p.key, p.key)))
    .map((cohortPeriod) => {
      const size = Number(active.get(cell(cohortPeriod.key, cohortPeriod.key))!.customers);
      const first = position.get(cohortPeriod.key)!;
      return {
        cohort: cohortPeriod.label,
        size,
        periods: periods.slice(first).map((p, k) => {
          const row = active.get(cell(cohortPeriod.key, p.key));
          const customers = Number(row?.customers ?? 0);
          const net = amountOrZero(row?.sales) - amountOrZero(returned.get(cell(cohortPeriod.key, p.key)));
          return { k, period: p.label, customers, share: ratio(customers, size), netSales: formatAmount(net, decimals) };
        }),
      };
    });
  return { from: range.from, to: range.to, timezone: range.timezone, currency: store.currency, interval, cohorts };
}
