import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { storeLocalDateSql } from "../local-day-sql";

/**
 * Recomputes a store's `sales_local_days` from its raw paid orders and the refunds on them, each
 * dated in the store's zone (its offsets over the store's data, as a CASE). The caller holds the
 * store exclusively. Returns the rows written.
 */
export async function rebuildSalesLocalDays(trx: Transaction<Database>, storeId: number): Promise<number> {
  await trx.deleteFrom("sales_local_days").where("store_id", "=", storeId).execute();
  const localDay = await storeLocalDateSql(trx, storeId);
  if (!localDay) return 0;
  const result = await sql`
    insert into sales_local_days (store_id, local_day, orders, units, gross_sales, discounts, shipping, taxes, returns)
    select ${storeId}, day, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes),
           sum(returns)
    from (
      select ${localDay("o.created_at")} as day, 1 as orders, o.units, o.gross_sales, o.discounts, o.shipping, o.taxes,
             0 as returns
      from orders o where o.store_id = ${storeId} and o.status = 'paid'
      union all
      select ${localDay("r.created_at")}, 0, 0, 0, 0, 0, 0, r.amount
      from refunds r join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
      where r.store_id = ${storeId}
    ) contributions
    group by day`.execute(trx);
  return Number(result.numAffectedRows ?? 0n);
}
