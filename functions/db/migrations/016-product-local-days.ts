/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { localDateSql } from "./local-time";

/**
 * `product_days` and `product_months` by the store's local date and month instead of UTC's, so a
 * products report in the store's zone (the default) reads no raw lines at its edges; and
 * `product_days` keyed by product first, so a report's few candidate products are read as
 * contiguous ranges of the table itself instead of through a secondary index (a lookup per row).
 * Both tables are refilled from the raw lines and refund lines, dated in each store's zone with its
 * offsets over the store's data (local-time.ts, as 007 and 009 do). `product_totals` is unchanged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`delete from product_days`.execute(db);
  await sql`delete from product_months`.execute(db);
  await sql`
    alter table product_days
      drop primary key,
      add primary key (store_id, product_id, day),
      drop index product_days_by_product,
      add index product_days_by_day (store_id, day, product_id)`.execute(db);
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
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, day, product_id, sum(orders), sum(units), sum(gross), sum(discount), sum(returns)
    from (
      select ${localDay("l.created_at")} as day, l.product_id, count(distinct l.order_id) as orders,
             sum(l.quantity) as units, sum(l.gross) as gross, sum(l.discount) as discount, 0 as returns
      from order_lines l where l.store_id = ${storeId} and l.status = 'paid'
      group by day, l.product_id
      union all
      select ${localDay("rl.created_at")} as day, rl.product_id, 0, 0, 0, 0, sum(rl.amount)
      from refund_lines rl join orders o on o.store_id = rl.store_id and o.id = rl.order_id and o.status = 'paid'
      where rl.store_id = ${storeId}
      group by day, rl.product_id
    ) contributions
    group by day, product_id`.execute(db);
  await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, day - interval (dayofmonth(day) - 1) day as month, product_id, sum(orders), sum(units),
           sum(gross_sales), sum(discounts), sum(returns)
    from product_days where store_id = ${storeId}
    group by month, product_id`.execute(db);
}

/** Back to UTC dates (as 003 and 006 fill them) and the day-first key. */
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from product_days`.execute(db);
  await sql`delete from product_months`.execute(db);
  await sql`
    alter table product_days
      drop primary key,
      add primary key (store_id, day, product_id),
      drop index product_days_by_day,
      add index product_days_by_product (store_id, product_id, day)`.execute(db);
  await sql`
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select store_id, day, product_id, sum(orders), sum(units), sum(gross), sum(discount), sum(returns)
    from (
      select store_id, date(created_at) as day, product_id, count(distinct order_id) as orders,
             sum(quantity) as units, sum(gross) as gross, sum(discount) as discount, 0 as returns
      from order_lines where status = 'paid'
      group by store_id, date(created_at), product_id
      union all
      select rl.store_id, date(rl.created_at), rl.product_id, 0, 0, 0, 0, sum(rl.amount)
      from refund_lines rl join orders o on o.store_id = rl.store_id and o.id = rl.order_id and o.status = 'paid'
      group by rl.store_id, date(rl.created_at), rl.product_id
    ) contributions
    group by store_id, day, product_id`.execute(db);
  await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select store_id, day - interval (dayofmonth(day) - 1) day as month, product_id, sum(orders), sum(units),
           sum(gross_sales), sum(discounts), sum(returns)
    from product_days
    group by store_id, month, product_id`.execute(db);
}
