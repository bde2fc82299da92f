import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { toDecimalString, type Amount } from "../../money/decimal";
import { formatLocalDate, type LocalCalendar } from "../../time";
import { addToRollup } from "../add-to-rollup";
import type { BookedReturn, RollupChanges, Sign, TimelineOrder } from "../family";

/**
 * `cohort_cells`: per store, cohort interval (week, month), cohort day (the local date of a
 * customer's first paid order, in the store's time zone) and period (the local week or month):
 * the cohort's customers with a paid order in the period, their orders' sales (gross less
 * discounts) and the returns booked in it on their orders. A cohorts report in the store's own
 * zone sums whole periods here (functions/reports/cohorts.ts); a day keeps cohorts exact for
 * any `from`. Counting "customers with a paid order in the period" stays additive because each
 * customer adds 1 at the first of their orders in each period only.
 *
 * `cohort_days`: the same by local date instead of period, each customer counted on the day of
 * their first order in the day's week and month: a period cut short by `to` sums its days up to
 * `to` (a report's last, unfinished period).
 */
export const COHORT_CELL_INTERVALS = ["week", "month"] as const;
export type CohortCellInterval = (typeof COHORT_CELL_INTERVALS)[number];

interface CellDelta {
  customers: number;
  sales: Amount;
  returns: Amount;
}

interface DayDelta {
  week_customers: number;
  month_customers: number;
  sales: Amount;
  returns: Amount;
}

/** Collects changes to `cohort_cells` and `cohort_days`, then adds them in an upsert each (see SalesDeltas). */
export class CohortCellDeltas implements RollupChanges {
  /** by interval, cohort day number and period's first day number */
  private readonly cells = new Map<
    string,
    { interval: CohortCellInterval; cohortDay: number; period: number; delta: CellDelta }
  >();
  /** by local day number and cohort day number */
  private readonly days = new Map<string, { day: number; cohortDay: number; delta: DayDelta }>();

  constructor(
    private readonly storeId: number,
    readonly calendar: LocalCalendar,
  ) {}

  private cell(interval: CohortCellInterval, cohortDay: number, period: number): CellDelta {
    const key = `${interval}|${cohortDay}|${period}`;
    let cell = this.cells.get(key);
    if (!cell)
      this.cells.set(key, (cell = { interval, cohortDay, period, delta: { customers: 0, sales: 0n, returns: 0n } }));
    return cell.delta;
  }

  private dayCell(instant: Date, cohortDay: number): DayDelta {
    const day = this.calendar.dayOf(instant);
    const key = `${day}|${cohortDay}`;
    let cell = this.days.get(key);
    if (!cell)
      this.days.set(
        key,
        (cell = { day, cohortDay, delta: { week_customers: 0, month_customers: 0, sales: 0n, returns: 0n } }),
      );
    return cell.delta;
  }

  /**
   * What one customer's timeline (paid orders in time order) and the returns on those orders
   * put into the cells, with `sign` -1 to take it back out. Comparing a customer's before and
   * after this way keeps every cell exact whatever moved (a late first order moves them all).
   */
  cohortCustomer(timeline: readonly TimelineOrder[], returns: readonly BookedReturn[], sign: Sign): void {
    if (timeline.length === 0) return;
    const cohortDay = this.calendar.dayOf(timeline[0].created_at);
    this.cohortOrders(cohortDay, timeline, sign);
    for (const booked of returns) this.cohortReturn(cohortDay, booked, sign);
  }

  /** Orders alone: for a customer whose cohort and returns did not change. */
  cohortOrders(cohortDay: number, timeline: readonly TimelineOrder[], sign: Sign): void {
    const sales = timeline.map((order) => BigInt(sign) * order.sales);
    for (const [i, order] of timeline.entries()) this.dayCell(order.created_at, cohortDay).sales += sales[i];
    for (const interval of COHORT_CELL_INTERVALS) {
      let previous: number | undefined;
      for (const [i, order] of timeline.entries()) {
        const period = this.calendar.periodOf(order.created_at, interval);
        const d = this.cell(interval, cohortDay, period);
        d.sales += sales[i];
        if (period !== previous) {
          d.customers += sign;
          this.dayCell(order.created_at, cohortDay)[`${interval}_customers`] += sign;
        }
        previous = period;
      }
    }
  }

  cohortReturn(cohortDay: number, booked: BookedReturn, sign: Sign): void {
    const amount = BigInt(sign) * booked.amount;
    this.dayCell(booked.created_at, cohortDay).returns += amount;
    for (const interval of COHORT_CELL_INTERVALS)
      this.cell(interval, cohortDay, this.calendar.periodOf(booked.created_at, interval)).returns += amount;
  }

  /** Adds the collected deltas; returns how many cells and days changed. */
  async apply(trx: Transaction<Database>): Promise<number> {
    const storeId = this.storeId;
    const rows = [...this.cells.values()]
      .filter(({ delta }) => delta.customers !== 0 || delta.sales !== 0n || delta.returns !== 0n)
      .sort((a, b) =>
        a.interval < b.interval ? -1 : a.interval > b.interval ? 1 : a.cohortDay - b.cohortDay || a.period - b.period,
      )
      .map(({ interval, cohortDay, period, delta }) => ({
        store_id: storeId,
        interval_name: interval,
        cohort_day: formatLocalDate(cohortDay),
        period: interval === "week" ? formatLocalDate(period) : formatLocalDate(period).slice(0, 7),
        customers: delta.customers,
        sales: toDecimalString(delta.sales),
        returns: toDecimalString(delta.returns),
      }));
    await addToRollup(trx, "cohort_cells", rows, ["customers", "sales", "returns"]);
    const days = [...this.days.values()]
      .filter(
        ({ delta }) =>
          delta.week_customers !== 0 || delta.month_customers !== 0 || delta.sales !== 0n || delta.returns !== 0n,
      )
      .sort((a, b) => a.day - b.day || a.cohortDay - b.cohortDay)
      .map(({ day, cohortDay, delta }) => ({
        store_id: storeId,
        local_day: formatLocalDate(day),
        cohort_day: formatLocalDate(cohortDay),
        week_customers: delta.week_customers,
        month_customers: delta.month_customers,
        sales: toDecimalString(delta.sales),
        returns: toDecimalString(delta.returns),
      }));
    await addToRollup(trx, "cohort_days", days, ["week_customers", "month_customers", "sales", "returns"]);
    return rows.length + days.length;
  }
}
