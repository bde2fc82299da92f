import { sql, type Kysely } from "kysely";
import { rebuildCohortCells } from "../../rollups/rebuild-cohorts";
import type { Database } from "../schema";

/**
 * `cohort_cells` (functions/rollups/cohort-cells.ts). Its cohorts and periods are local to each
 * store's time zone, which SQL alone cannot cut without the zone's offsets, so the backfill
 * runs the rollup's own rebuild per store; should that code change meaning later, the change
 * comes with a migration that rebuilds again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
  const app = db as unknown as Kysely<Database>;
  for (const { id } of await app.selectFrom("stores").select("id").execute()) {
    await app.transaction().execute((trx) => rebuildCohortCells(trx, id));
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("cohort_cells").ifExists().execute();
}
