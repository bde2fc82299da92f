/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { withProductMeasures } from "./product-measures";

/**
 * Per store, product and UTC month (`month` is the month's first day): product_days summed by
 * month. A long product report reads whole UTC months here, whole days of its partial months
 * from product_days, and only its partial edge days from the raw lines. An order lies on one
 * day, so summing the days' order counts counts each order once per product.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("product_months")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("month", "date", (c) => c.notNull())
    .$call(withProductMeasures)
    .addPrimaryKeyConstraint("product_months_pk", ["store_id", "month", "product_id"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select store_id, month, product_id, sum(orders), sum(units), sum(gross_sales), sum(discounts), sum(returns)
    from (
      select store_id, day - interval (dayofmonth(day) - 1) day as month, product_id, orders, units, gross_sales, discounts, returns
      from product_days
    ) days
    group by store_id, month, product_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("product_months").ifExists().execute();
}
