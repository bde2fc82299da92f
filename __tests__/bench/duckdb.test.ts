/** The DuckDB comparison's pure helpers (bench/duckdb/figures.ts), the zone cut run in DuckDB itself. */
import { DuckDBInstance } from "@duckdb/node-api";
import { offsetMinutesAt } from "../../bench/baseline";
import { average, dec, divRound, money, share } from "../../bench/exact";
import { localTimeSql, offsetStretches, timestampLiteral } from "../../bench/duckdb/figures";
import { periodLabels } from "../../bench/duckdb/reports";

describe("decimals", () => {
  test("DuckDB's decimal text as 1/10,000ths, exactly", () => {
    expect(dec("12.3456")).toBe(123456n);
    expect(dec("-0.5000")).toBe(-5000n);
    expect(dec("7")).toBe(70000n);
    expect(dec("99999999999999999999.9999")).toBe(999999999999999999999999n);
    expect(dec(null)).toBe(0n);
    expect(() => dec("1e3")).toThrow(/not a decimal/);
  });

  test("rounded once, half away from zero", () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(money(123450n, 2)).toBe("12.35");
    expect(money(-123450n, 2)).toBe("-12.35");
    expect(money(123449n, 2)).toBe("12.34");
    expect(money(5000n, 0)).toBe("1");
    expect(money(0n, 3)).toBe("0.000");
    expect(average(100000n, 3, 2)).toBe("3.33");
    expect(average(100000n, 0, 2)).toBe("0.00");
    expect(share(1, 3)).toBe(0.3333);
    expect(share(1, 0)).toBe(0);
  });
});

describe("local time in DuckDB SQL", () => {
  const zone = "America/New_York";
  const start = Date.UTC(2024, 0, 1);
  const end = Date.UTC(2025, 0, 1);

  test("the zone's offsets over a year: two changes, each to the millisecond", () => {
    const stretches = offsetStretches(start, end, zone);
    expect(stretches.map((s) => [new Date(s.startMs).toISOString(), s.offset])).toEqual([
      ["2024-01-01T00:00:00.000Z", -300],
      ["2024-03-10T07:00:00.000Z", -240],
      ["2024-11-03T06:00:00.000Z", -300],
    ]);
    expect(offsetStretches(start, end, "UTC")).toEqual([{ startMs: start, offset: 0 }]);
  });

  test("only columns and instants make it into the SQL", () => {
    expect(() => localTimeSql("x; drop table orders", [{ startMs: 0, offset: 0 }])).toThrow(/not a column/);
    expect(() => timestampLiteral(Number.NaN)).toThrow(/not an instant/);
    expect(timestampLiteral(Date.UTC(2024, 2, 10, 7))).toBe("TIMESTAMP '2024-03-10 07:00:00.000'");
  });

  test("DuckDB reads each instant on the zone's wall clock as Intl does, around both changes", async () => {
    const instants = [
      Date.UTC(2024, 2, 10, 6, 59, 59, 999),
      Date.UTC(2024, 2, 10, 7),
      Date.UTC(2024, 6, 1, 3, 30),
      Date.UTC(2024, 10, 3, 5, 59, 59, 999),
      Date.UTC(2024, 10, 3, 6),
      Date.UTC(2024, 11, 31, 23),
    ];
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const connection = await instance.connect();
    try {
      const local = localTimeSql("t", offsetStretches(start, end, zone));
      const values = instants.map((ms) => `(${timestampLiteral(ms)})`).join(", ");
      const reader = await connection.runAndReadAll(
        `select strftime(${local}, '%Y-%m-%d %H:%M:%S.%g') as wall from (values ${values}) v(t)`,
      );
      const expected = instants.map((ms) =>
        new Date(ms + offsetMinutesAt(ms, zone) * 60_000).toISOString().replace("T", " ").replace("Z", ""),
      );
      expect(reader.getRowObjectsJS().map((row) => row.wall)).toEqual(expected);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

test("period labels: every day or month of the range", () => {
  const range = { from: "2024-01-30", to: "2024-03-01", timezone: "UTC" };
  expect(periodLabels(range, "month")).toEqual(["2024-01", "2024-02", "2024-03"]);
  expect(periodLabels(range, "day")).toHaveLength(32);
});
