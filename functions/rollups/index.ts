import type { Transaction } from "kysely";
import type { Database } from "../db/schema";
import { LocalCalendar } from "../time";
import { CohortCellDeltas, type BookedReturn, type TimelineOrder } from "./cohort-cells";
import type { CustomerMarker } from "./customer-timeline";
import { FunnelSlotDeltas, type SessionFunnel } from "./funnel-slots";
import { ProductDayDeltas, type LineContribution, type RefundLineContribution } from "./product-days";
import { SalesSlotDeltas, type OrderContribution, type RefundContribution } from "./sales-slots";
import { lockStoreForIngest } from "./store-lock";

export type { BookedReturn, TimelineOrder } from "./cohort-cells";
export { timelineChanges, type CustomerMarker, type PaidOrder, type TimelineChanges } from "./customer-timeline";
export type { SessionFunnel } from "./funnel-slots";
export type { LineContribution, RefundLineContribution } from "./product-days";
export type { OrderContribution, RefundContribution } from "./sales-slots";

/** The store a writer is bound to: its id, and its zone for the rollups kept in local dates. */
export interface RollupStore {
  id: number;
  timezone: string;
}

/**
 * The one way ingest writes rollups. Bound to one store and one transaction, it is told what a
 * batch changes (each counted order, line, refund, customer marker and session, +1 as written,
 * -1 as taken back out) and, at `apply`, adds the deltas to every rollup, family by family in a
 * fixed order, so concurrent ingests lock rollup rows in the same order. Amounts arrive as
 * bigints (functions/money/decimal.ts): ingest hands over what it parsed from the request, and
 * parses only what it reads back from the database. Ingest opens it with `openRollups`, which
 * also takes the store's ingest lock (functions/rollups/store-lock.ts).
 */
export class RollupWriter {
  private readonly sales: SalesSlotDeltas;
  private readonly products: ProductDayDeltas;
  private readonly cohorts: CohortCellDeltas;
  private readonly funnel: FunnelSlotDeltas;

  constructor(
    private readonly trx: Transaction<Database>,
    readonly store: RollupStore,
  ) {
    const calendar = LocalCalendar.of(store.timezone);
    this.sales = new SalesSlotDeltas(store.id, calendar);
    this.products = new ProductDayDeltas(store.id);
    this.cohorts = new CohortCellDeltas(store.id, calendar);
    this.funnel = new FunnelSlotDeltas(store.id);
  }

  /** A paid order's sums (sales slots and the store's local days). */
  order(order: OrderContribution, sign: 1 | -1): void {
    this.sales.order(order, sign);
  }

  /** The lines of paid orders (products by day, month and in total). */
  orderLines(lines: readonly LineContribution[], sign: 1 | -1): void {
    this.products.lines(lines, sign);
  }

  /** A refund on a paid order (returns in the sales slots and local days). */
  refund(refund: RefundContribution, sign: 1 | -1): void {
    this.sales.refund(refund, sign);
  }

  /** A refund line on a paid order (returns of its product). */
  refundLine(line: RefundLineContribution, sign: 1 | -1): void {
    this.products.refundLine(line, sign);
  }

  /** A customer marker moved (rollups/customer-timeline.ts). */
  customerMarker(marker: CustomerMarker, at: Date, sign: 1 | -1): void {
    this.sales.customer(marker, at, sign);
  }

  /** The local day number of an instant in the store's zone: a cohort's day. */
  cohortDayOf(instant: Date): number {
    return this.cohorts.calendar.dayOf(instant);
  }

  /** A customer's whole timeline and the returns on it, in or out of their cohort's cells. */
  cohortCustomer(timeline: readonly TimelineOrder[], returns: readonly BookedReturn[], sign: 1 | -1): void {
    this.cohorts.customer(timeline, returns, sign);
  }

  /** A customer's orders alone, when their cohort and returns did not change. */
  cohortOrders(cohortDay: number, timeline: readonly TimelineOrder[], sign: 1 | -1): void {
    this.cohorts.orders(cohortDay, timeline, sign);
  }

  /** A return booked on an order of a customer of cohort `cohortDay`. */
  cohortReturn(cohortDay: number, booked: BookedReturn, sign: 1 | -1): void {
    this.cohorts.returned(cohortDay, booked, sign);
  }

  /** A session as the funnel counts it. */
  session(session: SessionFunnel, sign: 1 | -1): void {
    this.funnel.session(session, sign);
  }

  /** Adds every collected delta to its rollup, in the writer's transaction. */
  async apply(): Promise<void> {
    await this.sales.apply(this.trx);
    await this.products.apply(this.trx);
    await this.cohorts.apply(this.trx);
    await this.funnel.apply(this.trx);
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
