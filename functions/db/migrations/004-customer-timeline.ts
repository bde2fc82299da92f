/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * What the customer figures need so that no report counts distinct customers over raw orders
 * (functions/rollups/customer-timeline.ts explains the arithmetic):
 * - per paid order with a customer, the time of that customer's previous paid order;
 * - per customer, the times of their first and second paid orders;
 * - per slot of `sales_slots`, how many customers' first, second and last paid orders fall in
 *   it, and how many customers whose only paid order does.
 * Order: created_at, then id, so equal times still give one order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table orders add column prev_paid_at datetime(3) null`.execute(db);
  await db.schema.createIndex("orders_by_prev_paid").on("orders").columns(["store_id", "prev_paid_at"]).execute();

  await sql`alter table customers add column first_paid_at datetime(3) null, add column second_paid_at datetime(3) null`.execute(
    db,
  );
  await db.schema
    .createIndex("customers_by_first_paid")
    .on("customers")
    .columns(["store_id", "first_paid_at"])
    .execute();
  await db.schema
    .createIndex("customers_by_second_paid")
    .on("customers")
    .columns(["store_id", "second_paid_at"])
    .execute();

  await sql`
    alter table sales_slots
      add column first_orders integer not null default 0,
      add column second_orders integer not null default 0,
      add column last_orders integer not null default 0,
      add column only_orders integer not null default 0`.execute(db);

  await backfill(db);
}

/** 15-minute UTC slot of a DATETIME column (frozen here: a migration must not follow later code). */
const slot = (column: string) =>
  sql.raw(`(date_format(${column}, '%Y-%m-%d %H:00:00') + interval (floor(minute(${column}) / 15) * 15) minute)`);

async function backfill(db: Kysely<any>): Promise<void> {
  const ranked = sql`
    select store_id, customer_id, id, created_at,
           lag(created_at) over (partition by store_id, customer_id order by created_at, id) as prev_at,
           row_number() over (partition by store_id, customer_id order by created_at, id) as seq,
           count(*) over (partition by store_id, customer_id) as paid
    from orders where status = 'paid' and customer_id is not null`;
  await sql`
    update orders o join (${ranked}) r on r.store_id = o.store_id and r.id = o.id
    set o.prev_paid_at = r.prev_at`.execute(db);
  await sql`
    update customers c join (
      select store_id, customer_id, min(case when seq = 1 then created_at end) as first_at, min(case when seq = 2 then created_at end) as second_at
      from (${ranked}) r group by store_id, customer_id
    ) t on t.store_id = c.store_id and t.customer_id = c.id
    set c.first_paid_at = t.first_at, c.second_paid_at = t.second_at`.execute(db);
  await sql`
    insert into sales_slots (store_id, slot_start, orders, units, gross_sales, discounts, shipping, taxes, returns, first_orders, second_orders, last_orders, only_orders)
    select store_id, ${slot("created_at")} as at_slot, 0, 0, 0, 0, 0, 0, 0,
           sum(seq = 1), sum(seq = 2), sum(seq = paid), sum(paid = 1)
    from (${ranked}) r
    group by store_id, at_slot
    on duplicate key update first_orders = values(first_orders), second_orders = values(second_orders),
                            last_orders = values(last_orders), only_orders = values(only_orders)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sales_slots drop column first_orders, drop column second_orders, drop column last_orders, drop column only_orders`.execute(
    db,
  );
  await db.schema.dropIndex("customers_by_second_paid").on("customers").execute();
  await db.schema.dropIndex("customers_by_first_paid").on("customers").execute();
  await sql`alter table customers drop column first_paid_at, drop column second_paid_at`.execute(db);
  await db.schema.dropIndex("orders_by_prev_paid").on("orders").execute();
  await sql`alter table orders drop column prev_paid_at`.execute(db);
}
