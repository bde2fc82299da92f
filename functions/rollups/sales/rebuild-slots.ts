import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { SLOT_SQL } from "../slot";

/** A store's paid orders with a customer, each with its place in that customer's timeline. */
const rankedPaidOrders = (storeId: number) => sql`
  select id, created_at,
         lag(created_at) over (partition by customer_id order by created_at, id) as prev_at,
         row_number() over (partition by customer_id order by created_at, id) as seq,
         count(*) over (partition by customer_id) as paid,
         customer_id
  from orders where store_id = ${storeId} and status = 'paid' and customer_id is not null`;

/**
 * Recomputes a store's `sales_slots` (all three spans) and the customer timelines behind its
 * markers (orders.prev_paid_at, customers.first/second_paid_at) from the raw orders and refunds.
 * The caller holds the store exclusively and has deleted the store's slots. Returns the rows written.
 */
export async function rebuildSalesSlots(trx: Transaction<Database>, storeId: number): Promise<number> {
  await sql`update orders set prev_paid_at = null where store_id = ${storeId} and prev_paid_at is not null`.execute(
    trx,
  );
  await sql`
    update orders o join (${rankedPaidOrders(storeId)}) r on o.store_id = ${storeId} and o.id = r.id
    set o.prev_paid_at = r.prev_at`.execute(trx);
  await sql`update customers set first_paid_at = null, second_paid_at = null where store_id = ${storeId}`.execute(trx);
  await sql`
    update customers c join (
      select customer_id, min(case when seq = 1 then created_at end) as first_at,
             min(case when seq = 2 then created_at end) as second_at
      from (${rankedPaidOrders(storeId)}) r group by customer_id
    ) t on c.store_id = ${storeId} and c.id = t.customer_id
    set c.first_paid_at = t.first_at, c.second_paid_at = t.second_at`.execute(trx);

  const quarterHours = await sql`
    insert into sales_slots (store_id, span_minutes, slot_start, orders, units, gross_sales, discounts, shipping, taxes,
                             returns, first_orders, second_orders, last_orders, only_orders)
    select ${storeId}, 15, slot, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes),
           sum(returns), sum(first_orders), sum(second_orders), sum(last_orders), sum(only_orders)
    from (
      select ${sql.raw(SLOT_SQL("created_at"))} as slot, 1 as orders, units, gross_sales, discounts, shipping, taxes,
             0 as returns, 0 as first_orders, 0 as second_orders, 0 as last_orders, 0 as only_orders
      from orders where store_id = ${storeId} and status = 'paid'
      union all
      select ${sql.raw(SLOT_SQL("r.created_at"))}, 0, 0, 0, 0, 0, 0, r.amount, 0, 0, 0, 0
      from refunds r join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
      where r.store_id = ${storeId}
      union all
      select ${sql.raw(SLOT_SQL("created_at"))}, 0, 0, 0, 0, 0, 0, 0, seq = 1, seq = 2, seq = paid, paid = 1
      from (${rankedPaidOrders(storeId)}) ranked
    ) contributions
    group by slot`.execute(trx);
  let written = Number(quarterHours.numAffectedRows ?? 0n);
  for (const [span, start] of [
    [60, "date_format(slot_start, '%Y-%m-%d %H:00:00')"],
    [1440, "date(slot_start)"],
  ] as const) {
    const coarser = await sql`
      insert into sales_slots (store_id, span_minutes, slot_start, orders, units, gross_sales, discounts, shipping,
                               taxes, returns, first_orders, second_orders, last_orders, only_orders)
      select ${storeId}, ${span}, ${sql.raw(start)} as span_start, sum(orders), sum(units), sum(gross_sales),
             sum(discounts), sum(shipping), sum(taxes), sum(returns), sum(first_orders), sum(second_orders),
             sum(last_orders), sum(only_orders)
      from sales_slots where store_id = ${storeId} and span_minutes = 15
      group by span_start`.execute(trx);
    written += Number(coarser.numAffectedRows ?? 0n);
  }
  return written;
}
