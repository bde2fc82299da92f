import { CompiledQuery, type Insertable, type Kysely, type Transaction } from "kysely";
import { escape } from "mysql2";
import type { Database } from "./schema";
import { chunk } from "./transaction";

type Table = keyof Database & string;
type Column<T extends Table> = keyof Database[T] & string;

/**
 * What a duplicate key does to a column (INSERT ... ON DUPLICATE KEY UPDATE): `add` the new value
 * to the stored one (a rollup's measure), `replace` it, or keep the `least` of the two.
 */
export type OnDuplicate<T extends Table> = Partial<Record<Column<T>, "add" | "replace" | "least">>;

const ON_DUPLICATE = {
  add: (c: string) => `${c} = ${c} + values(${c})`,
  replace: (c: string) => `${c} = values(${c})`,
  least: (c: string) => `${c} = least(${c}, values(${c}))`,
} as const;

/** Text that needs no escaping inside single quotes (ids, decimals as text, dates' digits). */
const PLAIN_TEXT = /^[A-Za-z0-9 _.:,/+-]*$/;

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** A DATETIME(3) literal in UTC, as mysql2 writes a Date with `timezone: "Z"` (connection.ts). */
function dateLiteral(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new TypeError("an invalid Date cannot be written");
  return (
    `'${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad3(d.getUTCMilliseconds())}'`
  );
}

/** One value as an SQL literal: the same text mysql2's client-side escaping gives it. */
export function sqlLiteral(value: unknown): string {
  if (value === null) return "NULL";
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be written`);
      return `${value}`;
    case "bigint":
      return value.toString();
    case "string":
      return PLAIN_TEXT.test(value) ? `'${value}'` : escape(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "DEFAULT";
  }
  if (value instanceof Date) return dateLiteral(value);
  throw new TypeError(`a ${typeof value} cannot be written as an SQL value`);
}

/** The statement for one chunk: rows' keys are the first row's, in its order. */
export function insertRowsSql<T extends Table>(
  table: T,
  rows: readonly Insertable<Database[T]>[],
  onDuplicate?: OnDuplicate<T>,
): string {
  const columns = Object.keys(rows[0]);
  let text = `insert into \`${table}\` (${columns.map((c) => `\`${c}\``).join(", ")}) values `;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>;
    if (Object.keys(row).length !== columns.length)
      throw new TypeError(`row ${r} of ${table} has other columns than the first row`);
    text += r === 0 ? "(" : ", (";
    for (let c = 0; c < columns.length; c++) text += (c === 0 ? "" : ", ") + sqlLiteral(row[columns[c]]);
    text += ")";
  }
  const updates = Object.entries(onDuplicate ?? {}) as [string, keyof typeof ON_DUPLICATE][];
  if (updates.length > 0)
    text += ` on duplicate key update ${updates.map(([c, how]) => ON_DUPLICATE[how](`\`${c}\``)).join(", ")}`;
  return text;
}

/**
 * Inserts rows (upserts them with `onDuplicate`) in multi-row statements of at most 1,000 rows.
 *
 * Ingest's hot path: the statement's text is written directly, values as literals, instead of
 * through Kysely's query tree and mysql2's placeholder formatting, which together cost about
 * four times as much CPU for the same text (BENCHMARKS.md, issue 14). Escaping is mysql2's own
 * (the one its `query` applies to parameters today); only text made of safe characters skips it.
 * Every row must have the first row's columns; types come from the schema like any Kysely insert.
 */
export async function insertRows<T extends Table>(
  db: Kysely<Database> | Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  onDuplicate?: OnDuplicate<T>,
): Promise<void> {
  for (const part of chunk(rows)) await db.executeQuery(CompiledQuery.raw(insertRowsSql(table, part, onDuplicate)));
}
