import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema";
import { SLOT_SQL } from "./slot";
import { rebuildSalesSlots } from "./rebuild-sales";
import { rebuildSalesLocalDays } from "./rebuild-local-days";
import { rebuildCohortCells } from "./rebuild-cohorts";
import { lockStoreForRebuild } from "./store-lock";

export interface RebuildResult {
  salesSlots: number;
  salesLocalDays: number;
  funnelSlots: number;
  productDays: number;
  productMonths: number;
  productTotals: number;
  cohortCells: number;
}

/**
 * Recomputes a store's rollups from its raw rows, in one transaction that holds the store
 * exclusively (ingests of that store wait). For repairs, and after a migration that adds or
 * changes a rollup.
 */
export async function rebuildRollups(db: Kysely<Database>, storeId: number): Promise<RebuildResult> {
  return db.transaction().execute(async (trx) => {
    await lockStoreForRebuild(trx, storeId);
    await trx.deleteFrom("sales_slots").where("store_id", "=", storeId).execute();
    await trx.deleteFrom("funnel_slots").where("store_id", "=", storeId).execute();
    await trx.deleteFrom("product_days").where("store_id", "=", storeId).execute();
    await trx.deleteFrom("product_months").where("store_id", "=", storeId).execute();
    await trx.deleteFrom("product_totals").where("store_id", "=", storeId).execute();
    const sales = await rebuildSalesSlots(trx, storeId);
    const salesLocalDays = await rebuildSalesLocalDays(trx, storeId);
    const funnel = await sql`
      insert into funnel_slots (store_id, slot_start, sessions, product_viewed, added_to_cart, reached_checkout, converted)
      select ${storeId}, ${sql.raw(SLOT_SQL("started_at"))} as slot, count(*), sum(product_viewed), sum(added_to_cart), sum(reached_checkout), sum(converted)
      from sessions where store_id = ${storeId}
      group by slot`.execute(trx);
    const products = await sql`
      insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
      select ${storeId}, day, product_id, sum(orders), sum(units), sum(gross), sum(discount), sum(returns)
      from (
        select date(created_at) as day, product_id, count(distinct order_id) as orders, sum(quantity) as units,
               sum(gross) as gross, sum(discount) as discount, 0 as returns
        from order_lines where store_id = ${storeId} and status = 'paid'
        group by date(created_at), product_id
        union all
        select date(rl.created_at), rl.product_id, 0, 0, 0, 0, sum(rl.amount)
        from refund_lines rl join orders o on o.store_id = rl.store_id and o.id = rl.order_id and o.status = 'paid'
        where rl.store_id = ${storeId}
        group by date(rl.created_at), rl.product_id
      ) contributions
      group by day, product_id`.execute(trx);
    const productMonths = await sql`
      insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
      select ${storeId}, month, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
      from (
        select day - interval (dayofmonth(day) - 1) day as month, product_id, orders, units, gross_sales, discounts, returns
        from product_days where store_id = ${storeId}
      ) days
      group by month, product_id`.execute(trx);
    const productTotals = await sql`
      insert into product_totals (store_id, product_id, orders, units, gross_sales, discounts, returns)
      select ${storeId}, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
      from product_days where store_id = ${storeId}
      group by product_id`.execute(trx);
    const cohortCells = await rebuildCohortCells(trx, storeId);
    return {
      salesSlots: sales,
      salesLocalDays,
      funnelSlots: Number(funnel.numAffectedRows ?? 0n),
      productDays: Number(products.numAffectedRows ?? 0n),
      productMonths: Number(productMonths.numAffectedRows ?? 0n),
      productTotals: Number(productTotals.numAffectedRows ?? 0n),
      cohortCells,
    };
  });
}
