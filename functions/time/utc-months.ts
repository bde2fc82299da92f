/** UTC months, the grain of the rollups kept by month (product_months, gap_months). */

/** The first instant of the UTC month holding `t`, or of the month `monthsLater` after it. */
export function startOfUtcMonth(t: Date, monthsLater = 0): Date {
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + monthsLater, 1));
}

/** `t` itself when it starts a UTC month, else the start of the next one. */
export function ceilToUtcMonth(t: Date): Date {
  return t.getTime() === startOfUtcMonth(t).getTime() ? t : startOfUtcMonth(t, 1);
}
