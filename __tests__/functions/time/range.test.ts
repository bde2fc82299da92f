import { daysInRange, isValidLocalDate, utcBounds } from "../../../functions/time";

const HOUR_MS = 3_600_000;
const day = (date: string, timezone: string) => ({ from: date, to: date, timezone });
const hoursLong = ({ start, end }: { start: Date; end: Date }) => (end.getTime() - start.getTime()) / HOUR_MS;

describe("isValidLocalDate", () => {
  it.each(["2026-03-08", "2024-02-29", "2000-02-29", "1000-01-01", "9999-12-31"])("accepts %s", (date) =>
    expect(isValidLocalDate(date)).toBe(true),
  );

  it.each([
    ["a day that does not exist", "2025-02-30"],
    ["Feb 29 outside a leap year", "2025-02-29"],
    ["1900, not a leap year", "1900-02-29"],
    ["month 13", "2026-13-01"],
    ["day 0", "2026-01-00"],
    ["no zero padding", "2026-3-8"],
    ["a time part", "2026-03-08T00:00"],
    ["slashes", "2026/03/08"],
    ["surrounding space", " 2026-03-08"],
    ["a year DATETIME cannot hold", "0999-12-31"],
    ["empty", ""],
  ])("rejects %s (%j)", (_why, date) => expect(isValidLocalDate(date)).toBe(false));
});

describe("utcBounds", () => {
  it("starts an Asia/Kolkata (+05:30) day at 18:30 UTC the day before", () => {
    expect(utcBounds(day("2026-03-08", "Asia/Kolkata"))).toEqual({
      start: new Date("2026-03-07T18:30:00Z"),
      end: new Date("2026-03-08T18:30:00Z"),
    });
  });

  it("starts an Asia/Kathmandu (+05:45) day at 18:15 UTC the day before", () => {
    expect(utcBounds(day("2026-03-08", "Asia/Kathmandu"))).toEqual({
      start: new Date("2026-03-07T18:15:00Z"),
      end: new Date("2026-03-08T18:15:00Z"),
    });
  });

  it("makes New York's spring-forward day 23 hours long", () => {
    const bounds = utcBounds(day("2026-03-08", "America/New_York"));
    expect(bounds).toEqual({ start: new Date("2026-03-08T05:00:00Z"), end: new Date("2026-03-09T04:00:00Z") });
    expect(hoursLong(bounds)).toBe(23);
  });

  it("makes New York's fall-back day 25 hours long", () => {
    const bounds = utcBounds(day("2026-11-01", "America/New_York"));
    expect(bounds).toEqual({ start: new Date("2026-11-01T04:00:00Z"), end: new Date("2026-11-02T05:00:00Z") });
    expect(hoursLong(bounds)).toBe(25);
  });

  it("covers a multi-day range from the first midnight to the midnight after `to`", () => {
    expect(utcBounds({ from: "2026-03-01", to: "2026-03-31", timezone: "America/New_York" })).toEqual({
      start: new Date("2026-03-01T05:00:00Z"),
      end: new Date("2026-04-01T04:00:00Z"),
    });
  });

  it("starts a day whose midnight is skipped at the first instant of it (Santiago springs 00:00 -> 01:00)", () => {
    const bounds = utcBounds(day("2026-09-06", "America/Santiago"));
    expect(bounds.start).toEqual(new Date("2026-09-06T04:00:00Z")); // 01:00 -03
    expect(hoursLong(bounds)).toBe(23);
  });

  it("throws RangeError on a bad zone, a bad date, or `to` before `from`", () => {
    expect(() => utcBounds(day("2026-03-08", "Not/AZone"))).toThrow(RangeError);
    expect(() => utcBounds(day("2026-02-30", "UTC"))).toThrow(RangeError);
    expect(() => utcBounds({ from: "2026-03-09", to: "2026-03-08", timezone: "UTC" })).toThrow(/before/);
  });
});

describe("daysInRange", () => {
  it("counts both ends", () => {
    expect(daysInRange(day("2026-03-08", "UTC"))).toBe(1);
    expect(daysInRange({ from: "2026-02-01", to: "2026-02-28", timezone: "UTC" })).toBe(28);
  });

  it("counts calendar days, whatever their length in hours", () => {
    expect(daysInRange({ from: "2026-03-07", to: "2026-03-09", timezone: "America/New_York" })).toBe(3);
  });

  it("counts 3 years including a leap year", () => {
    expect(daysInRange({ from: "2024-01-01", to: "2026-12-31", timezone: "Asia/Kolkata" })).toBe(366 + 365 + 365);
  });

  it("throws on an invalid range", () => {
    expect(() => daysInRange({ from: "2026-03-09", to: "2026-03-08", timezone: "UTC" })).toThrow(RangeError);
  });
});
