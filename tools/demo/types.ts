/**
 * The demo generator's output, in exactly the JSON shape of the ingestion API (SPEC 3.1):
 * `POST /api/v1/orders {"orders": DemoOrder[]}`, `POST /api/v1/refunds {"refunds": DemoRefund[]}`,
 * `POST /api/v1/events {"events": DemoEvent[]}`. Optional fields are absent, never `undefined`.
 * Money is a decimal string with exactly the currency's minor units; times are RFC 3339 with
 * the store's UTC offset.
 */

export type DemoOrderStatus = "paid" | "cancelled";

export interface DemoOrderLine {
  productId: string;
  productName: string;
  category?: string;
  /** integer >= 1 */
  quantity: number;
  /** price of one unit */
  unitPrice: string;
  /** discount on this line as a whole (not per unit) */
  discount?: string;
}

export interface DemoOrder {
  /** "ord-000123" */
  id: string;
  /** absent for guest checkouts */
  customerId?: string;
  createdAt: string;
  currency: string;
  status: DemoOrderStatus;
  lines: DemoOrderLine[];
  /** order-level discount (a coupon), on top of line discounts */
  discount?: string;
  shipping?: string;
  tax?: string;
  /** "web" | "mobile_app" | "social" | "pos" */
  channel?: string;
}

export interface DemoRefundLine {
  productId: string;
  quantity: number;
  amount: string;
}

export interface DemoRefund {
  /** "ref-000123" */
  id: string;
  orderId: string;
  createdAt: string;
  /** > 0; never more, summed over an order's refunds, than the order's total */
  amount: string;
  lines?: DemoRefundLine[];
}

export type DemoEventType =
  "session_start" | "page_view" | "product_view" | "add_to_cart" | "checkout_start" | "purchase";

export interface DemoEvent {
  id: string;
  type: DemoEventType;
  sessionId: string;
  occurredAt: string;
  customerId?: string;
  productId?: string;
  orderId?: string;
}

export interface DemoOptions {
  /** any finite number; the same seed and options give the same output, byte for byte */
  seed: number;
  /** distinct orders (cancellation re-sends repeat an id and are not counted again) */
  orders: number;
  products: number;
  /** distinct registered customers at most; about 20 % of orders are guest checkouts */
  customers: number;
  /** orders' createdAt lie in [start, end) */
  start: Date;
  end: Date;
  /** ISO 4217 code written on every order */
  currency: string;
  /** decimals of the currency: USD/EUR 2, JPY 0, KWD 3 */
  minorUnits: number;
  /** IANA zone of the store: shapes the daily rhythm and the written UTC offsets */
  timezone: string;
  /** non-converting sessions per order, default 3 (so conversion is about 1 / (1 + 3)) */
  sessionsPerOrder?: number;
  /** average events per session, default 10 */
  eventsPerSession?: number;
}

export type DemoBatch =
  | { kind: "orders"; items: DemoOrder[] }
  | { kind: "refunds"; items: DemoRefund[] }
  | { kind: "events"; items: DemoEvent[] };

/** SPEC 3.1's per-request limits, which every batch respects. */
export const DEMO_BATCH_LIMITS = { orders: 500, refunds: 500, events: 1000 } as const;
