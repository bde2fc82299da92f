import { coverBuckets } from "../../../functions/rollups/spans";

const t = (iso: string) => Date.parse(iso);
const iso = (intervals: readonly (readonly [number, number])[]) =>
  intervals.map(([a, b]) => `${new Date(a).toISOString().slice(0, 16)}..${new Date(b).toISOString().slice(0, 16)}`);
const covered = (cuts: string[]) => {
  const cover = coverBuckets(cuts.map(t));
  return { days: iso(cover[1440]), hours: iso(cover[60]), quarters: iso(cover[15]) };
};

test("UTC days of a UTC report are read as day rows", () => {
  expect(covered(["2026-01-01T00:00Z", "2026-01-02T00:00Z", "2026-01-03T00:00Z"])).toEqual({
    days: ["2026-01-01T00:00..2026-01-03T00:00"],
    hours: [],
    quarters: [],
  });
});

test("New York's days are whole hours of UTC: one run of hour rows", () => {
  expect(covered(["2026-01-01T05:00Z", "2026-01-02T05:00Z", "2026-01-03T05:00Z"])).toEqual({
    days: [],
    hours: ["2026-01-01T05:00..2026-01-03T05:00"],
    quarters: [],
  });
});

test("a month in Kolkata: whole UTC days inside, hours and quarter hours at its ragged ends", () => {
  // 2026-02-01 00:00 +05:30 to 2026-03-01 00:00 +05:30
  expect(covered(["2026-01-31T18:30Z", "2026-02-28T18:30Z"])).toEqual({
    days: ["2026-02-01T00:00..2026-02-28T00:00"],
    hours: ["2026-01-31T19:00..2026-02-01T00:00", "2026-02-28T00:00..2026-02-28T18:00"],
    quarters: ["2026-01-31T18:30..2026-01-31T19:00", "2026-02-28T18:00..2026-02-28T18:30"],
  });
});

test("a bucket shorter than an hour is read in quarter hours", () => {
  expect(covered(["2026-01-01T10:15Z", "2026-01-01T10:45Z"])).toEqual({
    days: [],
    hours: [],
    quarters: ["2026-01-01T10:15..2026-01-01T10:45"],
  });
});

test("a boundary off the quarter hour is refused: it would cut a slot in two", () => {
  expect(() => coverBuckets([t("2026-01-01T10:10Z"), t("2026-01-01T11:00Z")])).toThrow(RangeError);
});
