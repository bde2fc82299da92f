import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";

const utcMonth = (column: string) => sql`cast(date_format(${sql.ref(column)}, '%Y-%m-01') as datetime(3))`;

/**
 * Recomputes a store's `gap_months` from its orders' prev_paid_at and its customers' first and
 * second paid orders (which the sales family's rebuild has recomputed by now). Returns the cells written.
 */
export async function rebuildGapMonths(trx: Transaction<Database>, storeId: number): Promise<number> {
  await trx.deleteFrom("gap_months").where("store_id", "=", storeId).execute();
  const result = await sql`
    insert into gap_months (store_id, prev_month, order_month, gaps, first_gaps)
    select ${storeId}, prev_month, order_month, sum(gaps), sum(first_gaps)
    from (
      select ${utcMonth("prev_paid_at")} as prev_month, ${utcMonth("created_at")} as order_month,
             1 as gaps, 0 as first_gaps
      from orders where store_id = ${storeId} and status = 'paid' and prev_paid_at is not null
      union all
      select ${utcMonth("first_paid_at")}, ${utcMonth("second_paid_at")}, 0, 1
      from customers where store_id = ${storeId} and second_paid_at is not null
    ) ends
    group by prev_month, order_month`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
