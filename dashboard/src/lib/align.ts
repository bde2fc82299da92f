/**
 * Two periods' series on one chart: the comparison's n-th bucket is drawn under the current one's n-th (aligned by
 * position in the period, not by date), so "day 3 of this month" sits over "day 3 of last month". The shorter series
 * is padded with nulls (gaps in uPlot).
 */
export interface AlignedSeries {
  /** Positions 0..n-1: the x values. */
  positions: number[];
  current: (number | null)[];
  comparison: (number | null)[];
  /** The current bucket's label at each position, else the comparison's (when the current series is shorter). */
  labels: string[];
}

export function alignSeries<T>(
  current: readonly T[],
  comparison: readonly T[] | undefined,
  value: (item: T) => number,
  label: (item: T) => string,
): AlignedSeries {
  const other = comparison ?? [];
  const length = Math.max(current.length, other.length);
  const positions = Array.from({ length }, (_, index) => index);
  return {
    positions,
    current: positions.map((index) => (index < current.length ? value(current[index]) : null)),
    comparison: positions.map((index) => (index < other.length ? value(other[index]) : null)),
    labels: positions.map((index) => label(index < current.length ? current[index] : other[index])),
  };
}

/** A money string as a chart's y position: the plot only, never a displayed or summed figure. */
export function plotY(amount: string | number): number {
  return Number(amount);
}
