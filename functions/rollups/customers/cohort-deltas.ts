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
 */
export const COHORT_CELL_INTERVALS = ["week", "month"] as const;
export type CohortCellInterval = (typeof COHORT_CELL_INTERVALS)[number];

interface CellDelta {
  customers: number;
  sales: Amount;
  returns: Amount;
}

/** Collects changes to `cohort_cells`, then adds them in one upsert (see SalesDeltas). */
export class CohortCellDeltas implements RollupChanges {
  /** by interval, cohort day number and period's first day number */
  private readonly cells = new Map<
    string,
    { interval: CohortCellInterval; cohortDay: number; period: number; delta: CellDelta }
  >();

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
    for (const interval of COHORT_CELL_INTERVALS) {
      let previous: number | undefined;
      for (const [i, order] of timeline.entries()) {
        const period = this.calendar.periodOf(order.created_at, interval);
        const d = this.cell(interval, cohortDay, period);
        d.sales += sales[i];
        if (period !== previous) d.customers += sign;
        previous = period;
      }
    }
  }

  cohortReturn(cohortDay: number, booked: BookedReturn, sign: Sign): void {
    for (const interval of COHORT_CELL_INTERVALS) {
      this.cell(interval, cohortDay, this.calendar.periodOf(booked.created_at, interval)).returns +=
        BigInt(sign) * booked.amount;
    }
  }

  /** Adds the collected deltas; returns how many cells changed. */
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
    return rows.length;
  }
}
