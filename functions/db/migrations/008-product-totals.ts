/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { withProductMeasures } from "./product-measures";

/**
 * Per store and product: everything, all time (product_days summed). A products report over
 * most of a store's history reads these totals and takes away what lies outside its range
 * (functions/reports/product-tallies.ts), so three years read one row per product, not one per month.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("product_totals")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .$call(withProductMeasures)
    .addPrimaryKeyConstraint("product_totals_pk", ["store_id", "product_id"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  await sql`
    insert into product_totals (store_id, product_id, orders, units, gross_sales, discounts, returns)
    select store_id, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
    from product_days
    group by store_id, product_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("product_totals").ifExists().execute();
}
