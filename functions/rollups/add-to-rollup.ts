import type { Insertable, Transaction } from "kysely";
import type { Database } from "../db/schema";
import { insertRows, type OnDuplicate } from "../db/insert-rows";

type RollupTable =
  | "sales_slots"
  | "sales_local_days"
  | "funnel_slots"
  | "product_days"
  | "product_months"
  | "product_totals"
  | "cohort_cells"
  | "cohort_days"
  | "gap_months";

/**
 * Adds delta rows to a rollup: a missing row is created, an existing one gets each measure
 * increased (never overwritten, so concurrent writers to one row stay correct). Rows should be
 * sorted by key so concurrent transactions lock them in the same order.
 */
export async function addToRollup<T extends RollupTable>(
  trx: Transaction<Database>,
  table: T,
  rows: Insertable<Database[T]>[],
  measures: readonly (keyof Database[T] & string)[],
): Promise<void> {
  const add = Object.fromEntries(measures.map((m) => [m, "add"])) as OnDuplicate<T>;
  await insertRows(trx, table, rows, add);
}
