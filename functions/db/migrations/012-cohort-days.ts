/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { localDateSql } from "./local-time";

/**
 * `cohort_days`: per store, local date (the store's zone) and cohort day, the cohort's paid
 * orders' sales that day, the returns booked that day on them, and the customers whose first paid
 * order of that day's local week (`week_customers`) or month (`month_customers`) is that day. A
 * cohorts report's last period cut short by `to` sums the days up to `to` here instead of reading
 * the period's raw orders: counting each customer on the day of their first order in the period
 * keeps "customers active in the period so far" a sum. The backfill finds that first order from
 * `orders.prev_paid_at` (migration 004): the first in its period when the previous paid order is
 * in another (or none is).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cohort_days")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("local_day", "date", (c) => c.notNull())
    .addColumn("cohort_day", "date", (c) => c.notNull())
    .addColumn("week_customers", "integer", (c) => c.notNull())
    .addColumn("month_customers", "integer", (c) => c.notNull())
    .addColumn("sales", sql`decimal(19,4)`, (c) => c.notNull())
    .addColumn("returns", sql`decimal(19,4)`, (c) => c.notNull())
    .addPrimaryKeyConstraint("cohort_days_pk", ["store_id", "local_day", "cohort_day"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  const stores = await sql<{ id: number; timezone: string }>`select id, timezone from stores order by id`.execute(db);
  for (const store of stores.rows) await backfill(db, store.id, store.timezone);
}

async function backfill(db: Kysely<any>, storeId: number, timezone: string): Promise<void> {
  const span = await sql<{ first: Date | null; last: Date | null }>`
    select least(coalesce(min(created_at), now()), coalesce((select min(created_at) from refunds where store_id = ${storeId}), now())) as first,
           greatest(coalesce(max(created_at), now()), coalesce((select max(created_at) from refunds where store_id = ${storeId}), now())) as last
    from orders where store_id = ${storeId}`.execute(db);
  const { first, last } = span.rows[0] ?? {};
  if (!first || !last) return;
  const localDay = (column: string) =>
    localDateSql(column, timezone, new Date(first).getTime(), new Date(last).getTime());
  const cohorts = sql`
    select customer_id, ${localDay("first_at")} as cohort_day
    from (select customer_id, min(created_at) as first_at from orders
          where store_id = ${storeId} and status = 'paid' and customer_id is not null group by customer_id) firsts`;
  await sql`
    insert into cohort_days (store_id, local_day, cohort_day, week_customers, month_customers, sales, returns)
    select ${storeId}, local_day, cohort_day, sum(first_in_week), sum(first_in_month), sum(sales), sum(returns)
    from (
      select c.cohort_day, t.local_day,
             case when t.prev_day is null or t.prev_day < t.local_day - interval weekday(t.local_day) day
                  then 1 else 0 end as first_in_week,
             case when t.prev_day is null or left(cast(t.prev_day as char), 7) <> left(cast(t.local_day as char), 7)
                  then 1 else 0 end as first_in_month,
             t.sales, 0 as returns
      from (
        select o.customer_id, ${localDay("o.created_at")} as local_day, ${localDay("o.prev_paid_at")} as prev_day,
               o.gross_sales - o.discounts as sales
        from orders o
        where o.store_id = ${storeId} and o.status = 'paid' and o.customer_id is not null
      ) t
      join (${cohorts}) c on c.customer_id = t.customer_id
      union all
      select c.cohort_day, ${localDay("r.created_at")}, 0, 0, 0, r.amount
      from refunds r
      join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
      join (${cohorts}) c on c.customer_id = o.customer_id
      where r.store_id = ${storeId}
    ) contributions
    group by local_day, cohort_day
    having sum(first_in_week) <> 0 or sum(first_in_month) <> 0 or sum(sales) <> 0 or sum(returns) <> 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cohort_days").ifExists().execute();
}
