/**
 * Calendar dates without a zone, as day numbers (days since 1970-01-01). A day number times
 * DAY_MS is that date's midnight "wall clock", the form zone.ts converts to and from UTC.
 */
import { DAY_MS } from "./constants";

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Strict `YYYY-MM-DD` naming a real date, years 1000-9999 (what DATETIME can hold). */
export function isValidLocalDate(s: string): boolean {
  const match = typeof s === "string" ? LOCAL_DATE.exec(s) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function parseLocalDate(s: string): number {
  if (!isValidLocalDate(s)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(s)}`);
  return Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / DAY_MS;
}

export function formatLocalDate(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday on or before the date (ISO weeks). 1970-01-01 was a Thursday. */
export function mondayOf(dayNumber: number): number {
  return dayNumber - ((((dayNumber + 3) % 7) + 7) % 7);
}

export function firstOfMonth(dayNumber: number): number {
  const date = new Date(dayNumber * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) / DAY_MS;
}

export function firstOfNextMonth(dayNumber: number): number {
  const date = new Date(dayNumber * DAY_MS);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1) / DAY_MS;
}
