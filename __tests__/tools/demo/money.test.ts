/** Money in the demo generator: integers of minor units, decimal strings on output. */
import { allocate, applyBasisPoints, charmPrice, formatMinor, mulDivFloor } from "../../../tools/demo/money";

describe("formatMinor", () => {
  it.each([
    [2499, 2, "24.99"],
    [5, 2, "0.05"],
    [0, 2, "0.00"],
    [3980, 0, "3980"],
    [24990, 3, "24.990"],
    [7, 3, "0.007"],
    [123456789012, 2, "1234567890.12"],
  ])("writes %d minor units with %d decimals as %s", (amount, minorUnits, text) => {
    expect(formatMinor(amount, minorUnits)).toBe(text);
  });

  it("refuses negative or fractional amounts", () => {
    expect(() => formatMinor(-1, 2)).toThrow(RangeError);
    expect(() => formatMinor(1.5, 2)).toThrow(RangeError);
  });
});

describe("charmPrice", () => {
  it("prices the way shops do", () => {
    expect(charmPrice(41.7, 2, true)).toBe(4199); // 41.99
    expect(charmPrice(7.3, 2, true)).toBe(749); // 7.49
    expect(charmPrice(148, 2, true)).toBe(14999); // 149.99
    expect(charmPrice(1234, 2, true)).toBe(119999); // 1,199.99
    expect(charmPrice(41.7, 2, false)).toBe(4200); // 42.00
    expect(charmPrice(3656, 0, true)).toBe(3680); // ¥3,680
    expect(charmPrice(25.3, 3, true)).toBe(24990); // 24.990 KWD
  });

  it("never goes below one minor unit", () => {
    expect(charmPrice(0.0001, 2, true)).toBeGreaterThanOrEqual(1);
    expect(charmPrice(0.2, 0, true)).toBe(1);
  });
});

describe("integer arithmetic", () => {
  it("multiplies and divides exactly, even past 2^53", () => {
    expect(mulDivFloor(2499, 15, 100)).toBe(374);
    expect(mulDivFloor(9_000_000_000_000, 3000, 7)).toBe(Number((9_000_000_000_000n * 3000n) / 7n));
  });

  it("applies a rate in basis points, rounding half up", () => {
    expect(applyBasisPoints(10000, 825)).toBe(825);
    expect(applyBasisPoints(1, 5000)).toBe(1); // 0.5 → 1
    expect(applyBasisPoints(1, 4999)).toBe(0);
    expect(applyBasisPoints(0, 825)).toBe(0);
  });

  it("allocates an amount in proportion to weights, summing exactly", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [0, 5, 5])).toEqual([0, 5, 5]);
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
    const parts = allocate(1001, [2499, 1299, 17, 9999]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1001);
    expect(parts[2]).toBeLessThanOrEqual(2);
  });
});
