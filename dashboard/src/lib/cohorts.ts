import type { Cohort, CohortPeriod } from "./reports";

/** The retention heatmap: one row per cohort, one column per period since the cohort's first (k = 0, 1, 2 …). */
export interface RetentionGrid {
  columns: number[];
  rows: Array<{ cohort: string; size: number; cells: Array<CohortPeriod | undefined> }>;
}

export function retentionGrid(cohorts: readonly Cohort[]): RetentionGrid {
  const widest = Math.max(-1, ...cohorts.flatMap((cohort) => cohort.periods.map((period) => period.k)));
  const columns = Array.from({ length: widest + 1 }, (_, k) => k);
  return {
    columns,
    rows: cohorts.map((cohort) => {
      const byK = new Map(cohort.periods.map((period) => [period.k, period]));
      return { cohort: cohort.cohort, size: cohort.size, cells: columns.map((k) => byK.get(k)) };
    }),
  };
}

/**
 * A cell's colour for its share (0..1): one hue, darker for more. Shares at or past 0.5 share the darkest shade, as
 * retention beyond the cohort's own period is rarely higher, and the text turns white where the shade is dark.
 */
export function shareColour(share: number): { background: string; color: string } {
  const strength = Math.min(Math.max(share, 0) / 0.5, 1);
  const lightness = Math.round(97 - strength * 62);
  return { background: `hsl(212 70% ${lightness}%)`, color: lightness < 58 ? "#fff" : "#111" };
}
