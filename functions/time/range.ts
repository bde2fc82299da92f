import { parseLocalDate } from "./day-numbers";
import { DAY_MS } from "./constants";
import { assertTimeZone, segmentsForWallSpan, utcMsFromWall } from "./zone";

/** A report's dates, `YYYY-MM-DD`, both inclusive, read in `timezone` (IANA). */
export interface LocalDateRange {
  from: string;
  to: string;
  timezone: string;
}

/** A range read once (readRange): its dates as day numbers beside the text, passed down a report. */
export interface ReportRange extends LocalDateRange {
  readonly fromDay: number;
  readonly toDay: number;
}

/** A report's range and its UTC bounds [start, end), found once per request and passed down. */
export interface ReportWindow {
  range: LocalDateRange;
  start: Date;
  end: Date;
}

/** Checks and reads a range once; what takes a LocalDateRange then uses the day numbers as they are. */
export function readRange(range: LocalDateRange): ReportRange {
  const { fromDay, toDay } = parseRange(range);
  return { from: range.from, to: range.to, timezone: range.timezone, fromDay, toDay };
}

function isRead(range: LocalDateRange): range is ReportRange {
  return (
    typeof (range as Partial<ReportRange>).fromDay === "number" &&
    typeof (range as Partial<ReportRange>).toDay === "number"
  );
}

/**
 * Day numbers of `from` and `to`; throws RangeError on a bad zone, bad date or `to` before `from`.
 * A range from readRange was checked then and is not parsed again.
 */
export function parseRange(range: LocalDateRange): { fromDay: number; toDay: number } {
  if (isRead(range)) return range;
  assertTimeZone(range.timezone);
  const fromDay = parseLocalDate(range.from);
  const toDay = parseLocalDate(range.to);
  if (toDay < fromDay) throw new RangeError(`"to" (${range.to}) is before "from" (${range.from})`);
  return { fromDay, toDay };
}

/** When the local date begins, as a UTC instant (the first instant of it if midnight is skipped). */
export function startOfLocalDay(dayNumber: number, timezone: string): Date {
  const wall = dayNumber * DAY_MS;
  return new Date(utcMsFromWall(wall, segmentsForWallSpan(wall, wall, timezone)));
}

/** [start, end) in UTC: local midnight of `from` up to local midnight of the day after `to`. */
export function utcBounds(range: LocalDateRange): { start: Date; end: Date } {
  const { fromDay, toDay } = parseRange(range);
  return { start: startOfLocalDay(fromDay, range.timezone), end: startOfLocalDay(toDay + 1, range.timezone) };
}

/** Calendar days from `from` to `to`, both counted (DST-length days count as one each). */
export function daysInRange(range: LocalDateRange): number {
  const { fromDay, toDay } = parseRange(range);
  return toDay - fromDay + 1;
}
