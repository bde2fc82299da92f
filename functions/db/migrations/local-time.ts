import { sql, type RawBuilder } from "kysely";

/**
 * A store's local wall-clock time in SQL, for the backfills that cut by the store's zone (007,
 * 009). Frozen like a migration: what a fresh database's history runs must not follow later
 * code, so this copies what the rollups did when those migrations were written and imports
 * nothing of the application. A later change of meaning comes with a new migration.
 */

const DAY_MS = 86_400_000;

/** A UTC offset that holds from `start` until the next segment's start. */
interface OffsetSegment {
  start: number;
  offsetMinutes: number;
}

/** Minutes to add to UTC for wall time; offsets with seconds (before 1906) rounded to the minute. */
function offsetAt(formatter: Intl.DateTimeFormat, ms: number): number {
  const name = formatter.formatToParts(new Date(ms)).find((part) => part.type === "timeZoneName")?.value;
  const match = name === undefined ? null : /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`unexpected offset ${String(name)}`);
  if (!match[1]) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return (match[1] === "-" ? -1 : 1) * Math.round(seconds / 60);
}

/**
 * The zone's constant-offset stretches over [startMs, endMs): sampled a day apart (the closest
 * pair of transitions in any zone is 7 days apart), each transition found to the millisecond.
 */
function offsetSegments(startMs: number, endMs: number, timezone: string): OffsetSegment[] {
  const formatter = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
  let from = startMs;
  let current = offsetAt(formatter, from);
  const segments: OffsetSegment[] = [{ start: from, offsetMinutes: current }];
  while (from < endMs - 1) {
    const probe = Math.min(from + DAY_MS, endMs - 1);
    if (offsetAt(formatter, probe) === current) {
      from = probe;
      continue;
    }
    let low = from;
    let high = probe;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offsetAt(formatter, mid) === current) low = mid;
      else high = mid;
    }
    current = offsetAt(formatter, high);
    segments.push({ start: high, offsetMinutes: current });
    from = high;
  }
  return segments;
}

/** A DATETIME(3) literal; from numbers only, so nothing but digits reaches the SQL text. */
function datetimeLiteral(ms: number): RawBuilder<string> {
  const text = new Date(ms).toISOString().slice(0, 23).replace("T", " ");
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(text))
    throw new RangeError(`instant out of DATETIME range: ${ms}`);
  return sql.lit(text);
}

function shifted(column: string, offsetMinutes: number): RawBuilder<Date> {
  if (!Number.isSafeInteger(offsetMinutes)) throw new RangeError(`bad offset: ${offsetMinutes}`);
  return sql<Date>`(${sql.raw(column)} + INTERVAL ${sql.lit(offsetMinutes)} MINUTE)`;
}

/**
 * The local date, in `timezone`, of a UTC DATETIME column (a trusted SQL name such as
 * `o.created_at`), for instants in [firstMs - 1 day, lastMs + 1 day]: `DATE(CASE WHEN col < t1
 * THEN col + o0 ... ELSE col + oN END)`, with literals only, so the same text may appear in
 * SELECT and GROUP BY.
 */
export function localDateSql(column: string, timezone: string, firstMs: number, lastMs: number): RawBuilder<Date> {
  if (!/^[a-z_]+(\.[a-z_]+)?$/.test(column)) throw new RangeError(`not a column name: ${column}`);
  const segments = offsetSegments(firstMs - DAY_MS, lastMs + DAY_MS, timezone);
  const last = segments[segments.length - 1];
  if (segments.length === 1) return sql<Date>`date(${shifted(column, last.offsetMinutes)})`;
  const whens = segments
    .slice(0, -1)
    .map(
      ({ offsetMinutes }, i) =>
        sql`WHEN ${sql.raw(column)} < ${datetimeLiteral(segments[i + 1].start)} THEN ${shifted(column, offsetMinutes)}`,
    );
  return sql<Date>`date(CASE ${sql.join(whens, sql` `)} ELSE ${shifted(column, last.offsetMinutes)} END)`;
}
