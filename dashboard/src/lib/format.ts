import type { Delta } from "./deltas";
import type { LocalDate } from "./local-date";

/**
 * Numbers, money and dates in the reader's locale. Money and ratios are handed to Intl.NumberFormat as the decimal
 * strings they are: it formats a numeric string exactly (ECMA-402 NumberFormat v3), so "1234.50" never passes through
 * a binary float on its way to the screen.
 */
export interface Formatters {
  money(amount: string): string;
  count(value: number): string;
  /** A share of 1 ("0.1250" or 0.125) as a percentage. */
  share(ratio: string | number): string;
  /** A change: "+12.5 %" with its arrow, "—" when there is no base. */
  change(change: Delta): string;
  date(date: LocalDate): string;
  /** A month label "2026-03". */
  month(label: string): string;
  /** An instant as a time of day in `zone`, with the date when `withDate`. */
  time(instant: string, zone: string, withDate?: boolean): string;
  /** An hour's start with its date and the zone's short name, which tells a DST day's two 1:00 AMs apart. */
  hour(instant: string, zone: string): string;
}

/** Intl's format takes the string itself; TypeScript's lib still declares number | bigint. */
type DecimalFormat = (value: string | number) => string;

export function formatters(locale: string, currency: string | undefined): Formatters {
  const money = currency
    ? (new Intl.NumberFormat(locale, { style: "currency", currency }).format as DecimalFormat)
    : (new Intl.NumberFormat(locale, { minimumFractionDigits: 2 }).format as DecimalFormat);
  const count = new Intl.NumberFormat(locale).format;
  const share = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format as DecimalFormat;
  const signedShare = new Intl.NumberFormat(locale, {
    style: "percent",
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  }).format as DecimalFormat;
  const day = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "short", day: "numeric" });
  const month = new Intl.DateTimeFormat(locale, { timeZone: "UTC", year: "numeric", month: "long" });
  return {
    money: (amount) => money(amount),
    count: (value) => count(value),
    share: (ratio) => share(ratio),
    change: (change) => (change.kind === "noBase" ? "—" : `${ARROWS[change.direction]} ${signedShare(change.ratio)}`),
    date: (date) => day.format(utcMidnight(date)),
    month: (label) => month.format(utcMidnight(`${label}-01`)),
    time: (instant, zone, withDate = false) =>
      new Intl.DateTimeFormat(locale, {
        timeZone: zone,
        hour: "numeric",
        minute: "2-digit",
        ...(withDate ? { month: "short", day: "numeric" } : {}),
      }).format(new Date(instant)),
    hour: (instant, zone) =>
      new Intl.DateTimeFormat(locale, {
        timeZone: zone,
        month: "short",
        day: "numeric",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(new Date(instant)),
  };
}

const ARROWS = { up: "▲", down: "▼", flat: "→" } as const;

function utcMidnight(date: LocalDate): Date {
  return new Date(`${date}T00:00:00Z`);
}
