import type { z } from "zod";
import { fieldPath, issueDetails } from "../../shared/zod-issues";
import { badRequest, type ErrorDetail } from "../http/errors";
import type { Store } from "../db/schema";
import { isValidLocalDate, isValidTimeZone, readRange, utcBounds, type ReportWindow } from "../time";

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_YEARS = 3;

type Query = Readonly<Record<string, string | undefined>>;

/** Today's date in `timezone`, YYYY-MM-DD. */
export function localToday(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: timezone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

function shiftDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0); // 29 February + 1 year -> 28 February
  return target.toISOString().slice(0, 10);
}

/**
 * Reads a report's range: `from`/`to` (inclusive local dates, default the last 30 days up to
 * today) and `timezone` (default the store's). Every problem is named in one 400. Parameters a
 * report does not take never get here: the handler refuses them by its schema (reports/query.ts).
 */
export function parseReportQuery(store: Store, query: Query): ReportWindow {
  const details: ErrorDetail[] = [];
  const timezone = query.timezone ?? store.timezone;
  if (!isValidTimeZone(timezone)) details.push({ field: "timezone", message: `${timezone} is not an IANA time zone` });
  const zone = isValidTimeZone(timezone) ? timezone : "UTC";
  const to = query.to ?? localToday(zone);
  if (!isValidLocalDate(to)) details.push({ field: "to", message: "must be a date YYYY-MM-DD" });
  // The default `from` counts back from a valid `to` only (an invalid one has no days to count).
  const from = query.from ?? (isValidLocalDate(to) ? shiftDays(to, -(DEFAULT_RANGE_DAYS - 1)) : to);
  if (query.from !== undefined && !isValidLocalDate(from))
    details.push({ field: "from", message: "must be a date YYYY-MM-DD" });
  if (details.length === 0) {
    if (to < from) details.push({ field: "to", message: "must not be before from" });
    else if (to >= addYears(from, MAX_RANGE_YEARS))
      details.push({ field: "to", message: `the range may span at most ${MAX_RANGE_YEARS} years` });
  }
  if (details.length > 0) throw badRequest("the report's parameters are invalid", details);
  // read once here: the report's periods, bounds and SQL take the day numbers from it
  const range = readRange({ from, to, timezone });
  return { range, ...utcBounds(range) };
}

/**
 * Reads a report's query by its schema (reports/query.ts), after its range: the values typed,
 * defaults filled in, and every problem named in one 400 by the one zod-error formatter.
 */
export function parseQuery<S extends z.ZodObject>(schema: S, query: Query): z.output<S> {
  const result = schema.safeParse(query, { reportInput: true });
  if (result.success) return result.data;
  const details = result.error.issues
    .flatMap(issueDetails)
    .map(({ path, message }) => ({ field: fieldPath(path), message }));
  throw badRequest("the report's parameters are invalid", details);
}
