/** Rollups count in 15-minute slots of UTC (see migrations/002-rollups.ts for why 15). */
export const SLOT_MS = 15 * 60 * 1000;

export function slotOf(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / SLOT_MS) * SLOT_MS);
}

/** The same, in SQL over a UTC DATETIME column, with no time-zone or session dependency. */
export const SLOT_SQL = (column: string) =>
  `(date_format(${column}, '%Y-%m-%d %H:00:00') + interval (floor(minute(${column}) / 15) * 15) minute)`;
