/** Lengths of time in milliseconds, for UTC instants and for wall-clock times alike. */
export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
/** A calendar day as the project counts them (no leap seconds): day number * DAY_MS is its midnight. */
export const DAY_MS = 86_400_000;
