/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";
import { withProductMeasures } from "./product-measures";

/**
 * Per store, product and UTC day: counted orders' line figures and returns booked from refund
 * lines. A product report reads whole UTC days here and only the partial days at the range's
 * edges (a time zone's midnight is not UTC's) from the raw lines.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("product_days")
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .$call(withProductMeasures)
    .addPrimaryKeyConstraint("product_days_pk", ["store_id", "day", "product_id"])
    .modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
    .execute();

  await sql`
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select store_id, day, product_id, sum(orders), sum(units), sum(gross), sum(discount), sum(returns)
    from (
      select store_id, date(created_at) as day, product_id, count(distinct order_id) as orders, sum(quantity) as units,
             sum(gross) as gross, sum(discount) as discount, 0 as returns
      from order_lines where status = 'paid'
      group by store_id, date(created_at), product_id
      union all
      select rl.store_id, date(rl.created_at), rl.product_id, 0, 0, 0, 0, sum(rl.amount)
      from refund_lines rl join orders o on o.store_id = rl.store_id and o.id = rl.order_id and o.status = 'paid'
      group by rl.store_id, date(rl.created_at), rl.product_id
    ) contributions
    group by store_id, day, product_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("product_days").ifExists().execute();
}
