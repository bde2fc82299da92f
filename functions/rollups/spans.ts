import type { ExpressionBuilder } from "kysely";
import type { Database } from "../db/schema";
import { SLOT_MS } from "./slot";

/** The sizes of `sales_slots` and `funnel_slots` rows, in minutes: a quarter hour, an hour, a day of UTC. */
export const SPANS = [15, 60, 1440] as const;
export type Span = (typeof SPANS)[number];

const MINUTE_MS = 60_000;

/** The start of the `span`-minute slot holding an instant (UTC, so no time zone involved). */
export function spanStart(instant: number, span: Span): number {
  const size = span * MINUTE_MS;
  return Math.floor(instant / size) * size;
}

/** Half-open instants [start, end), as Date-ms. */
export type HalfOpen = readonly [number, number];

export type SpanCover = Record<Span, HalfOpen[]>;

/**
 * The fewest slots covering each bucket [cuts[i], cuts[i+1]) exactly: whole UTC days inside
 * it, whole hours inside what is left, quarter hours at its ragged ends. Each slot lies in one
 * bucket, so grouping slots by the bucket of their start is exact. Adjacent intervals of one
 * span are merged (a day report in New York becomes one run of hours). Cuts must be sorted and
 * on quarter hours, as every period boundary of every time zone is (migrations/002-rollups.ts).
 */
export function coverBuckets(cuts: readonly number[]): SpanCover {
  const cover: SpanCover = { 15: [], 60: [], 1440: [] };
  for (let i = 0; i + 1 < cuts.length; i++) coverInterval(cuts[i], cuts[i + 1], cover);
  return cover;
}

function coverInterval(start: number, end: number, cover: SpanCover): void {
  if (start % SLOT_MS !== 0 || end % SLOT_MS !== 0)
    throw new RangeError("bucket boundaries must fall on quarter hours");
  let rest: HalfOpen[] = [[start, end]];
  for (const span of [1440, 60] as const) {
    const size = span * MINUTE_MS;
    const ragged: HalfOpen[] = [];
    for (const [a, b] of rest) {
      const inner: HalfOpen = [Math.ceil(a / size) * size, Math.floor(b / size) * size];
      if (inner[0] >= inner[1]) {
        ragged.push([a, b]);
        continue;
      }
      add(cover[span], inner);
      if (a < inner[0]) ragged.push([a, inner[0]]);
      if (inner[1] < b) ragged.push([inner[1], b]);
    }
    rest = ragged;
  }
  for (const interval of rest) add(cover[15], interval);
}

function add(intervals: HalfOpen[], [a, b]: HalfOpen): void {
  if (a >= b) return;
  const last = intervals[intervals.length - 1];
  if (last && last[1] === a) intervals[intervals.length - 1] = [last[0], b];
  else intervals.push([a, b]);
}

/** The rollups kept in the three spans. */
type SpanTable = "sales_slots" | "funnel_slots";

/**
 * Selects the rows of a span table that tile the buckets between consecutive `cuts` (instants,
 * sorted, on quarter hours): whole days, whole hours, then quarter hours (coverBuckets).
 */
export function slotsTiling<T extends SpanTable>(cuts: readonly Date[]) {
  const cover = coverBuckets(cuts.map((cut) => cut.getTime()));
  return (eb: ExpressionBuilder<Database, T>) => {
    // Both tables have the two columns; Kysely cannot resolve a column of a generic table, so it is typed as one.
    const e = eb as unknown as ExpressionBuilder<Database, "sales_slots">;
    return e.or(
      SPANS.filter((span) => cover[span].length > 0).map((span) =>
        e.and([
          e("span_minutes", "=", span),
          e.or(
            cover[span].map(([a, b]) => e.and([e("slot_start", ">=", new Date(a)), e("slot_start", "<", new Date(b))])),
          ),
        ]),
      ),
    );
  };
}
