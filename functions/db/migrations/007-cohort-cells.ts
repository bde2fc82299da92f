/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { localDateSql } from "./local-time";

/**
 * `cohort_cells`: per store, cohort interval (week, month), cohort day (the local date of a
 * customer's first paid order, in the store's time zone) and period (the local week's Monday,
 * `YYYY-MM-DD`, or month, `YYYY-MM`): the cohort's customers with a paid order in the period,
 * their paid orders' sales (gross less discounts) and the refunds on those orders booked in it.
 * Cells that would hold only zeros are not written. Local dates need the zone's offsets, which
 * SQL has no tables for here, so each store's backfill cuts with its own offsets (local-time.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("cohort_cells")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("interval_name", sql`enum('week','month')`, (c) => c.notNull())
    .addColumn("cohort_day", "date", (c) => c.notNull())
    .addColumn("period", "varchar(10)", (c) => c.notNull())
    .addColumn("customers", "integer", (c) => c.notNull())
    .addColumn("sales", sql`decimal(19,4)`, (c) => c.notNull())
    .addColumn("returns", sql`decimal(19,4)`, (c) => c.notNull())
    .addPrimaryKeyConstraint("cohort_cells_pk", ["store_id", "interval_name", "cohort_day", "period"])
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
  // Each customer's cohort: the local date of their first paid order.
  const cohorts = sql`
    select customer_id, ${localDay("first_at")} as cohort_day
    from (select customer_id, min(created_at) as first_at from orders
          where store_id = ${storeId} and status = 'paid' and customer_id is not null group by customer_id) firsts`;
  // A customer counts once per period in which they have a paid order: a distinct count, as
  // only order rows name the customer.
  await sql`
    insert into cohort_cells (store_id, interval_name, cohort_day, period, customers, sales, returns)
    select ${storeId}, interval_name, cohort_day, period, count(distinct customer_id), sum(sales), sum(returns)
    from (
      select i.interval_name, t.cohort_day,
             case i.interval_name when 'week' then cast(t.local_day - interval weekday(t.local_day) day as char)
                                  else left(cast(t.local_day as char), 7) end as period,
             t.customer_id, t.sales, t.returns
      from (
        select c.cohort_day, ${localDay("o.created_at")} as local_day, o.customer_id, o.gross_sales - o.discounts as sales, 0 as returns
        from orders o join (${cohorts}) c on c.customer_id = o.customer_id
        where o.store_id = ${storeId} and o.status = 'paid'
        union all
        select c.cohort_day, ${localDay("r.created_at")}, null, 0, r.amount
        from refunds r
        join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
        join (${cohorts}) c on c.customer_id = o.customer_id
        where r.store_id = ${storeId}
      ) t
      cross join (select 'week' as interval_name union all select 'month') i
    ) cells
    group by interval_name, cohort_day, period
    having count(distinct customer_id) <> 0 or sum(sales) <> 0 or sum(returns) <> 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("cohort_cells").ifExists().execute();
}
