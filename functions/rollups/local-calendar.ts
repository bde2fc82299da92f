import { DAY_MS, firstOfMonth, mondayOf } from "../reports/time/calendar";
import { offsetSegments, type OffsetSegment } from "../reports/time/zone";

const MINUTE_MS = 60_000;

/** Local dates and periods of instants in one zone, from its offset segments (no Intl per call). */
export class LocalCalendar {
  private static readonly zones = new Map<string, LocalCalendar>();
  private segments: OffsetSegment[] = [];
  private from = Infinity;
  private to = -Infinity;

  private constructor(readonly timezone: string) {}

  /** One per zone for the process: its offsets are scanned once, not per ingest. */
  static of(timezone: string): LocalCalendar {
    let calendar = LocalCalendar.zones.get(timezone);
    if (!calendar) LocalCalendar.zones.set(timezone, (calendar = new LocalCalendar(timezone)));
    return calendar;
  }

  /** Local day number (days since 1970-01-01 in local time). */
  dayOf(instant: Date): number {
    const ms = instant.getTime();
    if (ms < this.from || ms >= this.to) this.widen(ms);
    let i = this.segments.length - 1;
    while (i > 0 && this.segments[i].start.getTime() > ms) i--;
    return Math.floor((ms + this.segments[i].offsetMinutes * MINUTE_MS) / DAY_MS);
  }

  /** The local day number of the first day of the week (Monday) or month holding `instant`. */
  periodOf(instant: Date, interval: "week" | "month"): number {
    const day = this.dayOf(instant);
    return interval === "week" ? mondayOf(day) : firstOfMonth(day);
  }

  private widen(ms: number): void {
    // a year around what is asked, so a batch's instants need one Intl scan
    this.from = Math.min(this.from, ms - 366 * DAY_MS);
    this.to = Math.max(this.to, ms + 366 * DAY_MS);
    this.segments = offsetSegments(new Date(this.from), new Date(this.to), this.timezone);
  }
}

