/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

const MONEY = sql`decimal(19,4)`;

/**
 * Per-store rollups, kept in the same transaction as the raw rows they summarise (see
 * functions/rollups/). Slots are 15 minutes of UTC: every report period boundary of every time
 * zone since 2000 (offsets are whole quarter hours: +05:30, +05:45, +12:45 ...) falls on one, so
 * periods cut from slots are exact.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sales_slots")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("slot_start", "datetime", (c) => c.notNull())
    .addColumn("orders", "integer", (c) => c.notNull())
    .addColumn("units", "bigint", (c) => c.notNull())
    .addColumn("gross_sales", MONEY, (c) => c.notNull())
    .addColumn("discounts", MONEY, (c) => c.notNull())
    .addColumn("shipping", MONEY, (c) => c.notNull())
    .addColumn("taxes", MONEY, (c) => c.notNull())
    .addColumn("returns", MONEY, (c) => c.notNull())
    .addPrimaryKeyConstraint("sales_slots_pk", ["store_id", "slot_start"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  await db.schema
    .createTable("funnel_slots")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("slot_start", "datetime", (c) => c.notNull())
    .addColumn("sessions", "integer", (c) => c.notNull())
    .addColumn("product_viewed", "integer", (c) => c.notNull())
    .addColumn("added_to_cart", "integer", (c) => c.notNull())
    .addColumn("reached_checkout", "integer", (c) => c.notNull())
    .addColumn("converted", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("funnel_slots_pk", ["store_id", "slot_start"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  await backfill(db);
}

/** 15-minute UTC slot of a DATETIME column (frozen here: a migration must not follow later code). */
const slot = (column: string) =>
  sql.raw(`(date_format(${column}, '%Y-%m-%d %H:00:00') + interval (floor(minute(${column}) / 15) * 15) minute)`);

/** Fills the new rollups from the rows that exist already, for every store. */
async function backfill(db: Kysely<any>): Promise<void> {
  await sql`
    insert into sales_slots (store_id, slot_start, orders, units, gross_sales, discounts, shipping, taxes, returns)
    select store_id, slot, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes), sum(returns)
    from (
      select store_id, ${slot("created_at")} as slot, 1 as orders, units, gross_sales, discounts, shipping, taxes, 0 as returns
      from orders where status = 'paid'
      union all
      select r.store_id, ${slot("r.created_at")}, 0, 0, 0, 0, 0, 0, r.amount
      from refunds r join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
    ) contributions
    group by store_id, slot`.execute(db);
  await sql`
    insert into funnel_slots (store_id, slot_start, sessions, product_viewed, added_to_cart, reached_checkout, converted)
    select store_id, ${slot("started_at")} as slot, count(*), sum(product_viewed), sum(added_to_cart), sum(reached_checkout), sum(converted)
    from sessions group by store_id, slot`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("funnel_slots").ifExists().execute();
  await db.schema.dropTable("sales_slots").ifExists().execute();
}
