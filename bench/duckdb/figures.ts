/**
 * The DuckDB comparison's pure parts: decimal text as bigint, rounding to the currency, and the
 * time-zone cut as SQL (a CASE over the zone's offset stretches, as bench/baseline.ts does).
 */
import { offsetMinutesAt } from "../baseline";
import { DAY_MS } from "../../functions/time";

const SCALE = 4;

/** A decimal as DuckDB prints it ("-12.3400") as a bigint of 1/10,000ths; null is 0. */
export function dec(text: string | null | undefined): bigint {
  if (text === null || text === undefined) return 0n;
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`duckdb: not a decimal: ${text}`);
  const value = BigInt(match[2]) * 10n ** BigInt(SCALE) + BigInt((match[3] ?? "").slice(0, SCALE).padEnd(SCALE, "0"));
  return match[1] ? -value : value;
}

/** a / b rounded half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n !== b < 0n;
  const absB = b < 0n ? -b : b;
  const q = ((a < 0n ? -a : a) * 2n + absB) / (2n * absB);
  return negative ? -q : q;
}

function minorString(minor: bigint, decimals: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, "0");
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** An amount in 1/10,000ths with the currency's `decimals`, rounded once, half away from zero. */
export function money(amount: bigint, decimals: number): string {
  return minorString(divRound(amount, 10n ** BigInt(SCALE - decimals)), decimals);
}

/** amount / count with the currency's `decimals`, rounded once; 0 when there is no count. */
export function average(amount: bigint, count: number, decimals: number): string {
  if (count === 0) return money(0n, decimals);
  return minorString(divRound(amount, BigInt(count) * 10n ** BigInt(SCALE - decimals)), decimals);
}

/** part / whole to 4 places (a rate, not money); 0 for no whole. */
export function share(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

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
