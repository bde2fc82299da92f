import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/**
 * The database as Kysely sees it: the single source of truth for every query's types.
 *
 * Conventions: every table leads with `store_id`; money is DECIMAL(19,4) and reaches JS as a
 * string (never a float); times are DATETIME(3) holding UTC and reach JS as Date.
 */

type Money = ColumnType<string, string, string>;
type UtcTime = ColumnType<Date, Date, Date>;

export type OrderStatus = "paid" | "cancelled";
export const EVENT_TYPES = [
  "session_start",
  "page_view",
  "product_view",
  "add_to_cart",
  "checkout_start",
  "purchase",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface StoresTable {
  id: Generated<number>;
  name: string;
  currency: string;
  timezone: string;
  created_at: UtcTime;
}

/** A key is stored only as its SHA-256 hash; `id` is API Gateway's key id in AWS, `key_...` locally. */
export interface ApiKeysTable {
  id: string;
  store_id: number;
  key_hash: string;
  created_at: UtcTime;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ProductsTable {
  store_id: number;
  id: string;
  name: string;
  category: string | null;
  /** When the product was first seen or its name or category last changed. */
  updated_at: UtcTime;
}

export interface CustomersTable {
  store_id: number;
  id: string;
  first_seen_at: UtcTime;
  /** Their first and second paid orders' times (functions/rollups/customers/timeline.ts). */
  first_paid_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  second_paid_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface OrdersTable {
  store_id: number;
  id: string;
  customer_id: string | null;
  created_at: UtcTime;
  currency: string;
  status: OrderStatus;
  channel: string | null;
  /** Denormalised from the lines at ingest so sales reports read one row per order. */
  units: number;
  gross_sales: Money;
  discounts: Money;
  shipping: Money;
  taxes: Money;
  /** What the customer paid: gross - discounts + shipping + taxes; refunds may not exceed it. */
  total: Money;
  updated_at: UtcTime;
  /** Paid orders with a customer: that customer's previous paid order's time (null: their first). */
  prev_paid_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface OrderLinesTable {
  store_id: number;
  order_id: string;
  line_no: number;
  product_id: string;
  quantity: number;
  unit_price: Money;
  gross: Money;
  discount: Money;
  /** Copied from the order (rewritten with it) so product reports need no join. */
  created_at: UtcTime;
  status: OrderStatus;
}

export interface RefundsTable {
  store_id: number;
  id: string;
  order_id: string;
  created_at: UtcTime;
  amount: Money;
}

export interface RefundLinesTable {
  store_id: number;
  refund_id: string;
  line_no: number;
  order_id: string;
  product_id: string;
  quantity: number;
  amount: Money;
  created_at: UtcTime;
}

export interface EventsTable {
  store_id: number;
  id: string;
  type: EventType;
  session_id: string;
  occurred_at: UtcTime;
  customer_id: string | null;
  product_id: string | null;
  order_id: string | null;
}

/** One row per storefront session, maintained with its events: the funnel reads only this. */
export interface SessionsTable {
  store_id: number;
  id: string;
  started_at: UtcTime;
  last_event_at: UtcTime;
  customer_id: string | null;
  events: number;
  product_viewed: number;
  added_to_cart: number;
  reached_checkout: number;
  converted: number;
}

/** What the sales rollups count: counted orders and their sums, and the returns booked. */
export interface SalesMeasures {
  store_id: number;
  orders: number;
  units: ColumnType<string, number, number>;
  gross_sales: Money;
  discounts: Money;
  shipping: Money;
  taxes: Money;
  returns: Money;
}

/**
 * Sales of counted orders and returns booked, per store and UTC slot of 15 minutes, an hour or a
 * day (`span_minutes`; functions/rollups/spans.ts), with the customer markers of
 * functions/rollups/customers/timeline.ts.
 */
export interface SalesSlotsTable extends SalesMeasures {
  span_minutes: number;
  slot_start: UtcTime;
  /** customers whose first / second / last paid order is in the slot, and whose only one is */
  first_orders: number;
  second_orders: number;
  last_orders: number;
  only_orders: number;
}

/** Sales figures per local date in the store's own zone (functions/rollups/sales/deltas.ts). */
export interface SalesLocalDaysTable extends SalesMeasures {
  /** A DATE, written as `YYYY-MM-DD` */
  local_day: ColumnType<Date, string, string>;
}

/**
 * Sessions by the UTC slot of 15 minutes, an hour or a day (`span_minutes`; rollups/spans.ts) they
 * started in, with how many reached each funnel step.
 */
export interface FunnelSlotsTable {
  store_id: number;
  span_minutes: number;
  slot_start: UtcTime;
  sessions: number;
  product_viewed: number;
  added_to_cart: number;
  reached_checkout: number;
  converted: number;
}

/** What the product rollups count: counted orders' lines, and returns booked from refund lines. */
export interface ProductMeasures {
  store_id: number;
  product_id: string;
  orders: number;
  units: ColumnType<string, number, number>;
  gross_sales: Money;
  discounts: Money;
  returns: Money;
}

/** Per product and local date in the store's own zone (functions/rollups/products/deltas.ts). */
export interface ProductDaysTable extends ProductMeasures {
  /** A DATE, written as `YYYY-MM-DD`; read back as a Date at 00:00 UTC of that date (the pool's zone is UTC). */
  day: ColumnType<Date, string, string>;
}

/** product_days summed per local month (`month` is its first day, a DATE like product_days.day). */
export interface ProductMonthsTable extends ProductMeasures {
  month: ColumnType<Date, string, string>;
}

/** Per product, all time: product_days summed (the complement of a long range, rollups/products/read.ts). */
export type ProductTotalsTable = ProductMeasures;

/** Per cohort day (store's zone) and local week or month: functions/rollups/customers/cohort-deltas.ts. */
export interface CohortCellsTable {
  store_id: number;
  interval_name: "week" | "month";
  /** A DATE, written as `YYYY-MM-DD` */
  cohort_day: ColumnType<Date, string, string>;
  /** the period's key: Monday's date of a week, `YYYY-MM` of a month */
  period: string;
  customers: number;
  sales: Money;
  returns: Money;
}

/**
 * Per local date (store's zone) and cohort day: the cohort's sales and returns that day, and its
 * customers whose first paid order of the day's week or month is that day (cohort-deltas.ts).
 */
export interface CohortDaysTable {
  store_id: number;
  /** A DATE, written as `YYYY-MM-DD` */
  local_day: ColumnType<Date, string, string>;
  /** A DATE, written as `YYYY-MM-DD` */
  cohort_day: ColumnType<Date, string, string>;
  week_customers: number;
  month_customers: number;
  sales: Money;
  returns: Money;
}

/** Per pair of UTC months: gaps between consecutive paid orders of a customer (customers/gap-deltas.ts). */
export interface GapMonthsTable {
  store_id: number;
  /** the first instant of the UTC month of the earlier order */
  prev_month: UtcTime;
  /** the first instant of the UTC month of the later order */
  order_month: UtcTime;
  gaps: number;
  /** only each customer's first two paid orders */
  first_gaps: number;
}

export interface Database {
  stores: StoresTable;
  api_keys: ApiKeysTable;
  products: ProductsTable;
  customers: CustomersTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  refunds: RefundsTable;
  refund_lines: RefundLinesTable;
  events: EventsTable;
  sessions: SessionsTable;
  sales_slots: SalesSlotsTable;
  sales_local_days: SalesLocalDaysTable;
  funnel_slots: FunnelSlotsTable;
  product_days: ProductDaysTable;
  product_months: ProductMonthsTable;
  product_totals: ProductTotalsTable;
  cohort_cells: CohortCellsTable;
  cohort_days: CohortDaysTable;
  gap_months: GapMonthsTable;
  export_days: ExportDaysTable;
}

/** What the history export last wrote per raw table, store and UTC day (functions/export, migration 014). */
export interface ExportDaysTable {
  table_name: string;
  store_id: number;
  /** A DATE: written as `YYYY-MM-DD`; the export reads it back with date_format. */
  day: ColumnType<Date, string, string>;
  row_count: number;
  fingerprint: string;
  exported_at: UtcTime;
}

export type Store = Selectable<StoresTable>;
export type NewOrder = Insertable<OrdersTable>;
export type NewOrderLine = Insertable<OrderLinesTable>;
export type NewRefund = Insertable<RefundsTable>;
export type NewRefundLine = Insertable<RefundLinesTable>;
export type NewEvent = Insertable<EventsTable>;
