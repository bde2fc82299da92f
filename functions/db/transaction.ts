import type { Kysely, Transaction } from "kysely";
import { isRetryableTransactionError } from "./errors";
import type { Database } from "./schema";

const MAX_ATTEMPTS = 8;

/**
 * Runs `work` in a transaction and runs it again, whole, when it lost a race: a deadlock, a
 * lock wait timeout, or a duplicate key from a concurrent insert of the same new id. The
 * retry re-reads what exists, so concurrent duplicates become updates or are skipped.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
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
