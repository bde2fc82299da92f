import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema";
import { dayFile } from "./parquet";
import type { ExportSink } from "./sink";
import {
  EXPORT_TABLES,
  objectKey,
  TABLE_EXPORTS,
  type ExportTable,
  type TableExport,
} from "../../shared/export-tables";

export interface ExportOptions {
  /** Key prefix inside the bucket or folder, e.g. `raw/` (empty: the root). */
  prefix: string;
  /** Only these stores (default: every store). */
  storeIds?: number[];
  /** When the run happened, recorded per day written (default: now). */
  now?: Date;
  /**
   * Epoch ms after which no further day is started (the Lambda's timeout less a margin): the run
   * stops with `complete: false` and the next one carries on from what was recorded (a first run
   * backfilling years of history takes several).
   */
  deadline?: number;
}

export interface ExportSummary {
  stores: number;
  /** Keys written (new or changed days) and deleted (days that no longer have rows). */
  written: string[];
  deleted: string[];
  /** Days looked at whose fingerprint had not changed. */
  unchanged: number;
  /** False when the deadline stopped the run before every changed day was written. */
  complete: boolean;
}

interface DayState {
  day: string;
  row_count: number;
  fingerprint: string;
}

const DAY = "%Y-%m-%d";

/** Per UTC day of the store's rows: count and fingerprint, straight from MySQL. */
async function currentDays(db: Kysely<Database>, table: TableExport, storeId: number): Promise<Map<string, DayState>> {
  const day = sql.ref(table.dayColumn);
  const { rows } = await sql<DayState>`
    select date_format(${day}, ${DAY}) as day, count(*) as row_count, ${sql.raw(table.fingerprint)} as fingerprint
    from ${sql.table(table.name)} where store_id = ${storeId} group by 1 order by 1`.execute(db);
  return new Map(rows.map((r) => [r.day, { day: r.day, row_count: Number(r.row_count), fingerprint: r.fingerprint }]));
}

async function exportedDays(db: Kysely<Database>, table: ExportTable, storeId: number): Promise<Map<string, DayState>> {
  const rows = await db
    .selectFrom("export_days")
    .select([sql<string>`date_format(day, ${DAY})`.as("day"), "row_count", "fingerprint"])
    .where("table_name", "=", table)
    .where("store_id", "=", storeId)
    .execute();
  return new Map(rows.map((r) => [r.day, r]));
}

/** The day's rows in primary-key order (so the file's bytes are the same on every run). */
async function dayRows(
  db: Kysely<Database>,
  table: TableExport,
  storeId: number,
  day: string,
): Promise<Record<string, unknown>[]> {
  const start = new Date(`${day}T00:00:00.000Z`);
  const end = new Date(start.getTime() + 86_400_000);
  const time = sql.ref(table.dayColumn);
  const { rows } = await sql<Record<string, unknown>>`
    select ${sql.join(table.columns.map((c) => sql.ref(c.name)))} from ${sql.table(table.name)}
    where store_id = ${storeId} and ${time} >= ${start} and ${time} < ${end}
    order by ${sql.join(table.orderBy.map((c) => sql.ref(c)))}`.execute(db);
  return rows;
}

/**
 * Exports every store's raw rows to `sink` as one Parquet file per table, store and UTC day, only
 * for days whose fingerprint in MySQL differs from the one recorded when the day was last written
 * (plus a lines table's days whose parent changed), and deletes the file of a day left with no rows.
 * A day's file is written before its record, so a run that fails part way writes that day again
 * next time; the same rows give the same bytes, so a re-run rewrites nothing it need not.
 */
export async function exportHistory(
  db: Kysely<Database>,
  sink: ExportSink,
  options: ExportOptions,
): Promise<ExportSummary> {
  const now = options.now ?? new Date();
  const stores =
    options.storeIds ?? (await db.selectFrom("stores").select("id").orderBy("id").execute()).map((s) => s.id);
  const summary: ExportSummary = { stores: stores.length, written: [], deleted: [], unchanged: 0, complete: true };
  const outOfTime = () => options.deadline !== undefined && Date.now() >= options.deadline;

  for (const storeId of stores) {
    const changedDays = new Map<ExportTable, Set<string>>();
    for (const name of EXPORT_TABLES) {
      const table = TABLE_EXPORTS[name];
      const [current, previous] = await Promise.all([currentDays(db, table, storeId), exportedDays(db, name, storeId)]);
      const parentChanged = table.parent ? (changedDays.get(table.parent) ?? new Set<string>()) : new Set<string>();
      const changed = new Set<string>();
      for (const [day, state] of current) {
        if (previous.get(day)?.fingerprint !== state.fingerprint || parentChanged.has(day)) changed.add(day);
        else summary.unchanged += 1;
      }
      changedDays.set(name, changed);

      for (const day of [...changed].sort()) {
        if (outOfTime()) {
          summary.complete = false;
          return summary;
        }
        const key = objectKey(options.prefix, name, storeId, day);
        await sink.put(key, dayFile(table, await dayRows(db, table, storeId, day)));
        const state = current.get(day)!;
        await db
          .insertInto("export_days")
          .values({ table_name: name, store_id: storeId, ...state, exported_at: now })
          .onDuplicateKeyUpdate({ row_count: state.row_count, fingerprint: state.fingerprint, exported_at: now })
          .execute();
        summary.written.push(key);
      }
      for (const day of [...previous.keys()].filter((d) => !current.has(d)).sort()) {
        const key = objectKey(options.prefix, name, storeId, day);
        await sink.delete(key);
        await db
          .deleteFrom("export_days")
          .where("table_name", "=", name)
          .where("store_id", "=", storeId)
          .where(sql<string>`day`, "=", day)
          .execute();
        summary.deleted.push(key);
      }
    }
  }
  return summary;
}
