/** Time in the demo generator: the store's offsets and RFC 3339 local timestamps. */
import {
  formatDayNumber,
  formatOffset,
  Rfc3339Formatter,
  ZoneOffsetLookup,
  ZoneOffsets,
} from "../../../tools/demo/time";

describe("ZoneOffsets", () => {
  it("knows New York's offsets on both sides of the spring change (2026-03-08 07:00 UTC)", () => {
    const start = Date.parse("2026-03-07T00:00:00Z");
    const zone = new ZoneOffsets("America/New_York", start, Date.parse("2026-03-10T00:00:00Z"));
    expect(zone.offsetMinutes(Date.parse("2026-03-08T06:59:59.999Z"))).toBe(-300);
    expect(zone.offsetMinutes(Date.parse("2026-03-08T07:00:00Z"))).toBe(-240);
  });

  it("finds changes inside an hour (Lord Howe Island moves 30 minutes at 02:00 local)", () => {
    const lookup = new ZoneOffsetLookup("Australia/Lord_Howe");
    const from = Date.parse("2025-09-01T00:00:00Z");
    const to = Date.parse("2025-12-01T00:00:00Z");
    const zone = new ZoneOffsets("Australia/Lord_Howe", from, to);
    const disagreements: number[] = [];
    for (let ms = from; ms < to; ms += 7 * 60_000 + 13_000)
      if (zone.offsetMinutes(ms) !== lookup.offsetMinutes(ms)) disagreements.push(ms);
    expect(disagreements).toEqual([]);
    // and it does change, by half an hour, on 2025-10-05 at 02:00 local: 15:30 UTC, mid-hour
    expect(zone.offsetMinutes(Date.parse("2025-10-04T15:29:59.999Z"))).toBe(630);
    expect(zone.offsetMinutes(Date.parse("2025-10-04T15:30:00Z"))).toBe(660);
  });

  it("writes offsets the RFC 3339 way", () => {
    expect(formatOffset(0)).toBe("Z");
    expect(formatOffset(330)).toBe("+05:30");
    expect(formatOffset(-240)).toBe("-04:00");
    expect(formatOffset(-570)).toBe("-09:30");
  });

  it("rejects unknown zones", () => {
    expect(() => new ZoneOffsetLookup("Nowhere/Special")).toThrow(/unknown time zone/);
  });
});

describe("Rfc3339Formatter", () => {
  it("writes the local time and the offset of an instant", () => {
    const formatter = new Rfc3339Formatter();
    const ms = Date.parse("2026-03-08T14:03:11.250Z");
    expect(formatter.format(ms, 0)).toBe("2026-03-08T14:03:11.250Z");
    expect(formatter.format(ms, -240)).toBe("2026-03-08T10:03:11.250-04:00");
    expect(formatter.format(ms, 330)).toBe("2026-03-08T19:33:11.250+05:30");
    expect(formatter.format(Date.parse("2025-12-31T23:59:59.999Z"), 60)).toBe("2026-01-01T00:59:59.999+01:00");
  });

  it("agrees with Date for any instant and offset, cache or no cache", () => {
    const formatter = new Rfc3339Formatter();
    let seed = 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const wrong: string[] = [];
    for (let i = 0; i < 20000; i++) {
      // mostly nearby instants (the cache's case), now and then a jump anywhere in 40 years
      const ms = Math.floor(
        Date.parse("1999-01-01T00:00:00Z") +
          (i % 50 === 0 ? random() * 40 * 365 : i / 1000) * 86_400_000 +
          random() * 3_600_000,
      );
      const offset = [0, -300, -240, 330, 525, 780][i % 6];
      const text = formatter.format(ms, offset);
      if (Date.parse(text) !== ms || text.slice(0, 23) !== new Date(ms + offset * 60_000).toISOString().slice(0, 23))
        wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it("formats day numbers like Date does, leap years included", () => {
    for (const day of [-719468, -1, 0, 11016, 19782, 20513, 20514, 2932896]) {
      expect(formatDayNumber(day)).toBe(new Date(day * 86_400_000).toISOString().slice(0, 10));
    }
  });
});
