/**
 * Time for the demo generator: the store's UTC offset at any instant (from the platform's IANA
 * data through Intl, looked up once per hour of the range) and a fast RFC 3339 formatter
 * that writes local time with that offset, e.g. "2026-03-08T09:03:11.250-05:00".
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Throws a RangeError for a name the platform does not know. */
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
    const lookup = new ZoneOffsetLookup(timeZone);
    this.gridStart = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
    this.hours = Math.max(1, Math.ceil((toMs - this.gridStart) / HOUR_MS));
    this.atStart = new Int16Array(this.hours);
    this.atEnd = new Int16Array(this.hours);
    this.changeAt = new Float64Array(this.hours).fill(Number.POSITIVE_INFINITY);
    let previous = lookup.offsetMinutes(this.gridStart);
    for (let h = 0; h < this.hours; h++) {
      const hourStart = this.gridStart + h * HOUR_MS;
      const next = lookup.offsetMinutes(hourStart + HOUR_MS);
      this.atStart[h] = previous;
      this.atEnd[h] = next;
      if (next !== previous) {
        // the first whole second at which the new offset applies
        let lo = hourStart;
        let hi = hourStart + HOUR_MS;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (lookup.offsetMinutes(mid) === previous) lo = mid;
          else hi = mid;
        }
        this.changeAt[h] = hi;
      }
      previous = next;
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

/**
 * RFC 3339 local time with offset, millisecond precision. Built for tens of millions of calls:
 * the "YYYY-MM-DDTHH:MM:" part of recent minutes and every "SS.mmm+hh:mm" ending it has
 * written are cached, so a call is a few integer operations and one string concatenation.
 * Memory stays bounded (4096 minutes, 60,000 endings per offset).
 */
export class Rfc3339Formatter {
  private readonly minuteKeys = new Float64Array(MINUTE_CACHE).fill(Number.NaN);
  private readonly minutePrefixes: string[] = new Array<string>(MINUTE_CACHE).fill("");
  private readonly endings = new Map<number, string[]>();
  private lastOffset = Number.NaN;
  private lastEndings: string[] = [];
  private lastOffsetText = "";

  format(ms: number, offsetMinutes: number): string {
    const local = Math.floor(ms) + offsetMinutes * MINUTE_MS;
    const minute = Math.floor(local / MINUTE_MS);
    const slot = minute & (MINUTE_CACHE - 1);
    let prefix: string;
    if (this.minuteKeys[slot] === minute) {
      prefix = this.minutePrefixes[slot];
    } else {
      const iso = new Date(minute * MINUTE_MS).toISOString(); // "YYYY-MM-DDTHH:MM:00.000Z"
      prefix = iso.slice(0, 17);
      this.minuteKeys[slot] = minute;
      this.minutePrefixes[slot] = prefix;
    }
    if (offsetMinutes !== this.lastOffset) {
      let endings = this.endings.get(offsetMinutes);
      if (endings === undefined) {
        endings = new Array<string>(MINUTE_MS);
        this.endings.set(offsetMinutes, endings);
      }
      this.lastOffset = offsetMinutes;
      this.lastEndings = endings;
      this.lastOffsetText = formatOffset(offsetMinutes);
    }
    const withinMinute = local - minute * MINUTE_MS;
    let ending = this.lastEndings[withinMinute];
    if (ending === undefined) {
      const second = Math.floor(withinMinute / 1000);
      ending = `${PAD2[second]}.${PAD3[withinMinute - second * 1000]}${this.lastOffsetText}`;
      this.lastEndings[withinMinute] = ending;
    }
    return prefix + ending;
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
