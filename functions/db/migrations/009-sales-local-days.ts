import { sql, type Kysely } from "kysely";
import { rebuildSalesLocalDays } from "../../rollups/rebuild-local-days";
import type { Database } from "../schema";

/**
 * `sales_local_days`: the sales figures per local date in the store's own zone. A sales report
 * by day, week or month in that zone (the default) sums at most one row a day: 1,095 for three
 * years, against ~26,000 hour rows of `sales_slots`. Reports in other zones, and by hour, still
 * tile `sales_slots`. The backfill needs each store's zone, so it runs the rollup's rebuild (as
 * 007 does).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
  const app = db as unknown as Kysely<Database>;
  for (const { id } of await app.selectFrom("stores").select("id").execute()) {
    await app.transaction().execute((trx) => rebuildSalesLocalDays(trx, id));
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("sales_local_days").ifExists().execute();
}
