import { formatOffset, isValidTimeZone, offsetSegments, utcOffsetMinutes } from "../../../functions/time";

const at = (iso: string) => new Date(iso);

describe("isValidTimeZone", () => {
  it.each(["America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "UTC", "Europe/London", "US/Eastern"])(
    "accepts the IANA name %s",
    (zone) => expect(isValidTimeZone(zone)).toBe(true),
  );

  it.each(["", " ", "Mars/Olympus_Mons", "America/New York", "+05:30", "-04:00", "GMT+25", "null"])(
    "rejects %j",
    (zone) => expect(isValidTimeZone(zone)).toBe(false),
  );

  it("rejects non-strings that slip past the types", () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(42 as unknown as string)).toBe(false);
  });
});

describe("utcOffsetMinutes", () => {
  it("knows half-hour, 45-minute and DST offsets", () => {
    expect(utcOffsetMinutes(at("2026-06-01T00:00Z"), "Asia/Kolkata")).toBe(330);
    expect(utcOffsetMinutes(at("2026-06-01T00:00Z"), "Asia/Kathmandu")).toBe(345);
    expect(utcOffsetMinutes(at("2026-01-15T12:00Z"), "America/New_York")).toBe(-300);
    expect(utcOffsetMinutes(at("2026-07-15T12:00Z"), "America/New_York")).toBe(-240);
    expect(utcOffsetMinutes(at("2026-07-15T12:00Z"), "UTC")).toBe(0);
  });

  it("throws on an unknown zone", () => {
    expect(() => utcOffsetMinutes(at("2026-01-01T00:00Z"), "Nowhere/Special")).toThrow(RangeError);
  });
});

describe("formatOffset", () => {
  it("writes ±HH:MM", () => {
    expect(formatOffset(-240)).toBe("-04:00");
    expect(formatOffset(345)).toBe("+05:45");
    expect(formatOffset(0)).toBe("+00:00");
    expect(formatOffset(-210)).toBe("-03:30");
  });
});

describe("offsetSegments", () => {
  it("finds New York's 2026 transitions to the millisecond", () => {
    expect(offsetSegments(at("2026-01-01T00:00Z"), at("2027-01-01T00:00Z"), "America/New_York")).toEqual([
      { start: at("2026-01-01T00:00Z"), offsetMinutes: -300 },
      { start: at("2026-03-08T07:00Z"), offsetMinutes: -240 }, // 02:00 EST -> 03:00 EDT
      { start: at("2026-11-01T06:00Z"), offsetMinutes: -300 }, // 02:00 EDT -> 01:00 EST
    ]);
  });

  it("is a single segment for a zone without DST", () => {
    expect(offsetSegments(at("2024-01-01T00:00Z"), at("2027-01-01T00:00Z"), "Asia/Kathmandu")).toEqual([
      { start: at("2024-01-01T00:00Z"), offsetMinutes: 345 },
    ]);
  });

  it("ignores a transition at or after the end", () => {
    expect(offsetSegments(at("2026-03-01T00:00Z"), at("2026-03-08T07:00Z"), "America/New_York")).toHaveLength(1);
    expect(offsetSegments(at("2026-03-01T00:00Z"), at("2026-03-08T07:00:00.001Z"), "America/New_York")).toHaveLength(2);
  });

  it("handles zones whose DST shift is not an hour (Lord Howe moves 30 minutes)", () => {
    const segments = offsetSegments(at("2026-01-01T00:00Z"), at("2027-01-01T00:00Z"), "Australia/Lord_Howe");
    expect(segments.map((s) => s.offsetMinutes)).toEqual([660, 630, 660]);
  });

  it("gives segments whose neighbours always differ", () => {
    const segments = offsetSegments(at("2020-01-01T00:00Z"), at("2030-01-01T00:00Z"), "Europe/London");
    expect(segments).toHaveLength(21);
    for (let i = 1; i < segments.length; i++) {
      expect(segments[i].offsetMinutes).not.toBe(segments[i - 1].offsetMinutes);
      expect(segments[i].start.getTime()).toBeGreaterThan(segments[i - 1].start.getTime());
    }
  });
});
