import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { EMPTY_SUMS, salesFigures, type SalesFigures } from "../metrics/figures";
import type { ReportWindow } from "../time";
import { localSalesByPeriod, periodCuts, salesByKey } from "../rollups/sales/read";
import { periodKeySql, periodsInRange, type Interval } from "../time";

export type SalesPeriod = { period: string; start: string; end: string } & SalesFigures;

export interface SalesReport {
  from: string;
  to: string;
  timezone: string;
  currency: string;
  interval: Interval;
  periods: SalesPeriod[];
}

/**
 * Sales per period, every period of the range present (zero-filled), cut in the report's
 * timezone: by day, week or month in the store's own zone from its local days, otherwise by
 * tiling `sales_slots`.
 */
export async function salesReport(
  db: Kysely<Database>,
  store: Store,
  window: ReportWindow,
  interval: Interval,
): Promise<SalesReport> {
  const { range, start, end } = window;
  const keyOf = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, interval);
  const periods = periodsInRange(range, interval);
  const sales =
    range.timezone === store.timezone && interval !== "hour"
      ? await localSalesByPeriod(db, store.id, range, interval)
      : await salesByKey(db, store.id, periodCuts(periods, start, end), keyOf);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    currency: store.currency,
    interval,
    periods: periods.map((p) => ({
      period: p.label,
      start: p.start.toISOString(),
      end: p.end.toISOString(),
      ...salesFigures(sales.get(p.key) ?? EMPTY_SUMS, store.currency),
    })),
  };
}
