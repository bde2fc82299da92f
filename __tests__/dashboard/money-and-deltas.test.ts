import { compareDecimal, divide, toUnits } from "../../dashboard/src/lib/decimal";
import { delta, isGood } from "../../dashboard/src/lib/deltas";
import { formatters } from "../../dashboard/src/lib/format";

describe("decimal strings without floats", () => {
  it("reads money strings and counts as ten-thousandths", () => {
    expect(toUnits("1234.50")).toBe(12_345_000n);
    expect(toUnits("-12.00")).toBe(-120_000n);
    expect(toUnits("1500")).toBe(15_000_000n);
    expect(toUnits(7)).toBe(70_000n);
    expect(() => toUnits("1e3")).toThrow(RangeError);
  });

  it("compares amounts a float would blur", () => {
    expect(compareDecimal("90071992547409.93", "90071992547409.92")).toBe(1);
    expect(compareDecimal("0.10", "0.1")).toBe(0);
    expect(compareDecimal("-5", "3")).toBe(-1);
  });

  it("divides with half-away-from-zero rounding", () => {
    expect(divide(1n, 8n, 4)).toBe("0.1250");
    expect(divide(2n, 3n, 4)).toBe("0.6667");
    expect(divide(-1n, 3n, 2)).toBe("-0.33");
    expect(divide(-1n, 8000n, 2)).toBe("0.00");
  });
});

describe("delta: the change against the comparison period", () => {
  it("is the change over the base, in the figure's own kind", () => {
    expect(delta("112.50", "100.00")).toEqual({ kind: "change", ratio: "0.1250", direction: "up" });
    expect(delta(45, 60)).toEqual({ kind: "change", ratio: "-0.2500", direction: "down" });
    expect(delta("0.30", "0.30")).toEqual({ kind: "change", ratio: "0.0000", direction: "flat" });
  });

  it("has no ratio when the base is 0 (shown as —), but still a direction", () => {
    expect(delta("10.00", "0.00")).toEqual({ kind: "noBase", direction: "up" });
    expect(delta(0, 0)).toEqual({ kind: "noBase", direction: "flat" });
  });

  it("measures against the base's size, so a smaller loss is up", () => {
    expect(delta("-5.00", "-10.00")).toEqual({ kind: "change", ratio: "0.5000", direction: "up" });
  });

  it("reads more refunds as bad news and more sales as good", () => {
    expect(isGood(delta("20.00", "10.00"), false)).toBe(false);
    expect(isGood(delta("20.00", "10.00"), true)).toBe(true);
    expect(isGood(delta(3, 3), true)).toBeUndefined();
  });
});

describe("formatters: the reader's locale, the store's currency", () => {
  it("formats money strings exactly, beyond what a double holds", () => {
    const usd = formatters("en-US", "USD");
    expect(usd.money("1234.50")).toBe("$1,234.50");
    expect(usd.money("90071992547409.93")).toBe("$90,071,992,547,409.93");
    expect(usd.money("-12.00")).toBe("-$12.00");
    // 0.1 + 0.2 as floats is 0.30000000000000004; the string stays 0.30.
    expect(usd.money("0.30")).toBe("$0.30");
  });

  it("uses the currency's minor units and the locale's separators", () => {
    expect(formatters("de-DE", "EUR").money("1234.50")).toBe("1.234,50\u00a0€");
    expect(formatters("ja-JP", "JPY").money("1500")).toBe("￥1,500");
    expect(formatters("en-US", "KWD").money("12.345")).toBe("KWD\u00a012.345");
  });

  it("writes changes with an arrow and a sign, and — without a base", () => {
    const format = formatters("en-US", "USD");
    expect(format.change(delta("112.50", "100.00"))).toBe("▲ +12.5%");
    expect(format.change(delta(45, 60))).toBe("▼ -25%");
    expect(format.change(delta(3, 3))).toBe("→ 0%");
    expect(format.change(delta("10.00", "0.00"))).toBe("—");
    expect(formatters("fr-FR", "EUR").change(delta("112.50", "100.00"))).toBe("▲ +12,5\u00a0%");
  });

  it("formats counts, shares and dates in the locale, dates without the reader's zone", () => {
    const format = formatters("en-GB", undefined);
    expect(format.count(1234567)).toBe("1,234,567");
    expect(format.share(0.1234)).toBe("12.3%");
    expect(format.date("2026-03-08")).toBe("8 Mar 2026");
    expect(format.month("2026-03")).toBe("March 2026");
    expect(format.time("2026-03-08T18:30:00Z", "Asia/Kolkata")).toBe("0:00");
    expect(formatters("en-US", undefined).date("2026-01-01")).toBe("Jan 1, 2026");
  });
});
