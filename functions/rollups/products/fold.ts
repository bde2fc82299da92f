import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { inTransaction } from "../../db/transaction";
import { DAY_MS, localTimeSql, offsetSegments } from "../../time";
import type { RollupStore } from "../index";

/**
 * A store's tail (tail.ts) is folded once its batches hold this many lines: an orders ingest
 * that leaves more behind folds after its commit (foldProductTailIfDue). Every products report
 * reads the tail's lines, so this bounds what a report reads beyond the rollups; a larger tail
 * lets one fold cover more batches, which share products' months and totals.
 */
export const TAIL_FOLD_LINES = 4_000;

/** Batches folded at most in one transaction, so a fold that fell behind still commits in bounded time. */
const MAX_BATCHES_PER_FOLD = 200;

export interface FoldResult {
  batches: number;
  lines: number;
}

/** The lines the store's tail holds now (as counted when their batches were opened). */
export async function tailLineCount(db: Kysely<Database>, storeId: number): Promise<number> {
  const row = await db
    .selectFrom("product_tail_batches")
    .select(({ fn }) => fn.sum<string | null>("line_count").as("lines"))
    .where("store_id", "=", storeId)
    .executeTakeFirst();
  return Number(row?.lines ?? 0);
}

/**
 * Adds the lines of the store's batches to `product_days`, `product_months` and `product_totals`
 * in three set-based upserts and deletes the batches, in one transaction. Batches another fold is
 * folding, and batches an ingest holds (it is replacing orders of theirs), are skipped: they are
 * folded next time. READ COMMITTED (inTransaction): the lines are read after the batches are
 * locked, so a line an ingest deleted before that is not folded, and no ingest can delete one
 * after it without waiting for this fold and then taking it out of the rollups itself.
 */
export async function foldProductTail(db: Kysely<Database>, store: RollupStore): Promise<FoldResult> {
  return inTransaction(db, async (trx) => {
    const listed = await trx
      .selectFrom("product_tail_batches")
      .select("id")
      .where("store_id", "=", store.id)
      .orderBy("id")
      .limit(MAX_BATCHES_PER_FOLD)
      .execute();
    if (listed.length === 0) return { batches: 0, lines: 0 };
    const { rows: locked } = await sql<{ id: number | string; line_count: number }>`
      select id, line_count from product_tail_batches
      where id in (${sql.join(listed.map((b) => b.id))})
      order by id for update skip locked`.execute(trx);
    if (locked.length === 0) return { batches: 0, lines: 0 };
    const batches = locked.map((b) => Number(b.id));
    await addLinesToRollups(trx, store, batches);
    await trx.deleteFrom("product_tail_batches").where("id", "in", batches).execute();
    return { batches: batches.length, lines: locked.reduce((sum, b) => sum + Number(b.line_count), 0) };
  });
}

/** Folds the store's tail when it holds at least `threshold` lines; what was folded, or undefined. */
export async function foldProductTailIfDue(
  db: Kysely<Database>,
  store: RollupStore,
  threshold = TAIL_FOLD_LINES,
): Promise<FoldResult | undefined> {
  if ((await tailLineCount(db, store.id)) < threshold) return undefined;
  return foldProductTail(db, store);
}

/** The paid lines of these batches, added by local day, month and all time: what ProductDeltas adds per ingest. */
async function addLinesToRollups(trx: Transaction<Database>, store: RollupStore, batches: number[]): Promise<void> {
  const lines = sql`order_lines where store_id = ${store.id} and tail_batch in (${sql.join(batches)}) and status = 'paid'`;
  const span = await sql<{ first: Date | null; last: Date | null }>`
    select min(created_at) as first, max(created_at) as last from ${lines}`.execute(trx);
  const { first, last } = span.rows[0] ?? {};
  if (!first || !last) return;
  const localDay = localDayOf(store.timezone, new Date(first), new Date(last));
  const day = localDay(sql.ref("created_at"));
  const measures = sql`count(distinct order_id), sum(quantity), sum(gross), sum(discount), 0`;
  const add = (table: string) =>
    sql.raw(
      ["orders", "units", "gross_sales", "discounts", "returns"]
        .map((m) => `${m} = ${table}.${m} + values(${m})`)
        .join(", "),
    );
  await sql`
    insert into product_days (store_id, day, product_id, orders, units, gross_sales, discounts, returns)
    select ${store.id}, ${day} as local_day, product_id, ${measures} from ${lines}
    group by local_day, product_id
    on duplicate key update ${add("product_days")}`.execute(trx);
  await sql`
    insert into product_months (store_id, month, product_id, orders, units, gross_sales, discounts, returns)
    select ${store.id}, ${day} - interval (dayofmonth(${day}) - 1) day as local_month, product_id, ${measures}
    from ${lines}
    group by local_month, product_id
    on duplicate key update ${add("product_months")}`.execute(trx);
  await sql`
    insert into product_totals (store_id, product_id, orders, units, gross_sales, discounts, returns)
    select ${store.id}, product_id, ${measures} from ${lines}
    group by product_id
    on duplicate key update ${add("product_totals")}`.execute(trx);
}

/** The store's local date of a UTC column, over the zone's offsets from `first` to `last` (a day either side). */
function localDayOf(timezone: string, first: Date, last: Date) {
  const segments = offsetSegments(new Date(first.getTime() - DAY_MS), new Date(last.getTime() + DAY_MS), timezone);
  return (column: RawBuilder<unknown> | ReturnType<typeof sql.ref>) =>
    sql<Date>`date(${localTimeSql(column as never, segments)})`;
}
