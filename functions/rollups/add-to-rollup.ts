import { sql, type Insertable, type Transaction } from "kysely";
import type { Database } from "../db/schema";
import { chunk } from "../db/transaction";

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
  const increments = Object.fromEntries(measures.map((m) => [m, sql`${sql.ref(m)} + values(${sql.ref(m)})`]));
  for (const batch of chunk(rows)) {
    // The table is one of a few literals: Kysely cannot narrow a generic table's row type here.
    await trx
      .insertInto(table as "sales_slots")
      .values(batch as Insertable<Database["sales_slots"]>[])
      .onDuplicateKeyUpdate(increments)
      .execute();
  }
}
