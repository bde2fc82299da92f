/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * `funnel_slots` in three spans, as `sales_slots` since 005: per 15-minute, hour and day of UTC
 * (`span_minutes` 15, 60, 1440). A funnel over three years then reads about a thousand day rows
 * and the hours and quarter hours at its two edges, instead of ~105,000 quarter hours.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table funnel_slots
      add column span_minutes smallint unsigned not null default 15 after store_id,
      drop primary key,
      add primary key (store_id, span_minutes, slot_start)`.execute(db);
  for (const [span, start] of [
    [60, "date_format(slot_start, '%Y-%m-%d %H:00:00')"],
    [1440, "date(slot_start)"],
  ] as const) {
    await sql`
      insert into funnel_slots (store_id, span_minutes, slot_start, sessions, product_viewed, added_to_cart,
                                reached_checkout, converted)
      select store_id, ${span}, ${sql.raw(start)} as span_start, sum(sessions), sum(product_viewed),
             sum(added_to_cart), sum(reached_checkout), sum(converted)
      from funnel_slots where span_minutes = 15
      group by store_id, span_start`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from funnel_slots where span_minutes <> 15`.execute(db);
  await sql`alter table funnel_slots drop primary key, drop column span_minutes, add primary key (store_id, slot_start)`.execute(
    db,
  );
}
