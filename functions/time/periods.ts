import { DAY_MS, HOUR_MS, MINUTE_MS } from "./constants";
import { firstOfMonth, firstOfNextMonth, formatLocalDate, mondayOf } from "./day-numbers";
import { parseRange, type LocalDateRange } from "./range";
import { formatOffset, segmentsForWallSpan, utcMsFromWall, utcOffsetMinutes } from "./zone";

export const INTERVALS = ["hour", "day", "week", "month"] as const;
export type Interval = (typeof INTERVALS)[number];

/**
 * One bucket of a report. `start`/`end` are the whole period as UTC instants, [start, end), even
 * where it sticks out of the range (a week or month cut by `from`/`to`).
 */
export interface Period {
  key: string;
  label: string;
  start: Date;
  end: Date;
}

export function isInterval(value: unknown): value is Interval {
  return (INTERVALS as readonly unknown[]).includes(value);
}

export function assertInterval(interval: Interval): void {
  if (!isInterval(interval)) throw new RangeError(`unknown interval: ${JSON.stringify(interval)}`);
}

/**
 * The key of the period holding a wall-clock time (a Date-ms whose UTC fields read as local time).
 * sql.ts builds the same strings with DATE_FORMAT; keep the two in step.
 */
export function periodKeyFromWall(wallMs: number, offsetMinutes: number, interval: Interval): string {
  const day = Math.floor(wallMs / DAY_MS);
  switch (interval) {
    case "hour":
      return `${new Date(wallMs).toISOString().slice(0, 13)}:00${formatOffset(offsetMinutes)}`;
    case "day":
      return formatLocalDate(day);
    case "week":
      return formatLocalDate(mondayOf(day));
    case "month":
      return formatLocalDate(day).slice(0, 7);
  }
}

/** `2026-11-01T01:00-04:00` -> `2026-11-01T01:00:00-04:00`; other keys are their own label. */
function labelOf(key: string, interval: Interval): string {
  return interval === "hour" ? `${key.slice(0, 16)}:00${key.slice(16)}` : key;
}

/** The key of the period (in `timezone`) that contains `instant`; equal to what periodKeySql yields. */
export function periodOf(instant: Date, timezone: string, interval: Interval): string {
  assertInterval(interval);
  const offsetMinutes = utcOffsetMinutes(instant, timezone);
  return periodKeyFromWall(instant.getTime() + offsetMinutes * MINUTE_MS, offsetMinutes, interval);
}

/** First and last-plus-one local day of the periods overlapping [fromDay, toDay]. */
export function periodSpanDays(fromDay: number, toDay: number, interval: Interval): [number, number] {
  switch (interval) {
    case "hour":
    case "day":
      return [fromDay, toDay + 1];
    case "week":
      return [mondayOf(fromDay), mondayOf(toDay) + 7];
    case "month":
      return [firstOfMonth(fromDay), firstOfNextMonth(toDay)];
  }
}

/** Every period overlapping the range, in order, contiguous: the rows of a zero-filled report. */
export function periodsInRange(range: LocalDateRange, interval: Interval): Period[] {
  assertInterval(interval);
  const { fromDay, toDay } = parseRange(range);
  if (interval === "hour") return hourPeriods(fromDay, toDay, range.timezone);

  const spans: Array<[number, number]> = [];
  if (interval === "day") {
    for (let day = fromDay; day <= toDay; day++) spans.push([day, day + 1]);
  } else if (interval === "week") {
    for (let monday = mondayOf(fromDay); monday <= toDay; monday += 7) spans.push([monday, monday + 7]);
  } else {
    for (let first = firstOfMonth(fromDay); first <= toDay; first = firstOfNextMonth(first)) {
      spans.push([first, firstOfNextMonth(first)]);
    }
  }
  const segments = segmentsForWallSpan(spans[0][0] * DAY_MS, spans[spans.length - 1][1] * DAY_MS, range.timezone);
  return spans.map(([startDay, endDay]) => {
    const key = periodKeyFromWall(startDay * DAY_MS, 0, interval);
    return {
      key,
      label: key,
      start: new Date(utcMsFromWall(startDay * DAY_MS, segments)),
      end: new Date(utcMsFromWall(endDay * DAY_MS, segments)),
    };
  });
}

/**
 * Local clock hours. A new period starts at each local :00 and at each offset change, so a DST
 * fall-back yields two 01:00 periods (told apart by their offset) and a spring-forward none at 02:00.
 */
function hourPeriods(fromDay: number, toDay: number, timezone: string): Period[] {
  const segments = segmentsForWallSpan(fromDay * DAY_MS, (toDay + 1) * DAY_MS, timezone);
  const end = utcMsFromWall((toDay + 1) * DAY_MS, segments);
  const periods: Period[] = [];
  let at = utcMsFromWall(fromDay * DAY_MS, segments);
  let index = 0;
  while (at < end) {
    while (index + 1 < segments.length && segments[index + 1].start.getTime() <= at) index++;
    const { offsetMinutes } = segments[index];
    const segmentStart = index === 0 ? -Infinity : segments[index].start.getTime();
    const segmentEnd = index + 1 < segments.length ? segments[index + 1].start.getTime() : Infinity;
    const hourWall = Math.floor((at + offsetMinutes * MINUTE_MS) / HOUR_MS) * HOUR_MS;
    const start = Math.max(segmentStart, hourWall - offsetMinutes * MINUTE_MS);
    const next = Math.min(hourWall + HOUR_MS - offsetMinutes * MINUTE_MS, segmentEnd);
    const key = periodKeyFromWall(hourWall, offsetMinutes, "hour");
    periods.push({ key, label: labelOf(key, "hour"), start: new Date(start), end: new Date(next) });
    at = next;
  }
  return periods;
}
