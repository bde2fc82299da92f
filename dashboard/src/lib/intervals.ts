import type { Interval } from "./reports";

/** Hourly buckets beyond this many days make a chart nobody can read (and a long answer). */
export const MAX_HOURLY_DAYS = 31;

/** The buckets a range is shown in until the reader picks others: about 7 to 100 points. */
export function defaultInterval(days: number): Interval {
  if (days <= 2) return "hour";
  if (days <= 92) return "day";
  if (days <= 731) return "week";
  return "month";
}

/** The interval to ask for: the reader's choice when it fits the range, else the range's default. */
export function intervalFor(days: number, chosen: Interval | undefined): Interval {
  if (chosen === undefined || (chosen === "hour" && days > MAX_HOURLY_DAYS)) return defaultInterval(days);
  return chosen;
}
