/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { localDateSql } from "./local-time";

/**
 * The product tail (functions/rollups/products/tail.ts): an orders ingest no longer adds its new
 * paid lines to `product_days`, `product_months` and `product_totals`; it tags them with a batch
 * of `product_tail_batches`, and a fold later adds the lines of a store's batches to the three
 * tables in one set-based pass and deletes the batches. Until then every products report adds
 * the lines of the store's remaining batches itself. Existing lines have no batch: they are in
 * the rollups already.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table product_tail_batches (
      id bigint unsigned not null auto_increment primary key,
      store_id int unsigned not null,
      line_count int unsigned not null,
      key product_tail_batches_by_store (store_id, id)
    ) engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`.execute(db);
  await sql`
    alter table order_lines
      add column tail_batch bigint unsigned null,
      add index order_lines_by_tail_batch (store_id, tail_batch)`.execute(db);
}

/** Folds every store's tail into the three tables first (as the fold does), so they count every paid line again. */
export async function down(db: Kysely<any>): Promise<void> {
  const stores = await sql<{ id: number; timezone: string }>`
    select id, timezone from stores where id in (select store_id from product_tail_batches) order by id`.execute(db);
  for (const store of stores.rows) await foldAll(db, store.id, store.timezone);
  await sql`alter table order_lines drop index order_lines_by_tail_batch, drop column tail_batch`.execute(db);
  await sql`drop table if exists product_tail_batches`.execute(db);
}

async function foldAll(db: Kysely<any>, storeId: number, timezone: string): Promise<void> {
  const lines = sql`order_lines where store_id = ${storeId} and status = 'paid'
    and tail_batch in (select id from product_tail_batches where store_id = ${storeId})`;
  const span = await sql<{ first: Date | null; last: Date | null }>`
    select min(created_at) as first, max(created_at) as last from ${lines}`.execute(db);
  const { first, last } = span.rows[0] ?? {};
  if (!first || !last) return;
  const day = localDateSql("created_at", timezone, new Date(first).getTime(), new Date(last).getTime());
  const measures = sql`count(distinct order_id), sum(quantity), sum(gross), sum(discount), 0`;
  const add = (table: string) =>
    sql.raw(
      ["orders", "units", "gross_sales", "discounts", "returns"]
        .map((m) => `${m} = ${table}.${m} + values(${m})`)
        .join(", "),
    );
  await sql`
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, ${day} as local_day, product_id, ${measures} from ${lines}
    group by local_day, product_id on duplicate key update ${add("product_days")}`.execute(db);
  await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, ${day} - interval (dayofmonth(${day}) - 1) day as local_month, product_id, ${measures}
    from ${lines}
    group by local_month, product_id on duplicate key update ${add("product_months")}`.execute(db);
  await sql`
    insert into product_totals (store_id, product_id, orders, units, gross_sales, discounts, returns)
    select ${storeId}, product_id, ${measures} from ${lines}
    group by product_id on duplicate key update ${add("product_totals")}`.execute(db);
}
