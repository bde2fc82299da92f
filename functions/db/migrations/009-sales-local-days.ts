/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { localDateSql } from "./local-time";

/**
 * `sales_local_days`: the sales figures per local date in the store's own zone. A sales report
 * by day, week or month in that zone (the default) sums at most one row a day: 1,095 for three
 * years, against ~26,000 hour rows of `sales_slots`. Reports in other zones, and by hour, still
 * tile `sales_slots`. The backfill dates paid orders and the refunds on them in each store's
 * zone, with its offsets over the store's data (local-time.ts, as 007 does).
 */
export async function up(db: Kysely<any>): Promise<void> {
  const money = sql`decimal(19,4)`;
  await db.schema
    .createTable("sales_local_days")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("local_day", "date", (c) => c.notNull())
    .addColumn("orders", "integer", (c) => c.notNull())
    .addColumn("units", "bigint", (c) => c.notNull())
    .addColumn("gross_sales", money, (c) => c.notNull())
    .addColumn("discounts", money, (c) => c.notNull())
    .addColumn("shipping", money, (c) => c.notNull())
    .addColumn("taxes", money, (c) => c.notNull())
    .addColumn("returns", money, (c) => c.notNull())
    .addPrimaryKeyConstraint("sales_local_days_pk", ["store_id", "local_day"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  const stores = await sql<{ id: number; timezone: string }>`select id, timezone from stores order by id`.execute(db);
  for (const store of stores.rows) await backfill(db, store.id, store.timezone);
}

async function backfill(db: Kysely<any>, storeId: number, timezone: string): Promise<void> {
  const span = await sql<{ first: Date | null; last: Date | null }>`
    select least(coalesce(min(o.created_at), now()), coalesce((select min(created_at) from refunds where store_id = ${storeId}), now())) as first,
           greatest(coalesce(max(o.created_at), now()), coalesce((select max(created_at) from refunds where store_id = ${storeId}), now())) as last
    from orders o where o.store_id = ${storeId}`.execute(db);
  const { first, last } = span.rows[0] ?? {};
  if (!first || !last) return;
  const localDay = (column: string) =>
    localDateSql(column, timezone, new Date(first).getTime(), new Date(last).getTime());
  await sql`
    insert into sales_local_days (store_id, local_day, orders, units, gross_sales, discounts, shipping, taxes, returns)
    select ${storeId}, day, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(shipping), sum(taxes), sum(returns)
    from (
      select ${localDay("o.created_at")} as day, 1 as orders, o.units, o.gross_sales, o.discounts, o.shipping, o.taxes, 0 as returns
      from orders o where o.store_id = ${storeId} and o.status = 'paid'
      union all
      select ${localDay("r.created_at")}, 0, 0, 0, 0, 0, 0, r.amount
      from refunds r join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
      where r.store_id = ${storeId}
    ) contributions
    group by day`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sales_local_days").ifExists().execute();
}
