import { sql, type Expression, type RawBuilder } from "kysely";
import { DAY_MS } from "./constants";
import { assertInterval, periodSpanDays, type Interval } from "./periods";
import { parseRange, type LocalDateRange } from "./range";
import { formatOffset, segmentsForWallSpan, type OffsetSegment } from "./zone";

type DateColumn = Expression<Date> | RawBuilder<Date>;

const DATETIME_LITERAL = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/**
 * Instants go in as literals, not bound parameters: the same expression then has the same text in
 * SELECT and GROUP BY, which ONLY_FULL_GROUP_BY (MySQL's default) requires. Both are generated
 * from numbers and checked here, so nothing from a request reaches the SQL text.
 */
function datetimeLiteral(instant: Date): RawBuilder<string> {
  const text = instant.toISOString().slice(0, 23).replace("T", " ");
  if (!DATETIME_LITERAL.test(text)) throw new RangeError(`instant out of DATETIME range: ${instant.toISOString()}`);
  return sql.lit(text);
}

function shifted(column: DateColumn, offsetMinutes: number): RawBuilder<Date> {
  if (!Number.isSafeInteger(offsetMinutes)) throw new RangeError(`bad offset: ${offsetMinutes}`);
  return sql<Date>`(${column} + INTERVAL ${sql.lit(offsetMinutes)} MINUTE)`;
}

/**
 * `CASE WHEN col < t1 THEN f(col + o0) WHEN col < t2 THEN f(col + o1) ... ELSE f(col + oN) END`.
 * The column must be a UTC DATETIME (a TIMESTAMP would be read in the session's zone first).
 */
function bySegment<T>(
  column: DateColumn,
  segments: OffsetSegment[],
  branch: (local: RawBuilder<Date>, offsetMinutes: number) => RawBuilder<T>,
): RawBuilder<T> {
  if (segments.length === 0) throw new RangeError("need at least one offset segment");
  const last = segments[segments.length - 1];
  const otherwise = branch(shifted(column, last.offsetMinutes), last.offsetMinutes);
  if (segments.length === 1) return otherwise;
  const whens = segments.slice(0, -1).map(({ offsetMinutes }, i) => {
    const until = datetimeLiteral(segments[i + 1].start);
    return sql`WHEN ${column} < ${until} THEN ${branch(shifted(column, offsetMinutes), offsetMinutes)}`;
  });
  return sql<T>`CASE ${sql.join(whens, sql` `)} ELSE ${otherwise} END`;
}

/**
 * The UTC column as wall-clock time in the segments' zone. Exact for instants the segments span;
 * the first segment's offset is used for anything earlier, the last one's for anything later.
 */
export function localTimeSql(column: DateColumn, segments: OffsetSegment[]): RawBuilder<Date> {
  return bySegment(column, segments, (local) => local);
}

function keyOfLocal(local: RawBuilder<Date>, offsetMinutes: number, interval: Interval): RawBuilder<string> {
  switch (interval) {
    case "hour":
      // DATE_FORMAT copies characters without a % as they are, so the offset rides in the format.
      return sql<string>`DATE_FORMAT(${local}, ${sql.lit(`%Y-%m-%dT%H:00${formatOffset(offsetMinutes)}`)})`;
    // CAST(DATE(...) AS CHAR) gives the same text as DATE_FORMAT's %Y-%m-%d at half the cost:
    // it decides a 3-year day report's time on 26,000 hour rows (100 ms against 50 ms).
    case "day":
      return sql<string>`CAST(DATE(${local}) AS CHAR)`;
    case "week":
      return sql<string>`CAST(DATE(${local}) - INTERVAL WEEKDAY(${local}) DAY AS CHAR)`;
    case "month":
      return sql<string>`LEFT(CAST(DATE(${local}) AS CHAR), 7)`;
  }
}

/**
 * The Period.key (see periodsInRange) of each row's UTC `column`, for rows in any period that
 * overlaps the range. Uses no time-zone tables and no session state.
 */
export function periodKeySql(column: DateColumn, range: LocalDateRange, interval: Interval): RawBuilder<string> {
  assertInterval(interval);
  const { fromDay, toDay } = parseRange(range);
  const [startDay, endDay] = periodSpanDays(fromDay, toDay, interval);
  const segments = segmentsForWallSpan(startDay * DAY_MS, endDay * DAY_MS, range.timezone);
  return bySegment(column, segments, (local, offsetMinutes) => keyOfLocal(local, offsetMinutes, interval));
}
