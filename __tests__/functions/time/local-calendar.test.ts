import { DAY_MS, LocalCalendar, parseLocalDate } from "../../../functions/time";

/**
 * The rollups kept in a store's local dates (sales_local_days, product_days, cohort cells) date
 * each instant with `dayOf`, and a report in the store's zone reads whole days from `startOf` of
 * its first day to `startOf` of the day after its last. Both must agree on every day, midnights
 * skipped or repeated by a clock change included, or an order would fall between two sources.
 */
const ZONES = [
  "UTC",
  "America/New_York",
  "America/Santiago", // clocks change at midnight: a day without 00:00, and 23:00 twice
  "Australia/Lord_Howe", // half-hour DST
  "Pacific/Chatham", // +12:45 / +13:45
  "Asia/Kathmandu",
];

describe("LocalCalendar: the days of a zone tile time", () => {
  const first = parseLocalDate("2025-01-01");
  const last = parseLocalDate("2026-12-31");

  it.each(ZONES)("in %s, day d is exactly the instants from startOf(d) up to startOf(d + 1)", (zone) => {
    const calendar = LocalCalendar.of(zone);
    for (let day = first; day <= last; day++) {
      const start = calendar.startOf(day).getTime();
      const next = calendar.startOf(day + 1).getTime();
      expect(next - start).toBeGreaterThanOrEqual(DAY_MS - 2 * 3_600_000);
      expect(calendar.dayOf(new Date(start))).toBe(day);
      expect(calendar.dayOf(new Date(start - 1))).toBe(day - 1);
      expect(calendar.dayOf(new Date(next - 1))).toBe(day);
    }
  });

  it.each(ZONES)("in %s, firstDayFrom is the first day that begins at or after an instant", (zone) => {
    const calendar = LocalCalendar.of(zone);
    for (let day = first; day <= last; day += 7) {
      const start = calendar.startOf(day);
      expect(calendar.firstDayFrom(start)).toBe(day);
      expect(calendar.firstDayFrom(new Date(start.getTime() + 1))).toBe(day + 1);
      expect(calendar.firstDayFrom(new Date(start.getTime() - 1))).toBe(day);
    }
  });
});
