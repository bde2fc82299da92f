import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { sumsFromRows, type OrderSumsRow, type SalesSums } from "../../metrics/figures";
import { ALL, type KeyOf } from "./read";

/**
 * The sales sums of counted orders (status paid, createdAt in [start, end)) per key, from the
 * raw tables: the reference the rollups are checked against (tests, `npm run rollups -- verify`).
 */
export async function orderSumsByKey(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
  keyOf: KeyOf = ALL,
): Promise<Map<string, OrderSumsRow>> {
  const key = keyOf(sql.ref<Date>("created_at"));
  const rows = await db
    .selectFrom("orders")
    .select(({ fn }) => [
      key.as("period"),
      fn.countAll<string>().as("orders"),
      fn.sum<string>("units").as("units"),
      fn.sum<string>("gross_sales").as("gross"),
      fn.sum<string>("discounts").as("discounts"),
      fn.sum<string>("shipping").as("shipping"),
      fn.sum<string>("taxes").as("taxes"),
    ])
    .where("store_id", "=", storeId)
    .where("status", "=", "paid")
    .where("created_at", ">=", start)
    .where("created_at", "<", end)
    .groupBy(sql.ref("period"))
    .execute();
  return new Map(rows.map((row) => [row.period, row]));
}

/** Returns booked in [start, end) by refund date, on orders that still count (paid), per key. */
export async function returnsByKey(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
  keyOf: KeyOf = ALL,
): Promise<Map<string, string>> {
  const key = keyOf(sql.ref<Date>("refunds.created_at"));
  const rows = await db
    .selectFrom("refunds")
    .innerJoin("orders", (join) =>
      join
        .onRef("orders.store_id", "=", "refunds.store_id")
        .onRef("orders.id", "=", "refunds.order_id")
        .on("orders.status", "=", "paid"),
    )
    .select(({ fn }) => [key.as("period"), fn.sum<string>("refunds.amount").as("returns")])
    .where("refunds.store_id", "=", storeId)
    .where("refunds.created_at", ">=", start)
    .where("refunds.created_at", "<", end)
    .groupBy(sql.ref("period"))
    .execute();
  return new Map(rows.map((row) => [row.period, row.returns]));
}

/** Both raw sources combined, in the shape the rollup source returns. */
export async function rawSalesByKey(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
  keyOf: KeyOf = ALL,
): Promise<Map<string, SalesSums>> {
  const [orders, returns] = await Promise.all([
    orderSumsByKey(db, storeId, start, end, keyOf),
    returnsByKey(db, storeId, start, end, keyOf),
  ]);
  const out = new Map<string, SalesSums>();
  for (const key of new Set([...orders.keys(), ...returns.keys()]))
    out.set(key, sumsFromRows(orders.get(key), returns.get(key)));
  return out;
}
