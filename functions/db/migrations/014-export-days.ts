/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type Kysely } from "kysely";

/**
 * `export_days`: what the history export (functions/export) last wrote for each raw table, store
 * and UTC day: the day's row count and fingerprint when its Parquet file was written. A day whose
 * fingerprint in MySQL differs (late events, a changed order, a new refund) is written again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("export_days")
    .addColumn("table_name", "varchar(16)", (c) => c.notNull())
    .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("row_count", "integer", (c) => c.unsigned().notNull())
    .addColumn("fingerprint", "varchar(64)", (c) => c.notNull())
    .addColumn("exported_at", sql`datetime(3)`, (c) => c.notNull())
    .addPrimaryKeyConstraint("export_days_pk", ["table_name", "store_id", "day"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("export_days").execute();
}
