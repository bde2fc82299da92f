/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import type { Kysely } from "kysely";

/**
 * The products report's candidates (functions/rollups/products/top.ts): each month's products in
 * order of gross sales and of units, read down an index instead of sorting the month; then the
 * few candidates' rows of a range, found by product instead of scanning every product's.
 */
const INDEXES = [
  { name: "product_months_by_gross", table: "product_months", columns: ["store_id", "month", "gross_sales"] },
  { name: "product_months_by_units", table: "product_months", columns: ["store_id", "month", "units"] },
  { name: "product_months_by_product", table: "product_months", columns: ["store_id", "product_id", "month"] },
  { name: "product_days_by_product", table: "product_days", columns: ["store_id", "product_id", "day"] },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { name, table, columns } of INDEXES)
    await db.schema.createIndex(name).on(table).columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { name, table } of [...INDEXES].reverse()) await db.schema.dropIndex(name).on(table).execute();
}
