import { clearTransitionCache, offsetSegments, utcOffsetMinutes, zoneTransitions } from "../../../functions/time";
import { cachedTransitions } from "../../../functions/time/transitions";

const HOUR_MS = 3_600_000;
const from = Date.parse("2022-12-25T00:00:00Z");
const to = Date.parse("2026-01-10T00:00:00Z");

describe("zone transitions (cached per zone)", () => {
  beforeEach(() => clearTransitionCache());

  it.each(["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "Europe/Dublin"])(
    "agree with Intl at every change and every hour of 3 years in %s",
    (zone) => {
      const segments = offsetSegments(new Date(from), new Date(to), zone);
      for (const [i, segment] of segments.entries()) {
        expect(segment.offsetMinutes).toBe(utcOffsetMinutes(segment.start, zone));
        if (i > 0)
          expect(utcOffsetMinutes(new Date(segment.start.getTime() - 1), zone)).toBe(segments[i - 1].offsetMinutes);
      }
      const transitions = zoneTransitions(zone);
      for (let ms = from; ms < to; ms += HOUR_MS)
        expect(transitions.offsetAt(ms)).toBe(utcOffsetMinutes(new Date(ms), zone));
    },
  );

  it("gives the same segments cold and warm, and for a range inside one already read", () => {
    const cold = offsetSegments(new Date(from), new Date(to), "America/New_York");
    expect(cold).toHaveLength(7);
    expect(offsetSegments(new Date(from), new Date(to), "America/New_York")).toEqual(cold);
    const inner = offsetSegments(cold[2].start, cold[5].start, "America/New_York");
    expect(inner).toEqual(cold.slice(2, 5));
  });

  it("knows a zone by any spelling Intl accepts, and refuses one it does not", () => {
    expect(zoneTransitions("america/new_york").offsetAt(from)).toBe(-300);
    expect(() => zoneTransitions("Nowhere/Special")).toThrow(RangeError);
  });
});

describe("a report's range, read once", () => {
  it("carries its day numbers and gives the same bounds and periods as the plain range", async () => {
    const { readRange, utcBounds, periodsInRange } = await import("../../../functions/time");
    const plain = { from: "2025-03-01", to: "2025-11-30", timezone: "America/New_York" };
    const read = readRange(plain);
    expect(read).toEqual({ ...plain, fromDay: 20148, toDay: 20422 });
    expect(utcBounds(read)).toEqual(utcBounds(plain));
    expect(periodsInRange(read, "hour")).toEqual(periodsInRange(plain, "hour"));
    expect(() => readRange({ ...plain, to: "2025-02-28" })).toThrow(RangeError);
  });
});

describe("finding a change to the millisecond", () => {
  /** A made-up zone: +60 from each change point on, 0 before, counting the probes. */
  const zoneChangingAt = (changes: number[]) => {
    const probe = { count: 0 };
    const offsetAt = (ms: number) => {
      probe.count++;
      return changes.filter((at) => ms >= at).length % 2 === 1 ? 60 : 0;
    };
    return { transitions: cachedTransitions(`made-up ${changes.join(",")}`, offsetAt), probe };
  };
  const year = (iso: string) => Date.parse(iso);

  it("finds a change on a whole second (as every zone's is) in about 20 probes instead of 30", () => {
    const at = year("2024-03-10T07:00:00Z");
    const { transitions, probe } = zoneChangingAt([at]);
    const start = year("2024-03-01T00:00:00Z");
    expect(transitions.changesBetween(start, year("2024-03-20T00:00:00Z"))).toEqual([{ at, offsetMinutes: 60 }]);
    // the block's scan (a probe every 6 days over 128 days) plus the bisection
    expect(probe.count).toBeLessThanOrEqual(23 + 21);
    expect(transitions.offsetAt(at - 1)).toBe(0);
    expect(transitions.offsetAt(at)).toBe(60);
  });

  it.each([
    ["inside a second", "2024-03-10T07:00:00.123Z"],
    ["one millisecond after a second", "2024-03-10T07:00:00.001Z"],
    ["one millisecond before a second", "2024-03-10T06:59:59.999Z"],
  ])("stays exact for a change %s", (_, iso) => {
    const at = year(iso);
    const back = at + 10 * 86_400_000; // changes that cancel out are a week apart at the closest
    const { transitions } = zoneChangingAt([at, back]);
    expect(transitions.changesBetween(at - 86_400_000, back + 86_400_000)).toEqual([
      { at, offsetMinutes: 60 },
      { at: back, offsetMinutes: 0 },
    ]);
  });
});
