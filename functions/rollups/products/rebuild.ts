import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { storeLocalDateSql } from "../local-day-sql";

/**
 * Recomputes a store's `product_days` from its paid order lines and the refund lines on them,
 * each dated in the store's zone, then `product_months` and `product_totals` from the days. The caller holds the store
 * exclusively. Returns the rows written, by table.
 */
export async function rebuildProducts(trx: Transaction<Database>, storeId: number): Promise<Record<string, number>> {
  await trx.deleteFrom("product_days").where("store_id", "=", storeId).execute();
  await trx.deleteFrom("product_months").where("store_id", "=", storeId).execute();
  await trx.deleteFrom("product_totals").where("store_id", "=", storeId).execute();
  const localDay = await storeLocalDateSql(trx, storeId);
  if (!localDay) return { productDays: 0, productMonths: 0, productTotals: 0 };
  const products = await sql`
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, day, product_id, sum(orders), sum(units), sum(gross), sum(discount), sum(returns)
    from (
      select ${localDay("created_at")} as day, product_id, count(distinct order_id) as orders, sum(quantity) as units,
             sum(gross) as gross, sum(discount) as discount, 0 as returns
      from order_lines where store_id = ${storeId} and status = 'paid'
      group by day, product_id
      union all
      select ${localDay("rl.created_at")} as day, rl.product_id, 0, 0, 0, 0, sum(rl.amount)
      from refund_lines rl join orders o on o.store_id = rl.store_id and o.id = rl.order_id and o.status = 'paid'
      where rl.store_id = ${storeId}
      group by day, rl.product_id
    ) contributions
    group by day, product_id`.execute(trx);
  const productMonths = await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, month, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
    from (
      select day - interval (dayofmonth(day) - 1) day as month, product_id, orders, units, gross_sales, discounts,
             returns
      from product_days where store_id = ${storeId}
    ) days
    group by month, product_id`.execute(trx);
  const productTotals = await sql`
    insert into product_totals (store_id, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
    from product_days where store_id = ${storeId}
    group by product_id`.execute(trx);
  return {
    productDays: Number(products.numAffectedRows ?? 0n),
    productMonths: Number(productMonths.numAffectedRows ?? 0n),
    productTotals: Number(productTotals.numAffectedRows ?? 0n),
  };
}
