import { addDays, addYears, daysIn, firstOfMonth, firstOfYear, type LocalDate } from "./local-date";

/** A report's range: local dates, both included, as the API's `from` and `to`. */
export interface DateRange {
  from: LocalDate;
  to: LocalDate;
}

export type PresetId = "today" | "last7" | "last30" | "last90" | "monthToDate" | "yearToDate" | "custom";

export const PRESETS: ReadonlyArray<{ id: PresetId; label: string }> = [
  { id: "today", label: "Today" },
  { id: "last7", label: "Last 7 days" },
  { id: "last30", label: "Last 30 days" },
  { id: "last90", label: "Last 90 days" },
  { id: "monthToDate", label: "Month to date" },
  { id: "yearToDate", label: "Year to date" },
  { id: "custom", label: "Custom" },
];

/** A preset's range ending `today`, the local date in the report's zone (`todayIn`). Custom has no range of its own. */
export function presetRange(preset: Exclude<PresetId, "custom">, today: LocalDate): DateRange {
  switch (preset) {
    case "today":
      return { from: today, to: today };
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
    case "last90":
      return { from: addDays(today, -89), to: today };
    case "monthToDate":
      return { from: firstOfMonth(today), to: today };
    case "yearToDate":
      return { from: firstOfYear(today), to: today };
  }
}

export type ComparisonMode = "none" | "previous" | "lastYear";

export const COMPARISONS: ReadonlyArray<{ id: ComparisonMode; label: string }> = [
  { id: "previous", label: "Previous period" },
  { id: "lastYear", label: "Same period last year" },
  { id: "none", label: "No comparison" },
];

/**
 * The range to compare with: the as many days just before it (previous period), or the same dates a year earlier
 * (29 February becoming 28 February, so a range keeps its place in the calendar, not always its length).
 */
export function comparisonRange(range: DateRange, mode: ComparisonMode): DateRange | undefined {
  switch (mode) {
    case "none":
      return undefined;
    case "previous": {
      const to = addDays(range.from, -1);
      return { from: addDays(to, 1 - daysIn(range.from, range.to)), to };
    }
    case "lastYear":
      return { from: addYears(range.from, -1), to: addYears(range.to, -1) };
  }
}

/** Why a custom range cannot be asked for, or undefined when it can (the API checks the rest: under 3 years). */
export function customRangeProblem(range: DateRange): string | undefined {
  if (range.to < range.from) return "The end date is before the start date.";
  return undefined;
}
