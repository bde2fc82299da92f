/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * `sales_slots` holds every figure three times: per 15-minute, per hour and per day of UTC
 * (`span_minutes` 15, 60, 1440). A report reads whole days, then whole hours, then quarter hours
 * only at the edges of its periods (functions/rollups/spans.ts), so three years read about a
 * thousand day rows instead of ~105,000 quarter hours. One table keeps each ingest to one upsert.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sales_slots
      add column span_minutes smallint unsigned not null default 15 after store_id,
      drop primary key,
      add primary key (store_id, span_minutes, slot_start)`.execute(db);
  for (const [span, start] of [
    [60, "date_format(slot_start, '%Y-%m-%d %H:00:00')"],
    [1440, "date(slot_start)"],
  ] as const) {
    await sql`
      insert into sales_slots (store_id, span_minutes, slot_start, orders, units, gross_sales, discounts, shipping, taxes, returns,
                               first_orders, second_orders, last_orders, only_orders)
      select store_id, ${span}, ${sql.raw(start)} as span_start, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(shipping),
             sum(taxes), sum(returns), sum(first_orders), sum(second_orders), sum(last_orders), sum(only_orders)
      from sales_slots where span_minutes = 15
      group by store_id, span_start`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from sales_slots where span_minutes <> 15`.execute(db);
  await sql`alter table sales_slots drop primary key, drop column span_minutes, add primary key (store_id, slot_start)`.execute(
    db,
  );
}
