import { sql, type Transaction } from "kysely";
import type { Database } from "../db/schema";

/**
 * Ingestion takes a shared lock on its store's row, a rollup rebuild an exclusive one: ingests
 * of a store run side by side, but never while its rollups are being rebuilt from raw rows.
 * Events take it exclusively: concurrent batches of one store's events share sessions, and
 * merging a session needs its row locked first, which under concurrency deadlocks on InnoDB's
 * gap locks far more often than retries absorb; one store's events go one batch at a time.
 * (`LOCK IN SHARE MODE` is understood by both MySQL 8.4 and MariaDB 10.11.)
 */
export async function lockStoreForIngest(
  trx: Transaction<Database>,
  storeId: number,
  mode: "shared" | "exclusive" = "shared",
): Promise<void> {
  if (mode === "exclusive") await sql`select id from stores where id = ${storeId} for update`.execute(trx);
  else await sql`select id from stores where id = ${storeId} lock in share mode`.execute(trx);
}

export async function lockStoreForRebuild(trx: Transaction<Database>, storeId: number): Promise<void> {
  await sql`select id from stores where id = ${storeId} for update`.execute(trx);
}
