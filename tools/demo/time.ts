/**
 * Time for the demo generator: the store's UTC offset at any instant (the zone's transitions from
 * the project's time module, functions/time, laid out once per hour of the range) and a fast
 * RFC 3339 formatter that writes local time with that offset, e.g. "2026-03-08T09:03:11.250-05:00".
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, zoneTransitions } from "../../functions/time";

export { DAY_MS, HOUR_MS, MINUTE_MS };

/** Throws a RangeError for a name the platform does not know (the demo's options name it so). */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}"`);
  }
}

/** The zone's UTC offset in whole minutes at `ms` (slow: Intl; use ZoneOffsets on hot paths). */
export class ZoneOffsetLookup {
  private readonly format: Intl.DateTimeFormat;

  constructor(timeZone: string) {
    assertTimeZone(timeZone);
    this.format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  offsetMinutes(ms: number): number {
    const fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    for (const part of this.format.formatToParts(new Date(ms))) {
      if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
    }
    const local = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
    const wholeSecond = Math.floor(ms / 1000) * 1000;
    return Math.round((local - wholeSecond) / MINUTE_MS);
  }
}

/**
 * Offsets for every UTC hour of a range, with the exact instant of any change inside an hour
 * (zones such as Australia/Lord_Howe change on the half hour). Lookups are O(1).
 */
export class ZoneOffsets {
  /** the first UTC hour covered */
  readonly gridStart: number;
  readonly hours: number;
  private readonly atStart: Int16Array;
  private readonly atEnd: Int16Array;
  private readonly changeAt: Float64Array;

  constructor(timeZone: string, fromMs: number, toMs: number) {
    const transitions = zoneTransitions(timeZone);
    this.gridStart = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
    this.hours = Math.max(1, Math.ceil((toMs - this.gridStart) / HOUR_MS));
    this.atStart = new Int16Array(this.hours);
    this.atEnd = new Int16Array(this.hours);
    this.changeAt = new Float64Array(this.hours).fill(Number.POSITIVE_INFINITY);
    const gridEnd = this.gridStart + this.hours * HOUR_MS;
    const changes = transitions.changesBetween(this.gridStart, gridEnd + 1);
    let current = transitions.offsetAt(this.gridStart);
    let next = 0;
    for (let h = 0; h < this.hours; h++) {
      const hourEnd = this.gridStart + (h + 1) * HOUR_MS;
      this.atStart[h] = current;
      // the change inside (hourStart, hourEnd]; zones change at most once an hour
      if (next < changes.length && changes[next].at <= hourEnd) {
        this.changeAt[h] = changes[next].at;
        current = changes[next].offsetMinutes;
        next++;
      }
      this.atEnd[h] = current;
    }
  }

  offsetMinutes(ms: number): number {
    let h = Math.floor((ms - this.gridStart) / HOUR_MS);
    if (h < 0) h = 0;
    else if (h >= this.hours) h = this.hours - 1;
    return ms < this.changeAt[h] ? this.atStart[h] : this.atEnd[h];
  }
}

const PAD2: string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/** "Z", "+05:30", "-04:00" */
export function formatOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return "Z";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${PAD2[Math.floor(abs / 60)]}:${PAD2[abs % 60]}`;
}

const MINUTE_CACHE = 4096;

/** "YYYY-MM-DD" of a day number (days since 1970-01-01), without Date (H. Hinnant's algorithm). */
export function formatDayNumber(dayNumber: number): string {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, "0")}-${PAD2[month]}-${PAD2[day]}`;
}

const SECOND_DOT: string[] = Array.from({ length: 60 }, (_, i) => `${PAD2[i]}.`);

/**
 * RFC 3339 local time with offset, millisecond precision. Built for tens of millions of calls
 * (Date#toISOString costs about a microsecond): the "YYYY-MM-DDTHH:MM:" of recent minutes and
 * the "mmm+hh:mm" endings of each offset are cached in small tables, so a call is a few integer
 * operations and two string concatenations. Memory is bounded (4096 minutes, 1000 endings per
 * offset); the tables are kept small on purpose, since big ones cost more in cache misses
 * than they save.
 */
export class Rfc3339Formatter {
  private readonly minuteKeys = new Int32Array(MINUTE_CACHE).fill(-1);
  private readonly minutePrefixes: string[] = new Array<string>(MINUTE_CACHE).fill("");
  private readonly endings = new Map<number, string[]>();
  private lastOffset = Number.NaN;
  private lastEndings: string[] = [];
  private lastDay = Number.NaN;
  private lastDayText = "";

  format(ms: number, offsetMinutes: number): string {
    const local = Math.floor(ms) + offsetMinutes * MINUTE_MS;
    const minute = Math.floor(local / MINUTE_MS);
    const slot = minute & (MINUTE_CACHE - 1);
    let prefix: string;
    if (this.minuteKeys[slot] === minute) {
      prefix = this.minutePrefixes[slot];
    } else {
      prefix = this.minutePrefix(minute);
      this.minuteKeys[slot] = minute;
      this.minutePrefixes[slot] = prefix;
    }
    if (offsetMinutes !== this.lastOffset) this.useOffset(offsetMinutes);
    const withinMinute = (local - minute * MINUTE_MS) | 0;
    const second = (withinMinute / 1000) | 0;
    return prefix + SECOND_DOT[second] + this.lastEndings[withinMinute - second * 1000];
  }

  private minutePrefix(minute: number): string {
    const day = Math.floor(minute / 1440);
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.lastDayText = `${formatDayNumber(day)}T`;
    }
    const minuteOfDay = minute - day * 1440;
    const hour = (minuteOfDay / 60) | 0;
    return `${this.lastDayText}${PAD2[hour]}:${PAD2[minuteOfDay - hour * 60]}:`;
  }

  private useOffset(offsetMinutes: number): void {
    let endings = this.endings.get(offsetMinutes);
    if (endings === undefined) {
      const offsetText = formatOffset(offsetMinutes);
      endings = PAD3.map((milli) => milli + offsetText);
      this.endings.set(offsetMinutes, endings);
    }
    this.lastOffset = offsetMinutes;
    this.lastEndings = endings;
  }
}

/** Local calendar fields of an instant, given its offset. */
export interface LocalFields {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  /** days since 1970-01-01 in local time */
  dayNumber: number;
}

export function localFields(ms: number, offsetMinutes: number): LocalFields {
  const local = ms + offsetMinutes * MINUTE_MS;
  const d = new Date(local);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    hour: d.getUTCHours(),
    dayNumber: Math.floor(local / DAY_MS),
  };
}
