/**
 * Compares a report's JSON with its baseline: every field the baseline computes must be in the
 * report with the same value (money as the same decimal string, counts and rates equal).
 */

const MAX_DIFFERENCES = 10;

export interface Comparison {
  /** disagreements: the report is wrong, or the baseline is */
  differences: string[];
}

function describe(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}

/** The differences (at most 10, then a count), each "path: report X, baseline Y"; none when they agree. */
export function compareWithBaseline(report: unknown, baseline: unknown): Comparison {
  const differences: string[] = [];
  let more = 0;
  const note = (path: string, actual: unknown, expected: unknown) => {
    const text = `${path || "(root)"}: report ${describe(actual)}, baseline ${describe(expected)}`;
    if (differences.length < MAX_DIFFERENCES) differences.push(text);
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
      for (const [key, value] of Object.entries(expected))
        walk((actual as Record<string, unknown>)[key], value, path ? `${path}.${key}` : key);
      return;
    }
    if (actual !== expected) note(path, actual, expected);
  };
  walk(report, baseline, "");
  if (more > 0) differences.push(`... and ${more} more`);
  return { differences };
}
