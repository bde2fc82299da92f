import { DAY_MS, MINUTE_MS } from "./constants";
import { cachedTransitions, type ZoneTransitions } from "./transitions";

/** A UTC offset that holds from `start` until the next segment's start. */
export interface OffsetSegment {
  start: Date;
  offsetMinutes: number;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a zone Intl does not know. */
function offsetFormatter(timezone: string): Intl.DateTimeFormat {
  // Intl matches zone names case-insensitively; one key per zone keeps the cache bounded.
  const cacheKey = timezone.toLowerCase();
  let formatter = offsetFormatters.get(cacheKey);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
    offsetFormatters.set(cacheKey, formatter);
  }
  return formatter;
}

/** IANA names as Intl knows them (any case, links such as US/Eastern included); not "" nor "+05:30". */
export function isValidTimeZone(timezone: string): boolean {
  if (typeof timezone !== "string" || !/^[A-Za-z]/.test(timezone)) return false;
  try {
    offsetFormatter(timezone);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(timezone: string): void {
  if (!isValidTimeZone(timezone)) throw new RangeError(`unknown time zone: ${JSON.stringify(timezone)}`);
}

/**
 * Minutes to add to UTC to get wall time in `timezone` at `instant`. Old offsets with seconds
 * (Kolkata's +05:21:10 until 1906) are rounded to the minute, in SQL and JS alike.
 */
export function utcOffsetMinutes(instant: Date, timezone: string): number {
  assertTimeZone(timezone);
  return offsetMinutesWith(offsetFormatter(timezone), instant, timezone);
}

/**
 * The offset's part ("GMT-05:00", "GMT" for UTC) is the end of en-US's text ("12/7/2026, GMT-05:00"):
 * `format` and a slice take half the time or less that `formatToParts` does, which matters in a zone's
 * first scan (transitions.ts), a few hundred probes.
 */
function offsetMinutesWith(formatter: Intl.DateTimeFormat, instant: Date, timezone: string): number {
  const text = formatter.format(instant);
  const name = text.slice(text.lastIndexOf("GMT"));
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`unexpected offset ${String(name)} for ${timezone}`);
  if (!match[1]) return 0;
  const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4] ?? 0);
  return (match[1] === "-" ? -1 : 1) * Math.round(seconds / 60);
}

/** `-04:00`, `+05:45`, `+00:00`. */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The zone's transitions, found once per zone and process (transitions.ts); throws RangeError for an unknown zone. */
export function zoneTransitions(timezone: string): ZoneTransitions {
  assertTimeZone(timezone);
  const formatter = offsetFormatter(timezone);
  return cachedTransitions(timezone.toLowerCase(), (ms) => offsetMinutesWith(formatter, new Date(ms), timezone));
}

/**
 * The zone's constant-offset stretches over [start, end): the first segment begins at `start`,
 * each next one at an exact transition instant (to the millisecond). Neighbours always differ.
 */
export function offsetSegments(start: Date, end: Date, timezone: string): OffsetSegment[] {
  const transitions = zoneTransitions(timezone);
  const from = start.getTime();
  const endMs = end.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(endMs)) throw new RangeError("offsetSegments needs valid dates");
  const segments: OffsetSegment[] = [{ start: new Date(from), offsetMinutes: transitions.offsetAt(from) }];
  for (const { at, offsetMinutes } of transitions.changesBetween(from, endMs))
    segments.push({ start: new Date(at), offsetMinutes });
  return segments;
}

/**
 * Wall clock -> the earliest UTC instant whose wall clock is at or after `wallMs`. For times that
 * exist once that is the exact instant; in a fall-back overlap the first occurrence; in a
 * spring-forward gap (e.g. midnight in America/Santiago) the transition itself. The first and
 * last segments are taken to extend without end, as the SQL CASE does.
 */
export function utcMsFromWall(wallMs: number, segments: OffsetSegment[]): number {
  for (let i = 0; i < segments.length; i++) {
    const segmentStart = i === 0 ? -Infinity : segments[i].start.getTime();
    const segmentEnd = i === segments.length - 1 ? Infinity : segments[i + 1].start.getTime();
    const candidate = Math.max(segmentStart, wallMs - segments[i].offsetMinutes * MINUTE_MS);
    if (candidate < segmentEnd) return candidate;
  }
  throw new Error("unreachable: the last segment is unbounded");
}

/** Segments wide enough to convert every wall time in [wallStartMs, wallEndMs] (offsets stay within ±1 day). */
export function segmentsForWallSpan(wallStartMs: number, wallEndMs: number, timezone: string): OffsetSegment[] {
  return offsetSegments(new Date(wallStartMs - 2 * DAY_MS), new Date(wallEndMs + 2 * DAY_MS), timezone);
}
