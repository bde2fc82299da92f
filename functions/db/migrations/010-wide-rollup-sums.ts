/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * Rollup sums get room to grow: DECIMAL(19,4) holds less than 10^15, which a day's or a
 * product's all-time sums could pass (1,500 orders of 10^12 on one day did, answering 500).
 * An order's figures are bounded at 10^12 on ingest (functions/ingest/amounts.ts), so with
 * DECIMAL(28,4) (up to 10^24) a rollup row could only overflow after 10^12 maximum-size orders,
 * well past its INT order count. Raw rows (one order, line or refund each) stay DECIMAL(19,4).
 *
 * A change of DECIMAL precision rebuilds the table (ALGORITHM=COPY on MySQL 8.4 and MariaDB
 * 10.11) and blocks writes to it meanwhile; the README gives the measured cost.
 */
const WIDE = "decimal(28,4)";
const NARROW = "decimal(19,4)";

const ROLLUP_MONEY_COLUMNS: Record<string, readonly string[]> = {
  sales_slots: ["gross_sales", "discounts", "shipping", "taxes", "returns"],
  sales_local_days: ["gross_sales", "discounts", "shipping", "taxes", "returns"],
  product_days: ["gross_sales", "discounts", "returns"],
  product_months: ["gross_sales", "discounts", "returns"],
  product_totals: ["gross_sales", "discounts", "returns"],
  cohort_cells: ["sales", "returns"],
};

async function retype(db: Kysely<any>, type: string): Promise<void> {
  for (const [table, columns] of Object.entries(ROLLUP_MONEY_COLUMNS)) {
    const changes = columns.map((column) => `modify column ${column} ${type} not null`).join(", ");
    await sql.raw(`alter table ${table} ${changes}`).execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await retype(db, WIDE);
}

export async function down(db: Kysely<any>): Promise<void> {
  await retype(db, NARROW);
}
