/**
 * The DuckDB comparison's pure parts (its decimals and rounding are bench/exact.ts'): the
 * time-zone cut as SQL (a CASE over the zone's offset stretches, as bench/baseline.ts does).
 */
import { offsetMinutesAt } from "../baseline";
import { DAY_MS } from "../../functions/time";

export interface OffsetStretch {
  startMs: number;
  /** minutes to add to UTC for the wall clock */
  offset: number;
}

/** The zone's offsets over [startMs, endMs]: probed every 6 hours, each change found to the millisecond. */
export function offsetStretches(startMs: number, endMs: number, zone: string): OffsetStretch[] {
  const stretches: OffsetStretch[] = [{ startMs, offset: offsetMinutesAt(startMs, zone) }];
  for (let at = startMs; at < endMs;) {
    const next = Math.min(at + DAY_MS / 4, endMs);
    const current = stretches[stretches.length - 1].offset;
    if (offsetMinutesAt(next, zone) === current) {
      at = next;
      continue;
    }
    let low = at;
    let high = next;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offsetMinutesAt(mid, zone) === current) low = mid;
      else high = mid;
    }
    stretches.push({ startMs: high, offset: offsetMinutesAt(high, zone) });
    at = high;
  }
  return stretches;
}

/** A DuckDB TIMESTAMP literal of a UTC instant. */
export function timestampLiteral(ms: number): string {
  if (!Number.isFinite(ms)) throw new Error(`duckdb: not an instant: ${ms}`);
  return `TIMESTAMP '${new Date(ms).toISOString().replace("T", " ").replace("Z", "")}'`;
}

/** SQL for `column` (a UTC TIMESTAMP) read on the zone's wall clock, the offset chosen by its instant. */
export function localTimeSql(column: string, stretches: readonly OffsetStretch[]): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(column)) throw new Error(`duckdb: not a column: ${column}`);
  const last = stretches[stretches.length - 1];
  if (stretches.length === 1) return `(${column} + to_minutes(${last.offset}))`;
  const cases = stretches
    .slice(1)
    .map((s, i) => `when ${column} < ${timestampLiteral(s.startMs)} then ${stretches[i].offset}`)
    .join(" ");
  return `(${column} + to_minutes(case ${cases} else ${last.offset} end))`;
}
