import { minorUnits, isCurrencyCode } from "../../../functions/money/currency";
import { divideAmount, formatAmount, parseAmount } from "../../../functions/money/decimal";

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

  it("divides exactly at scale 4", () => {
    expect(formatAmount(divideAmount(parseAmount("10"), 3n), 4)).toBe("3.3333");
    expect(divideAmount(parseAmount("10"), 0n)).toBe(0n);
  });

  it("knows ISO 4217 minor units", () => {
    expect([minorUnits("USD"), minorUnits("JPY"), minorUnits("KWD")]).toEqual([2, 0, 3]);
    expect(isCurrencyCode("USD")).toBe(true);
    expect(isCurrencyCode("usd")).toBe(false);
    expect(isCurrencyCode("XXY")).toBe(false);
  });
});
