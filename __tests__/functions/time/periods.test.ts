import fc from "fast-check";
import { periodOf, periodsInRange, utcBounds, type Interval, type Period } from "../../../functions/time";

const NY = "America/New_York";
const keys = (periods: Period[]) => periods.map((p) => p.key);
const iso = (date: Date) => date.toISOString();

describe("periodsInRange: days", () => {
  it("has one period per local day, sized by the zone's DST (NY: 23h, 24h, 25h)", () => {
    const periods = periodsInRange({ from: "2026-03-08", to: "2026-03-09", timezone: NY }, "day");
    expect(periods.map((p) => [p.key, p.label, iso(p.start), iso(p.end)])).toEqual([
      ["2026-03-08", "2026-03-08", "2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"],
      ["2026-03-09", "2026-03-09", "2026-03-09T04:00:00.000Z", "2026-03-10T04:00:00.000Z"],
    ]);
    const [fallBack] = periodsInRange({ from: "2026-11-01", to: "2026-11-01", timezone: NY }, "day");
    expect(fallBack.end.getTime() - fallBack.start.getTime()).toBe(25 * 3_600_000);
  });

  it("cuts Kolkata and Kathmandu days at their half- and quarter-hour offsets", () => {
    const [kolkata] = periodsInRange({ from: "2026-01-01", to: "2026-01-01", timezone: "Asia/Kolkata" }, "day");
    expect([iso(kolkata.start), iso(kolkata.end)]).toEqual(["2025-12-31T18:30:00.000Z", "2026-01-01T18:30:00.000Z"]);
    const [kathmandu] = periodsInRange({ from: "2026-01-01", to: "2026-01-01", timezone: "Asia/Kathmandu" }, "day");
    expect([iso(kathmandu.start), iso(kathmandu.end)]).toEqual([
      "2025-12-31T18:15:00.000Z",
      "2026-01-01T18:15:00.000Z",
    ]);
  });

  it("keeps a day the zone skipped, empty (Samoa jumped over 2011-12-30)", () => {
    const periods = periodsInRange({ from: "2011-12-29", to: "2011-12-31", timezone: "Pacific/Apia" }, "day");
    expect(keys(periods)).toEqual(["2011-12-29", "2011-12-30", "2011-12-31"]);
    expect(periods[1].start).toEqual(periods[1].end);
  });
});

describe("periodsInRange: hours", () => {
  it("has 23 hours on NY's spring-forward day, with no 02:00", () => {
    const periods = periodsInRange({ from: "2026-03-08", to: "2026-03-08", timezone: NY }, "hour");
    expect(periods).toHaveLength(23);
    expect(keys(periods).slice(1, 4)).toEqual([
      "2026-03-08T01:00-05:00",
      "2026-03-08T03:00-04:00",
      "2026-03-08T04:00-04:00",
    ]);
  });

  it("has 25 hours on NY's fall-back day, the repeated 01:00 told apart by its offset", () => {
    const periods = periodsInRange({ from: "2026-11-01", to: "2026-11-01", timezone: NY }, "hour");
    expect(periods).toHaveLength(25);
    expect(periods.slice(1, 3).map((p) => [p.key, p.label, iso(p.start)])).toEqual([
      ["2026-11-01T01:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T05:00:00.000Z"],
      ["2026-11-01T01:00-05:00", "2026-11-01T01:00:00-05:00", "2026-11-01T06:00:00.000Z"],
    ]);
  });

  it("starts Kathmandu's hours at :15 UTC", () => {
    const periods = periodsInRange({ from: "2026-03-08", to: "2026-03-08", timezone: "Asia/Kathmandu" }, "hour");
    expect(periods).toHaveLength(24);
    expect([periods[0].key, iso(periods[0].start), iso(periods[0].end)]).toEqual([
      "2026-03-08T00:00+05:45",
      "2026-03-07T18:15:00.000Z",
      "2026-03-07T19:15:00.000Z",
    ]);
  });

  it("has a 30-minute second 01:00 where Lord Howe falls back by half an hour", () => {
    const periods = periodsInRange({ from: "2026-04-05", to: "2026-04-05", timezone: "Australia/Lord_Howe" }, "hour");
    const repeated = periods.filter((p) => p.key.startsWith("2026-04-05T01:00"));
    expect(repeated.map((p) => [p.key, (p.end.getTime() - p.start.getTime()) / 60_000])).toEqual([
      ["2026-04-05T01:00+11:00", 60],
      ["2026-04-05T01:00+10:30", 30],
    ]);
  });
});

