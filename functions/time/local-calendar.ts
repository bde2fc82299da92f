import { firstOfMonth, mondayOf } from "./day-numbers";
import { DAY_MS, MINUTE_MS } from "./constants";
import { startOfLocalDay } from "./range";
import { zoneTransitions } from "./zone";
import type { ZoneTransitions } from "./transitions";

/** Local dates and periods of instants in one zone, from its cached transitions (no Intl per call). */
export class LocalCalendar {
  private static readonly zones = new Map<string, LocalCalendar>();
  private readonly transitions: ZoneTransitions;

  private constructor(readonly timezone: string) {
    this.transitions = zoneTransitions(timezone);
  }

  /** One per zone for the process: its transitions are found once (transitions.ts), not per ingest. */
  static of(timezone: string): LocalCalendar {
    let calendar = LocalCalendar.zones.get(timezone);
    if (!calendar) LocalCalendar.zones.set(timezone, (calendar = new LocalCalendar(timezone)));
    return calendar;
  }

  /** Local day number (days since 1970-01-01 in local time). */
  dayOf(instant: Date): number {
    const ms = instant.getTime();
    return Math.floor((ms + this.transitions.offsetAt(ms) * MINUTE_MS) / DAY_MS);
  }

  /** When local day `dayNumber` begins, as a UTC instant (range.ts, startOfLocalDay). */
  startOf(dayNumber: number): Date {
    return startOfLocalDay(dayNumber, this.timezone);
  }

  /** The first local day that begins at or after `instant`. */
  firstDayFrom(instant: Date): number {
    const day = this.dayOf(instant);
    return this.startOf(day).getTime() < instant.getTime() ? day + 1 : day;
  }

  /** The local day number of the first day of the week (Monday) or month holding `instant`. */
  periodOf(instant: Date, interval: "week" | "month"): number {
    const day = this.dayOf(instant);
    return interval === "week" ? mondayOf(day) : firstOfMonth(day);
  }
}
