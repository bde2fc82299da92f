import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../db/schema";
import { slotsTiling } from "../spans";
import { sumsFromRows, type SalesSums } from "../../metrics/figures";
import type { LocalDateRange } from "../../time";

/** Turns a UTC datetime column into a group key (a report period, or one constant group). */
export type KeyOf = (column: RawBuilder<Date>) => RawBuilder<string>;

export const ALL: KeyOf = () => sql<string>`'all'`;

/** The sums both sales rollups hold, under the names sumsFromRows reads. */
const SUMS = [
  sql<string>`sum(orders)`.as("orders"),
  sql<string>`sum(units)`.as("units"),
  sql<string>`sum(gross_sales)`.as("gross"),
  sql<string>`sum(discounts)`.as("discounts"),
  sql<string>`sum(shipping)`.as("shipping"),
  sql<string>`sum(taxes)`.as("taxes"),
  sql<string>`sum(returns)`.as("returns"),
];

/**
 * Sales sums of counted orders and the returns booked beside them, per key, for the buckets
 * [cuts[i], cuts[i+1]) (a report's periods, clipped to its range), from `sales_slots`. `keyOf`
 * must give one key per bucket. Three years of day periods read ~26,000 hour rows, of months
 * ~1,100 day rows, instead of every order.
 */
export async function salesByKey(
  db: Kysely<Database>,
  storeId: number,
  cuts: readonly Date[],
  keyOf: KeyOf = ALL,
): Promise<Map<string, SalesSums>> {
  const key = keyOf(sql.ref<Date>("slot_start"));
  const rows = await db
    .selectFrom("sales_slots")
    .select([key.as("period"), ...SUMS])
    .where("store_id", "=", storeId)
    .where(slotsTiling(cuts))
    .groupBy(sql.ref("period"))
    .execute();
  return new Map(rows.map((row) => [row.period, sumsFromRows(row, row.returns)]));
}

/** The cuts of a report: its range's bounds and every period boundary inside them. */
export function periodCuts(periods: readonly { start: Date }[], start: Date, end: Date): Date[] {
  return [start, ...periods.map((p) => p.start).filter((at) => at > start && at < end), end];
}

/** Local day, week or month key of `sales_local_days.local_day`: the same text periodKeySql gives. */
const LOCAL_DAY_KEYS = {
  day: sql<string>`CAST(local_day AS CHAR)`,
  week: sql<string>`CAST(local_day - INTERVAL WEEKDAY(local_day) DAY AS CHAR)`,
  month: sql<string>`LEFT(CAST(local_day AS CHAR), 7)`,
} as const;

/**
 * The same sums for a report in the store's own zone by day, week or month: one row per local
 * day of `sales_local_days`, `from` to `to` (a week or month cut by them holds only its days in range).
 */
export async function localSalesByPeriod(
  db: Kysely<Database>,
  storeId: number,
  range: LocalDateRange,
  interval: keyof typeof LOCAL_DAY_KEYS,
): Promise<Map<string, SalesSums>> {
  const rows = await db
    .selectFrom("sales_local_days")
    .select([LOCAL_DAY_KEYS[interval].as("period"), ...SUMS])
    .where("store_id", "=", storeId)
    .where(sql<boolean>`local_day between ${range.from} and ${range.to}`)
    .groupBy(sql.ref("period"))
    .execute();
  return new Map(rows.map((row) => [row.period, sumsFromRows(row, row.returns)]));
}
