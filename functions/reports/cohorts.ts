import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { ratio } from "../metrics/figures";
import { minorUnits } from "../money/currency";
import { amountOrZero, formatAmount } from "../money/decimal";
import {
  partialCohortCells,
  rawCohortCells,
  rolledCohortCells,
  type CohortCell,
  type CohortInterval,
} from "../rollups/customers/cohort-cells";
import { periodsInRange, type Period, type ReportWindow } from "../time";

export interface CohortPeriod {
  k: number;
  period: string;
  customers: number;
  share: number;
  netSales: string;
}

export interface Cohort {
  cohort: string;
  size: number;
  periods: CohortPeriod[];
}

export interface CohortsReport {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  interval: CohortInterval;
  cohorts: Cohort[];
}

/**
 * Customers grouped by the period of their first paid order ever (cohorts whose first order is
 * in range); for each later period k up to `to`: the share of the cohort with a paid order in
 * it, and the cohort's net sales in it (its orders' sales less returns booked in that period).
 * In the store's own zone, whole periods come from `cohort_cells`, and a last period cut short by
 * `to` from its days in `cohort_days`; in another zone everything comes from raw rows.
 */
export async function cohortsReport(
  db: Kysely<Database>,
  store: Store,
  window: ReportWindow,
  interval: CohortInterval,
  { fromRawRows = false }: { fromRawRows?: boolean } = {},
): Promise<CohortsReport> {
  const { range, end } = window;
  const periods = periodsInRange(range, interval);
  let cells: CohortCell[];
  if (fromRawRows || range.timezone !== store.timezone) {
    cells = await rawCohortCells(db, store.id, window, interval);
  } else {
    const last = periods[periods.length - 1];
    const lastIsWhole = last.end.getTime() <= end.getTime();
    const wholeUpTo = lastIsWhole ? last : periods[periods.length - 2];
    const [rolled, partial] = await Promise.all([
      wholeUpTo ? rolledCohortCells(db, store.id, window, interval, periods[0].key, wholeUpTo.key) : [],
      lastIsWhole
        ? []
        : partialCohortCells(
            db,
            store.id,
            window,
            interval,
            last.key,
            laterDate(firstDayOf(last, interval), range.from),
            range.to,
          ),
    ]);
    cells = [...rolled, ...partial];
  }
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    currency: store.currency,
    interval,
    cohorts: cohortTable(periods, cells, store.currency),
  };
}

/** The first local date of a week (keyed by its Monday) or month (keyed `YYYY-MM`). */
const firstDayOf = (period: Period, interval: CohortInterval) =>
  interval === "month" ? `${period.key}-01` : period.key;
const laterDate = (a: string, b: string) => (a > b ? a : b);

function cohortTable(periods: readonly Period[], cells: readonly CohortCell[], currency: string): Cohort[] {
  const position = new Map(periods.map((p, i) => [p.key, i]));
  const cell = new Map(cells.map((c) => [`${c.cohort}|${c.period}`, c]));
  const decimals = minorUnits(currency);
  return periods
    .filter((p) => Number(cell.get(`${p.key}|${p.key}`)?.customers ?? 0) > 0)
    .map((cohortPeriod) => {
      const size = Number(cell.get(`${cohortPeriod.key}|${cohortPeriod.key}`)!.customers);
      const first = position.get(cohortPeriod.key)!;
      return {
        cohort: cohortPeriod.label,
        size,
        periods: periods.slice(first).map((p, k) => {
          const row = cell.get(`${cohortPeriod.key}|${p.key}`);
          const customers = Number(row?.customers ?? 0);
          const net = amountOrZero(row?.sales) - amountOrZero(row?.returns);
          return {
            k,
            period: p.label,
            customers,
            share: ratio(customers, size),
            netSales: formatAmount(net, decimals),
          };
        }),
      };
    });
}
