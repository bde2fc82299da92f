import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../db/schema";
import { sumsFromRows, type SalesSums } from "./figures";

/** Turns a UTC datetime column into a group key (a report period, or one constant group). */
export type KeyOf = (column: RawBuilder<Date>) => RawBuilder<string>;

export const ALL: KeyOf = () => sql<string>`'all'`;

/**
 * Sales sums of counted orders and the returns booked beside them, per key, for [start, end),
 * read from the store's 15-minute `sales_slots` rollup: a 3-year range reads at most ~105,000
 * small rows instead of every order. `start`/`end` are period boundaries, which always fall on
 * slot boundaries (see migrations/002-rollups.ts).
 */
export async function salesByKey(db: Kysely<Database>, storeId: number, start: Date, end: Date, keyOf: KeyOf = ALL): Promise<Map<string, SalesSums>> {
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
    .where("slot_start", ">=", start)
    .where("slot_start", "<", end)
    .groupBy(sql.ref("period"))
    .execute();
  return new Map(rows.map((row) => [row.period, sumsFromRows(row, row.returns)]));
}
