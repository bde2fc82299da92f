import type { Transaction } from "kysely";
import type { Database } from "../db/schema";
import type { Amount } from "../money/decimal";
import { LocalCalendar } from "../time";
import { bookCohortReturns } from "./customers/cohort-returns";
import { maintainCustomerTimelines, type TimelineOrderRow } from "./customers/maintain-timelines";
import type {
  BookedReturn,
  CustomerMarker,
  LineContribution,
  OrderContribution,
  RefundContribution,
  RefundLineContribution,
  RollupChanges,
  SessionFunnel,
  Sign,
  TimelineOrder,
} from "./family";
import { ROLLUP_FAMILIES } from "./registry";
import { lockStoreForIngest } from "./store-lock";

export type * from "./family";
export { timelineChanges, type PaidOrder, type StoredPaidOrder, type TimelineChanges } from "./customers/timeline";

/** The store a writer is bound to: its id, and its zone for the rollups kept in local dates. */
export interface RollupStore {
  id: number;
  timezone: string;
}

/**
 * The one way ingest writes rollups. Bound to one store and one transaction, it is told what a
 * batch changes (each counted order, line, refund, customer marker, cohort change and session,
 * +1 as written, -1 as taken back out), hands each change to every family of the registry
 * (rollups/registry.ts) that counts it, and at `apply` adds every family's deltas, in the
 * registry's order, so concurrent ingests lock rollup rows in the same order. Amounts arrive as
 * bigints (functions/money/decimal.ts): ingest hands over what it parsed from the request, and
 * parses only what it reads back from the database. Ingest opens it with `openRollups`, which
 * also takes the store's ingest lock (rollups/store-lock.ts).
 */
export class RollupWriter {
  private readonly calendar: LocalCalendar;
  private readonly families: RollupChanges[];

  constructor(
    private readonly trx: Transaction<Database>,
    readonly store: RollupStore,
  ) {
    this.calendar = LocalCalendar.of(store.timezone);
    this.families = ROLLUP_FAMILIES.map((family) => family.changes(store.id, this.calendar));
  }

  /** A paid order's sums. */
  order(order: OrderContribution, sign: Sign): void {
    for (const f of this.families) f.order?.(order, sign);
  }

  /** The lines of paid orders. */
  orderLines(lines: readonly LineContribution[], sign: Sign): void {
    for (const f of this.families) f.orderLines?.(lines, sign);
  }

  /** A refund on a paid order. */
  refund(refund: RefundContribution, sign: Sign): void {
    for (const f of this.families) f.refund?.(refund, sign);
  }

  /** A refund line on a paid order. */
  refundLine(line: RefundLineContribution, sign: Sign): void {
    for (const f of this.families) f.refundLine?.(line, sign);
  }

  /** A customer marker moved (rollups/customers/timeline.ts). */
  customerMarker(marker: CustomerMarker, at: Date, sign: Sign): void {
    for (const f of this.families) f.customerMarker?.(marker, at, sign);
  }

  /** Two consecutive paid orders of a customer came (+1) or went (-1) (rollups/customers/timeline.ts). */
  customerGap(prev: Date, at: Date, first: boolean, sign: Sign): void {
    for (const f of this.families) f.customerGap?.(prev, at, first, sign);
  }

  /** The local day number of an instant in the store's zone: a cohort's day. */
  cohortDayOf(instant: Date): number {
    return this.calendar.dayOf(instant);
  }

  /** A customer's whole timeline and the returns on it, in or out of their cohort. */
  cohortCustomer(timeline: readonly TimelineOrder[], returns: readonly BookedReturn[], sign: Sign): void {
    for (const f of this.families) f.cohortCustomer?.(timeline, returns, sign);
  }

  /** A customer's orders alone, when their cohort and returns did not change. */
  cohortOrders(cohortDay: number, timeline: readonly TimelineOrder[], sign: Sign): void {
    for (const f of this.families) f.cohortOrders?.(cohortDay, timeline, sign);
  }

  /** A return booked on an order of a customer of cohort `cohortDay`. */
  cohortReturn(cohortDay: number, booked: BookedReturn, sign: Sign): void {
    for (const f of this.families) f.cohortReturn?.(cohortDay, booked, sign);
  }

  /**
   * Orders an ingest replaces (as stored) and writes: their customers' timelines, markers and
   * cohort cells move with them (customers/maintain-timelines.ts). Called before the orders'
   * rows are deleted and inserted; returns the prev_paid_at of each written order.
   */
  customerOrders(
    replaced: readonly TimelineOrderRow[],
    writing: readonly (TimelineOrderRow & { created_at: Date; sales: Amount })[],
  ): Promise<Map<string, Date | null>> {
    return maintainCustomerTimelines(this.trx, this, replaced, writing);
  }

  /** Refunds replaced and written, booked in their customers' cohort cells (customers/cohort-returns.ts). */
  cohortReturns(
    replaced: readonly (BookedReturn & { order_id: string })[],
    written: readonly (BookedReturn & { order_id: string })[],
    orderById: ReadonlyMap<string, { customer_id: string | null; status: string }>,
  ): Promise<void> {
    return bookCohortReturns(this.trx, this, replaced, written, orderById);
  }

  /** A session as the funnel counts it. */
  session(session: SessionFunnel, sign: Sign): void {
    for (const f of this.families) f.session?.(session, sign);
  }

  /** Adds every family's deltas to its rollups, in the writer's transaction. */
  async apply(): Promise<void> {
    for (const f of this.families) await f.apply(this.trx);
  }
}

/**
 * Takes the store's ingest lock (shared; exclusive for events, see store-lock.ts) and returns
 * the writer an ingest reports its changes to.
 */
export async function openRollups(
  trx: Transaction<Database>,
  store: RollupStore,
  lock: "shared" | "exclusive" = "shared",
): Promise<RollupWriter> {
  await lockStoreForIngest(trx, store.id, lock);
  return new RollupWriter(trx, store);
}