describe("periodsInRange: weeks (ISO, Monday)", () => {
  it("keys each week by its local Monday, across a month and year boundary", () => {
    const periods = periodsInRange({ from: "2026-12-28", to: "2027-01-03", timezone: "Asia/Kolkata" }, "week");
    expect(periods.map((p) => [p.key, iso(p.start), iso(p.end)])).toEqual([
      ["2026-12-28", "2026-12-27T18:30:00.000Z", "2027-01-03T18:30:00.000Z"],
    ]);
  });

  it("includes whole weeks that the range only partly covers", () => {
    const periods = periodsInRange({ from: "2026-12-31", to: "2027-01-05", timezone: NY }, "week");
    expect(keys(periods)).toEqual(["2026-12-28", "2027-01-04"]);
    expect(iso(periods[0].start)).toBe("2026-12-28T05:00:00.000Z");
  });

  it("gives a week spanning a DST change 167 hours", () => {
    const [week] = periodsInRange({ from: "2026-03-02", to: "2026-03-08", timezone: NY }, "week");
    expect(week.key).toBe("2026-03-02");
    expect((week.end.getTime() - week.start.getTime()) / 3_600_000).toBe(167);
  });
});

describe("periodsInRange: months", () => {
  it("keys months YYYY-MM and includes the months `from` and `to` fall in", () => {
    const periods = periodsInRange({ from: "2025-11-15", to: "2026-03-08", timezone: NY }, "month");
    expect(keys(periods)).toEqual(["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]);
    expect(periods.map((p) => p.label)).toEqual(keys(periods));
    expect(iso(periods[0].start)).toBe("2025-11-01T04:00:00.000Z"); // still EDT on Nov 1st 2025
    expect(iso(periods[4].end)).toBe("2026-04-01T04:00:00.000Z");
  });
});

describe("periodOf", () => {
  it("finds the local period of an instant", () => {
    const instant = new Date("2026-11-01T06:30:00Z"); // 01:30 EST, the second 01:30 of the night
    expect(periodOf(instant, NY, "hour")).toBe("2026-11-01T01:00-05:00");
    expect(periodOf(instant, NY, "day")).toBe("2026-11-01");
    expect(periodOf(instant, NY, "week")).toBe("2026-10-26");
    expect(periodOf(instant, NY, "month")).toBe("2026-11");
    expect(periodOf(new Date("2026-12-31T18:30:00Z"), "Asia/Kolkata", "month")).toBe("2027-01");
    expect(periodOf(new Date("2026-12-31T18:29:59.999Z"), "Asia/Kolkata", "month")).toBe("2026-12");
  });

  it("rejects an unknown interval or zone", () => {
    expect(() => periodOf(new Date(), NY, "year" as Interval)).toThrow(RangeError);
    expect(() => periodOf(new Date(), "Nope/Nope", "day")).toThrow(RangeError);
  });
});

describe("periods and periodOf agree", () => {
  const zones = ["America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"];
  const intervals: Interval[] = ["hour", "day", "week", "month"];

  it.each(zones.flatMap((zone) => intervals.map((interval) => [zone, interval] as const)))(
    "%s by %s: contiguous, in order, each period's first and last millisecond carry its key",
    (timezone, interval) => {
      const range = { from: "2026-03-01", to: "2026-11-30", timezone };
      const periods = periodsInRange(range, interval);
      const bounds = utcBounds(range);
      expect(periods[0].start.getTime()).toBeLessThanOrEqual(bounds.start.getTime());
      expect(periods[periods.length - 1].end.getTime()).toBeGreaterThanOrEqual(bounds.end.getTime());
      expect(new Set(keys(periods)).size).toBe(periods.length);
      const gaps = periods.filter((p, i) => i > 0 && p.start.getTime() !== periods[i - 1].end.getTime());
      expect(gaps).toEqual([]);
      const firstMs = periods.map((p) => periodOf(p.start, timezone, interval));
      const lastMs = periods.map((p) => periodOf(new Date(p.end.getTime() - 1), timezone, interval));
      expect(firstMs).toEqual(keys(periods));
      expect(lastMs).toEqual(keys(periods));
    },
  );

  it("puts any instant in the range into the period whose [start, end) holds it", () => {
    const range = { from: "2024-01-01", to: "2026-12-31", timezone: NY };
    const { start, end } = utcBounds(range);
    const byInterval = new Map(intervals.map((interval) => [interval, periodsInRange(range, interval)]));
    fc.assert(
      fc.property(
        fc.integer({ min: start.getTime(), max: end.getTime() - 1 }),
        fc.constantFrom(...intervals),
        (ms, interval) => {
          const holder = byInterval.get(interval)!.find((p) => p.start.getTime() <= ms && ms < p.end.getTime());
          expect(holder?.key).toBe(periodOf(new Date(ms), NY, interval));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("lists 26,304 hours over 3 years of New York (2 DST days per year cancel out)", () => {
    const periods = periodsInRange({ from: "2024-01-01", to: "2026-12-31", timezone: NY }, "hour");
    expect(periods).toHaveLength((366 + 365 + 365) * 24);
  });
});
