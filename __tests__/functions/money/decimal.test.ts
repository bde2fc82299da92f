import { minorUnits, isCurrencyCode } from "../../../functions/money/currency";
import { formatAmount, formatQuotient, parseAmount } from "../../../functions/money/decimal";

describe("exact money", () => {
  it("parses decimal strings without floating point", () => {
    expect(parseAmount("0.1") + parseAmount("0.2")).toBe(parseAmount("0.3"));
    expect(parseAmount("-12.5000")).toBe(-125000n);
    expect(() => parseAmount("1e3")).toThrow();
    expect(() => parseAmount("1.23456")).toThrow();
  });

  it("rounds half away from zero to the currency's minor units", () => {
    expect(formatAmount(parseAmount("15.625"), 2)).toBe("15.63");
    expect(formatAmount(parseAmount("-15.625"), 2)).toBe("-15.63");
    expect(formatAmount(parseAmount("1000.5"), 0)).toBe("1001");
    expect(formatAmount(parseAmount("0.7835"), 3)).toBe("0.784");
    expect(formatAmount(parseAmount("-0.001"), 2)).toBe("0.00");
  });

  it("rounds a quotient once, from the exact value", () => {
    // 390.0450 / 3 = 130.015 exactly -> 130.02; 390.0449 / 3 = 130.01497 -> 130.01 (rounding to
    // 4 places first would give 130.0150 and then 130.02: one minor unit off).
    expect(formatQuotient(parseAmount("390.045"), 3n, 2)).toBe("130.02");
    expect(formatQuotient(parseAmount("390.0449"), 3n, 2)).toBe("130.01");
    expect(formatQuotient(parseAmount("-10"), 3n, 2)).toBe("-3.33");
    expect(formatQuotient(parseAmount("1000.5"), 1n, 0)).toBe("1001");
    expect(formatQuotient(parseAmount("5"), 0n, 2)).toBe("0.00");
  });

  it("knows ISO 4217 minor units", () => {
    expect([minorUnits("USD"), minorUnits("JPY"), minorUnits("KWD")]).toEqual([2, 0, 3]);
    expect(isCurrencyCode("USD")).toBe(true);
    expect(isCurrencyCode("usd")).toBe(false);
    expect(isCurrencyCode("XXY")).toBe(false);
  });
});
