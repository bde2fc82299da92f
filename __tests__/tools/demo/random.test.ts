/** The seeded random numbers under the demo generator. */
import { Rng, WeightedSampler } from "../../../tools/demo/random";

describe("Rng", () => {
  it("repeats itself for the same seed and stream, and only then", () => {
    const draw = (rng: Rng) => Array.from({ length: 5 }, () => rng.u32());
    expect(draw(new Rng(42))).toEqual(draw(new Rng(42)));
    expect(draw(new Rng(42))).not.toEqual(draw(new Rng(43)));
    expect(draw(new Rng(42, 1))).not.toEqual(draw(new Rng(42, 2)));
  });

  it("is pinned: these numbers must not change, or every seeded demo store changes", () => {
    const rng = new Rng(2026);
    expect(Array.from({ length: 3 }, () => rng.u32())).toEqual([1678616494, 2360955980, 1392651029]);
  });

  it("draws uniform numbers in [0, 1) with the right mean", () => {
    const rng = new Rng(1);
    const xs = Array.from({ length: 100_000 }, () => rng.next());
    expect(xs.filter((x) => !(x >= 0 && x < 1))).toEqual([]);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 2);
  });

  it("draws integers in a closed range, every value reachable", () => {
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(3, 7));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it.each([
    [10, 0.3],
    [1000, 0.002],
    [100_000, 0.4],
    [50, 0.9],
  ])("draws Binomial(%d, %d) within its range and around its mean", (n, p) => {
    const rng = new Rng(3);
    const draws = Array.from({ length: 4000 }, () => rng.binomial(n, p));
    expect(draws.filter((x) => !Number.isInteger(x) || x < 0 || x > n)).toEqual([]);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(mean - n * p)).toBeLessThan((4 * sd) / Math.sqrt(draws.length) + 0.01);
  });

  it("draws geometric counts with the asked-for mean", () => {
    const rng = new Rng(4);
    let sum = 0;
    for (let i = 0; i < 50_000; i++) sum += rng.geometric(7.5);
    expect(sum / 50_000).toBeGreaterThan(7.2);
    expect(sum / 50_000).toBeLessThan(7.8);
  });
});

describe("WeightedSampler", () => {
  it("draws indexes in proportion to their weights, never a zero weight", () => {
    const sampler = new WeightedSampler([1, 0, 3]);
    const rng = new Rng(5);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[sampler.sample(rng)]++;
    expect(counts[1]).toBe(0);
    expect(counts[2] / counts[0]).toBeGreaterThan(2.8);
    expect(counts[2] / counts[0]).toBeLessThan(3.2);
  });

  it("rejects weights that cannot be sampled", () => {
    expect(() => new WeightedSampler([])).toThrow(RangeError);
    expect(() => new WeightedSampler([0, 0])).toThrow(RangeError);
    expect(() => new WeightedSampler([1, -1])).toThrow(RangeError);
  });
});
