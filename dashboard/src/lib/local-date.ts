/**
 * Local dates: `YYYY-MM-DD` calendar dates with no zone, as the API takes and gives them. Arithmetic goes through
 * day numbers (days since 1970-01-01 in UTC arithmetic), so no date here ever meets the reader's own zone.
 */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLocalDate(text: string): boolean {
  const match = LOCAL_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function dayNumber(date: LocalDate): number {
  if (!isLocalDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function localDateOf(dayNumber: number): LocalDate {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return localDateOf(dayNumber(date) + days);
}

/** Days from `from` to `to`, both included. */
export function daysIn(from: LocalDate, to: LocalDate): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/** The same month and day `years` later; 29 February becomes 28 February in a year without it. */
export function addYears(date: LocalDate, years: number): LocalDate {
  const year = Number(date.slice(0, 4)) + years;
  const month = Number(date.slice(5, 7));
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(year, month));
  return `${String(year).padStart(4, "0")}-${date.slice(5, 7)}-${String(day).padStart(2, "0")}`;
}

export function firstOfMonth(date: LocalDate): LocalDate {
  return `${date.slice(0, 7)}-01`;
}

export function firstOfYear(date: LocalDate): LocalDate {
  return `${date.slice(0, 4)}-01-01`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
