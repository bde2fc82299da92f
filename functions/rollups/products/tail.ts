import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";

/**
 * The product tail: the paid lines that orders ingests have written since the last fold (fold.ts)
 * and that `product_days`, `product_months` and `product_totals` do not count yet. An orders
 * ingest opens a batch, a row of `product_tail_batches`, and writes its new paid lines with
 * that batch in `order_lines.tail_batch`; a fold adds the lines of a store's batches to the three
 * tables and deletes the batches. A line is in the rollups exactly when it has no batch or its
 * batch is gone. Every products report adds the lines of the store's remaining batches itself
 * (read.ts), each in the statement that reads the rollups of the same part of the range, so a
 * fold committing between two of the report's statements can neither hide a line nor count it
 * twice.
 *
 * Why: upserting every batch's product deltas into three tables cost the ingest about 0.6 s of
 * the database's CPU for 20,000 orders; one set-based fold of many batches writes far fewer rows
 * (batches share products' months and totals), and the request none (BENCHMARKS.md, issue 14).
 */

/** Opens the batch an ingest's new paid lines are written with; returns its id. */
export async function openTailBatch(trx: Transaction<Database>, storeId: number, lineCount: number): Promise<number> {
  const result = await trx
    .insertInto("product_tail_batches")
    .values({ store_id: storeId, line_count: lineCount })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

/**
 * Which of these batches are still in the tail, each locked in share mode until the ingest
 * commits: a fold (which locks the batches it folds exclusively) cannot fold them meanwhile, so
 * lines of such a batch that the ingest deletes leave the tail without touching the rollups,
 * while lines of a batch folded already are taken out of the rollups by the ingest.
 */
export async function batchesStillInTail(
  trx: Transaction<Database>,
  storeId: number,
  batches: readonly number[],
): Promise<Set<number>> {
  if (batches.length === 0) return new Set();
  const { rows } = await sql<{ id: number | string }>`
    select id from product_tail_batches
    where store_id = ${storeId} and id in (${sql.join([...batches].sort((a, b) => a - b))})
    lock in share mode`.execute(trx);
  return new Set(rows.map((row) => Number(row.id)));
}
