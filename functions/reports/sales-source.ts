import { sql, type ExpressionBuilder, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../db/schema";
import { coverBuckets, SPANS } from "../rollups/spans";
import { sumsFromRows, type SalesSums } from "./figures";

/** Turns a UTC datetime column into a group key (a report period, or one constant group). */
export type KeyOf = (column: RawBuilder<Date>) => RawBuilder<string>;

export const ALL: KeyOf = () => sql<string>`'all'`;

/**
 * Selects the `sales_slots` rows that tile the buckets between consecutive `cuts` (instants,
 * sorted, on quarter hours): whole days, whole hours, then quarter hours (rollups/spans.ts).
 */
export function slotsTiling(cuts: readonly Date[]) {
  const cover = coverBuckets(cuts.map((cut) => cut.getTime()));
  return (eb: ExpressionBuilder<Database, "sales_slots">) =>
    eb.or(
      SPANS.filter((span) => cover[span].length > 0).map((span) =>
        eb.and([
          eb("span_minutes", "=", span),
          eb.or(cover[span].map(([a, b]) => eb.and([eb("slot_start", ">=", new Date(a)), eb("slot_start", "<", new Date(b))]))),
        ]),
      ),
    );
}

/**
 * Sales sums of counted orders and the returns booked beside them, per key, for the buckets
 * [cuts[i], cuts[i+1]) (a report's periods, clipped to its range), from `sales_slots`. `keyOf`
 * must give one key per bucket. Three years of day periods read ~26,000 hour rows, of months
 * ~1,100 day rows, instead of every order.
 */
export async function salesByKey(db: Kysely<Database>, storeId: number, cuts: readonly Date[], keyOf: KeyOf = ALL): Promise<Map<string, SalesSums>> {
  const key = keyOf(sql.ref<Date>("slot_start"));
  const rows = await db
    .selectFrom("sales_slots")
    .select(({ fn }) => [
      key.as("period"),
      fn.sum<string>("orders").as("orders"),
      fn.sum<string>("units").as("units"),
      fn.sum<string>("gross_sales").as("gross"),
      fn.sum<string>("discounts").as("discounts"),
      fn.sum<string>("shipping").as("shipping"),
      fn.sum<string>("taxes").as("taxes"),
      fn.sum<string>("returns").as("returns"),
    ])
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
