import type { Kysely, Transaction } from "kysely";
import type { Database } from "../db/schema";
import type { Amount } from "../money/decimal";
import type { LocalCalendar } from "../time";

/** The customer markers kept per sales slot (rollups/customers/timeline.ts). */
export type CustomerMarker = "first_orders" | "second_orders" | "last_orders" | "only_orders";

/** +1: the change counts as written; -1: it is taken back out (a re-send, a cancellation). */
export type Sign = 1 | -1;

/** What a counted (paid) order contributes, at its own time. */
export interface OrderContribution {
  created_at: Date;
  units: number;
  gross: Amount;
  discounts: Amount;
  shipping: Amount;
  taxes: Amount;
}

/** A line of a counted order. */
export interface LineContribution {
  order_id: string;
  product_id: string;
  quantity: number;
  gross: Amount;
  discount: Amount;
  created_at: Date;
}

/** A refund on a counted order: its returns, booked at the refund's own time. */
export interface RefundContribution {
  created_at: Date;
  amount: Amount;
}

/** A refund line on a counted order: returns of its product. */
export interface RefundLineContribution {
  product_id: string;
  created_at: Date;
  amount: Amount;
}

/** A paid order on a customer's timeline: when, and its sales (gross less discounts). */
export interface TimelineOrder {
  created_at: Date;
  sales: Amount;
}

/** A refund booked on a customer's paid order. */
export interface BookedReturn {
  created_at: Date;
  amount: Amount;
}

/** A session as the funnel counts it: where it started and which steps it reached. */
export interface SessionFunnel {
  started_at: Date;
  product_viewed: number;
  added_to_cart: number;
  reached_checkout: number;
  converted: number;
}

/**
 * The changes of one ingest batch, as the writer (rollups/index.ts) hands them to every family:
 * a family implements the kinds it counts and ignores the rest. `apply` adds its deltas in the
 * ingest's transaction, rows sorted by key (add-to-rollup.ts).
 */
export interface RollupChanges {
  order?(order: OrderContribution, sign: Sign): void;
  orderLines?(lines: readonly LineContribution[], sign: Sign): void;
  refund?(refund: RefundContribution, sign: Sign): void;
  refundLine?(line: RefundLineContribution, sign: Sign): void;
  /** a customer marker moved (rollups/customers/timeline.ts) */
  customerMarker?(marker: CustomerMarker, at: Date, sign: Sign): void;
  /** two consecutive paid orders of a customer, at `prev` and `at` (`first`: their first two) */
  customerGap?(prev: Date, at: Date, first: boolean, sign: Sign): void;
  /** a customer's whole timeline and the returns on it, in or out of their cohort's cells */
  cohortCustomer?(timeline: readonly TimelineOrder[], returns: readonly BookedReturn[], sign: Sign): void;
  /** a customer's orders alone, when their cohort and returns did not change */
  cohortOrders?(cohortDay: number, timeline: readonly TimelineOrder[], sign: Sign): void;
  /** a return booked on an order of a customer of cohort `cohortDay` (a local day number) */
  cohortReturn?(cohortDay: number, booked: BookedReturn, sign: Sign): void;
  session?(session: SessionFunnel, sign: Sign): void;
  apply(trx: Transaction<Database>): Promise<unknown>;
}

/**
 * One family of rollups: its folder holds the deltas, rebuild, verification and raw reference
 * queries. rollups/registry.ts lists the families with their deltas; rollups/rebuild.ts and
 * rollups/verify.ts name each one's rebuild and check by the registry's names (kept apart so
 * the ingest bundle carries neither rebuild SQL nor report code).
 */
export interface RollupFamily<Name extends string = string> {
  name: Name;
  /** A batch's deltas for one store; `calendar` is the store's zone, for rollups kept in local dates. */
  changes(storeId: number, calendar: LocalCalendar): RollupChanges;
}

/** Recomputes a family's tables for one store from raw rows (the store held exclusively): rows written, by rollup. */
export type RebuildFamily = (trx: Transaction<Database>, storeId: number) => Promise<Record<string, number>>;

/** Each disagreement between a family's rollups and the raw rows over a store's history, one line each. */
export type VerifyFamily = (db: Kysely<Database>, storeId: number) => Promise<string[]>;
