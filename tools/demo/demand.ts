/**
 * The demo store's demand curve: how many orders an hour of the range gets relative to the
 * others. Everything is in the store's local time: a daily rhythm (quiet nights, a lunchtime
 * bump, an evening peak), a weekly one (Sunday and Monday evenings strongest, Saturday weakest),
 * seasons (a January lull, a holiday season with Black Friday and Cyber Monday), steady growth,
 * and per-day noise with the occasional promotion day.
 */
import { Rng } from "./random";
import { HOUR_MS, LocalFields, ZoneOffsets, localFields } from "./time";

/** Relative demand by local hour of day, 0..23. */
export const HOUR_OF_DAY: readonly number[] = [
  0.32, 0.19, 0.12, 0.08, 0.07, 0.09, 0.17, 0.33, 0.55, 0.75, 0.9, 1.0, 1.12, 1.08, 1.0, 0.98, 1.02, 1.1, 1.25, 1.42,
  1.55, 1.5, 1.15, 0.68,
];

/** Relative demand by local weekday, 0 = Sunday. */
export const DAY_OF_WEEK: readonly number[] = [1.1, 1.06, 0.99, 0.98, 0.97, 0.92, 0.86];

/** Relative demand by month, 1..12 (index 0 unused), interpolated between mid-months. */
const MONTH: readonly number[] = [0, 0.82, 0.84, 0.95, 0.96, 1.0, 0.95, 0.92, 0.96, 1.0, 1.06, 1.3, 1.42];

/** Multipliers from Thanksgiving (index 0) to Cyber Monday (index 4). */
const HOLIDAY_WEEKEND: readonly number[] = [1.4, 3.2, 2.0, 1.8, 2.8];

/** Yearly growth of the store's demand (+60 % a year). */
export const ANNUAL_GROWTH = 1.6;

const YEAR_MS = 365.2425 * 24 * HOUR_MS;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Day of November that is Thanksgiving (the fourth Thursday) in `year`. */
export function thanksgivingDay(year: number): number {
  const firstWeekday = new Date(Date.UTC(year, 10, 1)).getUTCDay();
  const firstThursday = 1 + ((4 - firstWeekday + 7) % 7);
  return firstThursday + 21;
}

/** Seasonal multiplier of a local date, smooth across months, with the holiday spikes. */
export function seasonal(year: number, month: number, day: number): number {
  const days = daysInMonth(year, month);
  const position = (day - 0.5) / days; // 0..1 through the month
  let value: number;
  if (position < 0.5) {
    const previous = month === 1 ? MONTH[12] : MONTH[month - 1];
    value = previous + (MONTH[month] - previous) * (position + 0.5);
  } else {
    const next = month === 12 ? MONTH[1] : MONTH[month + 1];
    value = MONTH[month] + (next - MONTH[month]) * (position - 0.5);
  }
  if (month === 11 || month === 12) {
    // Thanksgiving, Black Friday, the weekend, Cyber Monday (which can fall on December 1 or 2)
    const offset = (month === 11 ? day : day + 30) - thanksgivingDay(year);
    const spike = HOLIDAY_WEEKEND[offset];
    if (spike !== undefined) value *= spike;
  }
  if (month === 12 && day >= 24) value *= day === 25 ? 0.45 : day === 24 || day === 26 ? 0.7 : 0.8;
  return value;
}

/** Multiplier for growth: 1 at `startMs`, ×ANNUAL_GROWTH per year after it. */
export function growth(ms: number, startMs: number): number {
  return Math.exp((Math.log(ANNUAL_GROWTH) * (ms - startMs)) / YEAR_MS);
}

export function hourDemand(fields: LocalFields): number {
  return HOUR_OF_DAY[fields.hour] * DAY_OF_WEEK[fields.weekday] * seasonal(fields.year, fields.month, fields.day);
}

/**
 * Demand of every UTC hour of `zone`'s grid in the store's time zone, per full hour: the weight of
 * a part of an hour is its share of that. One entry per hour of the range: memory is
 * proportional to the range's length, never to the number of orders.
 */
export function hourlyDemand(zone: ZoneOffsets, startMs: number, rng: Rng): Float64Array {
  const demand = new Float64Array(zone.hours);
  let currentDay = Number.NaN;
  let dayFactor = 1;
  for (let h = 0; h < zone.hours; h++) {
    const hourStart = zone.gridStart + h * HOUR_MS;
    const fields = localFields(hourStart, zone.offsetMinutes(hourStart));
    if (fields.dayNumber !== currentDay) {
      currentDay = fields.dayNumber;
      // day-to-day noise (about ±12 %) and now and then a promotion (an email campaign, a sale)
      dayFactor = Math.exp(0.12 * rng.gaussian());
      if (rng.chance(0.025)) dayFactor *= rng.range(1.4, 2.2);
    }
    demand[h] = hourDemand(fields) * growth(hourStart + HOUR_MS / 2, startMs) * dayFactor;
  }
  return demand;
}

/** Demand of [fromMs, toMs): each hour's demand times the share of it inside the interval. */
export function demandBetween(zone: ZoneOffsets, demand: Float64Array, fromMs: number, toMs: number): number {
  let sum = 0;
  const first = Math.max(0, Math.floor((fromMs - zone.gridStart) / HOUR_MS));
  for (let h = first; h < zone.hours; h++) {
    const hourStart = zone.gridStart + h * HOUR_MS;
    if (hourStart >= toMs) break;
    const overlap = Math.min(hourStart + HOUR_MS, toMs) - Math.max(hourStart, fromMs);
    if (overlap > 0) sum += (demand[h] * overlap) / HOUR_MS;
  }
  return sum;
}
