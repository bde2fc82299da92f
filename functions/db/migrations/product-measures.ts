import { sql, type CreateTableBuilder } from "kysely";

/**
 * The measure columns every product rollup table has (003, 006, 008). Frozen like a migration:
 * a later change of these columns is a new migration, never an edit here.
 */
export function withProductMeasures<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
): CreateTableBuilder<T, C | "product_id" | "orders" | "units" | "gross_sales" | "discounts" | "returns"> {
  const money = sql`decimal(19,4)`;
  return table
    .addColumn("product_id", "varchar(64)", (c) => c.notNull())
    .addColumn("orders", "integer", (c) => c.notNull())
    .addColumn("units", "bigint", (c) => c.notNull())
    .addColumn("gross_sales", money, (c) => c.notNull())
    .addColumn("discounts", money, (c) => c.notNull())
    .addColumn("returns", money, (c) => c.notNull());
}
