import type { Kysely, Transaction } from "kysely";
import { isRetryableTransactionError } from "./errors";
import type { Database } from "./schema";

const MAX_ATTEMPTS = 8;

/**
 * Runs `work` in a transaction and runs it again, whole, when it lost a race: a deadlock, a
 * lock wait timeout, or a duplicate key from a concurrent insert of the same new id. The
 * retry re-reads what exists, so concurrent duplicates become updates or are skipped.
 *
 * READ COMMITTED, not InnoDB's REPEATABLE READ: a locking read of ids that do not exist yet
 * (every new order of a batch) takes no gap locks, which concurrent batches otherwise held and
 * then both tried to insert into (a deadlock for about every other 500-order batch at 4 at once,
 * bench/ingestion-profile.ts). Nothing relies on gap locks: ingests of one customer serialize
 * on the customer's row, which the batch upserts first and holds to the commit; one new id sent
 * twice at once is a duplicate key, retried as above; every row a batch reads to compute a
 * rollup delta is locked by it.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel("read committed").execute(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt * attempt + Math.random() * 20));
    }
  }
}

/** Splits rows for multi-row INSERTs that stay well inside max_allowed_packet. */
export function chunk<T>(rows: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
