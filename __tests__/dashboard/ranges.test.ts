import { addYears, daysIn } from "../../dashboard/src/lib/local-date";
import { comparisonRange, customRangeProblem, presetRange } from "../../dashboard/src/lib/ranges";
import { choosePreset, chooseZone, initialSelection } from "../../dashboard/src/lib/selection";
import { todayIn } from "../../dashboard/src/lib/zone";

const NY = "America/New_York";
const at = (instant: string) => new Date(instant);

describe("todayIn: the local date in the report's zone", () => {
  it("is the zone's date, not UTC's nor the reader's", () => {
    expect(todayIn("Asia/Tokyo", at("2026-03-31T15:30:00Z"))).toBe("2026-04-01");
    expect(todayIn(NY, at("2026-03-01T03:00:00Z"))).toBe("2026-02-28");
    expect(todayIn("Asia/Kolkata", at("2026-01-01T18:29:00Z"))).toBe("2026-01-01");
    expect(todayIn("Asia/Kolkata", at("2026-01-01T18:30:00Z"))).toBe("2026-01-02");
  });

  it("turns at the zone's midnight on DST days (NY springs forward 2026-03-08, falls back 2026-11-01)", () => {
    expect(todayIn(NY, at("2026-03-08T04:59:00Z"))).toBe("2026-03-07");
    expect(todayIn(NY, at("2026-03-08T05:00:00Z"))).toBe("2026-03-08");
    // After the jump the offset is -4: midnight of the 9th is 04:00Z, not 05:00Z.
    expect(todayIn(NY, at("2026-03-09T03:59:00Z"))).toBe("2026-03-08");
    expect(todayIn(NY, at("2026-03-09T04:00:00Z"))).toBe("2026-03-09");
    expect(todayIn(NY, at("2026-11-02T04:59:00Z"))).toBe("2026-11-01");
    expect(todayIn(NY, at("2026-11-02T05:00:00Z"))).toBe("2026-11-02");
  });
});

describe("presetRange: ranges ending today, both ends included", () => {
  it("counts today among the last N days", () => {
    expect(presetRange("today", "2026-03-08")).toEqual({ from: "2026-03-08", to: "2026-03-08" });
    expect(presetRange("last7", "2026-03-08")).toEqual({ from: "2026-03-02", to: "2026-03-08" });
    expect(presetRange("last30", "2026-03-08")).toEqual({ from: "2026-02-07", to: "2026-03-08" });
    expect(presetRange("last90", "2026-03-08")).toEqual({ from: "2025-12-09", to: "2026-03-08" });
    for (const [preset, days] of [
      ["last7", 7],
      ["last30", 30],
      ["last90", 90],
    ] as const) {
      const range = presetRange(preset, "2026-03-08");
      expect(daysIn(range.from, range.to)).toBe(days);
    }
  });

  it("starts month and year to date on the 1st, also on a month's last day and on 1 January", () => {
    expect(presetRange("monthToDate", "2026-01-31")).toEqual({ from: "2026-01-01", to: "2026-01-31" });
    expect(presetRange("monthToDate", "2028-02-29")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(presetRange("monthToDate", "2026-04-01")).toEqual({ from: "2026-04-01", to: "2026-04-01" });
    expect(presetRange("yearToDate", "2026-12-31")).toEqual({ from: "2026-01-01", to: "2026-12-31" });
    expect(presetRange("yearToDate", "2026-01-01")).toEqual({ from: "2026-01-01", to: "2026-01-01" });
  });

  it("crosses month and year ends going back", () => {
    expect(presetRange("last7", "2026-03-03")).toEqual({ from: "2026-02-25", to: "2026-03-03" });
    expect(presetRange("last7", "2028-03-03")).toEqual({ from: "2028-02-26", to: "2028-03-03" });
    expect(presetRange("last30", "2026-01-10")).toEqual({ from: "2025-12-12", to: "2026-01-10" });
  });
});

describe("comparisonRange", () => {
  it("previous period: as many days, just before", () => {
    expect(comparisonRange({ from: "2026-03-01", to: "2026-03-31" }, "previous")).toEqual({
      from: "2026-01-29",
      to: "2026-02-28",
    });
    expect(comparisonRange({ from: "2026-03-08", to: "2026-03-08" }, "previous")).toEqual({
      from: "2026-03-07",
      to: "2026-03-07",
    });
    expect(comparisonRange({ from: "2026-01-01", to: "2026-01-07" }, "previous")).toEqual({
      from: "2025-12-25",
      to: "2025-12-31",
    });
  });

  it("same period last year: the same dates, 29 February becoming the 28th", () => {
    expect(comparisonRange({ from: "2026-03-01", to: "2026-03-31" }, "lastYear")).toEqual({
      from: "2025-03-01",
      to: "2025-03-31",
    });
    expect(comparisonRange({ from: "2028-02-01", to: "2028-02-29" }, "lastYear")).toEqual({
      from: "2027-02-01",
      to: "2027-02-28",
    });
    expect(comparisonRange({ from: "2028-02-29", to: "2028-02-29" }, "lastYear")).toEqual({
      from: "2027-02-28",
      to: "2027-02-28",
    });
    // From a common year into a leap year nothing moves: 28 February stays the 28th.
    expect(comparisonRange({ from: "2029-02-01", to: "2029-02-28" }, "lastYear")).toEqual({
      from: "2028-02-01",
      to: "2028-02-28",
    });
    expect(addYears("2028-02-29", -4)).toBe("2024-02-29");
  });

  it("is none when no comparison is asked for", () => {
    expect(comparisonRange({ from: "2026-03-01", to: "2026-03-31" }, "none")).toBeUndefined();
  });
});

describe("customRangeProblem", () => {
  it("refuses an end before the start and takes a one-day range", () => {
    expect(customRangeProblem({ from: "2026-03-02", to: "2026-03-01" })).toMatch(/before/);
    expect(customRangeProblem({ from: "2026-03-01", to: "2026-03-01" })).toBeUndefined();
  });
});

describe("selection: presets follow the zone", () => {
  const now = at("2026-03-31T23:30:00Z"); // 31 March in New York, 1 April in Tokyo

  it("starts with the last 30 days in the store's zone, compared with the 30 before", () => {
    const selection = initialSelection(NY, now);
    expect(selection.range).toEqual({ from: "2026-03-02", to: "2026-03-31" });
    expect(selection.comparisonRange).toEqual({ from: "2026-01-31", to: "2026-03-01" });
    expect(selection.zone).toBeUndefined();
  });

  it("computes a preset again in another zone, where today may be another day", () => {
    const monthToDate = choosePreset(initialSelection(NY, now), "monthToDate", NY, now);
    expect(monthToDate.range).toEqual({ from: "2026-03-01", to: "2026-03-31" });
    const inTokyo = chooseZone(monthToDate, "Asia/Tokyo", NY, now);
    expect(inTokyo.range).toEqual({ from: "2026-04-01", to: "2026-04-01" });
    expect(inTokyo.zone).toBe("Asia/Tokyo");
    expect(chooseZone(inTokyo, NY, NY, now).zone).toBeUndefined();
  });
});
