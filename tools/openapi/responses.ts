import type { ErrorDetail } from "../../functions/http/errors";
import type { EventsResult } from "../../functions/ingest/events";
import type { OrdersResult } from "../../functions/ingest/orders";
import type { RefundsResult } from "../../functions/ingest/refunds";
import { type Cohort, type CohortPeriod, type CohortsReport } from "../../functions/reports/cohorts";
import { COHORT_INTERVALS } from "../../functions/rollups/customers/cohort-cells";
import type { FunnelReport, FunnelStep } from "../../functions/reports/funnel";
import type { ProductRow, ProductsReport } from "../../functions/reports/products";
import { PRODUCT_SORTS } from "../../functions/rollups/products/top";
import type { RealtimeMinute, RealtimeReport } from "../../functions/reports/realtime";
import type { SalesPeriod, SalesReport } from "../../functions/reports/sales";
import type { SummaryReport } from "../../functions/reports/summary";
import { INTERVALS } from "../../functions/time";

/**
 * The response bodies of the API as JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it). They
 * become `components.schemas` of the OpenAPI document and refer to each other by `$ref`.
 *
 * Each object schema is built by `object<T>()`, which takes exactly the keys of the TypeScript
 * type the handler returns: adding, renaming or removing a field of a report fails the
 * type-check until the schema follows. The OpenAPI test checks the values against real responses.
 */
export type JsonSchema = { [keyword: string]: unknown };

/** A reference to another schema of `components.schemas` (the OpenAPI test resolves every one). */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * An object schema listing exactly the fields of T, all required except `optional`, no others
 * allowed (a field the handler starts sending fails the OpenAPI test until it is documented).
 */
function object<T>(
  properties: { [K in keyof T]-?: JsonSchema },
  options: { description?: string; optional?: readonly (keyof T & string)[] } = {},
): JsonSchema {
  const optional = new Set<string>(options.optional ?? []);
  return {
    type: "object",
    ...(options.description ? { description: options.description } : {}),
    properties,
    required: Object.keys(properties).filter((key) => !optional.has(key)),
    additionalProperties: false,
  };
}

const count = (description?: string): JsonSchema => ({
  type: "integer",
  minimum: 0,
  ...(description ? { description } : {}),
});
const rate = (description: string, maximum: number | undefined = 1): JsonSchema => ({
  type: "number",
  minimum: 0,
  ...(maximum === undefined ? {} : { maximum }),
  description: `${description} Rounded to 4 decimals; 0 when there is nothing to divide by.`,
});
const money = (description: string): JsonSchema => ({ ...ref("Money"), description });
const localDate = (description: string): JsonSchema => ({
  type: "string",
  format: "date",
  pattern: "^\\d{4}-\\d{2}-\\d{2}$",
  description,
});
const instant = (description: string): JsonSchema => ({ type: "string", format: "date-time", description });
const timezone: JsonSchema = {
  type: "string",
  description: "The IANA time zone the report's days, weeks and months are cut in.",
  examples: ["Europe/Berlin"],
};
const currency: JsonSchema = {
  type: "string",
  pattern: "^[A-Z]{3}$",
  description: "The store's reporting currency (ISO 4217).",
  examples: ["USD"],
};

/**
 * A period's label: `2026-03` (month), `2026-03-09` (day, or the Monday of an ISO week), `2026-03-08T01:00:00-05:00`
 * (hour).
 */
const PERIOD_LABEL = "^\\d{4}-\\d{2}(?:-\\d{2}(?:T\\d{2}:00:00[+-]\\d{2}:\\d{2})?)?$";

/**
 * Money out: a decimal string rounded to the currency's minor units (USD 2, JPY 0, KWD 3); may be negative (net of
 * returns).
 */
export const MONEY_PATTERN = "^-?\\d+(?:\\.\\d{1,4})?$";

const salesFigureProperties = {
  orders: count("Counted orders: status paid, by createdAt in the range."),
  unitsSold: count("Units on the counted orders' lines."),
  grossSales: money("Sum of quantity x unitPrice over the counted orders' lines."),
  discounts: money("Line discounts plus order discounts of the counted orders."),
  returns: money("Refunds whose own createdAt is in the range, whatever the order's date."),
  netSales: money("grossSales - discounts - returns."),
  shipping: money("Shipping of the counted orders."),
  taxes: money("Taxes of the counted orders."),
  totalSales: money("netSales + shipping + taxes."),
  averageOrderValue: money("(grossSales - discounts) / orders; 0 when there are no orders."),
};

const rangeProperties = {
  from: localDate("First day of the range (inclusive), in the report's timezone."),
  to: localDate("Last day of the range (inclusive), in the report's timezone."),
  timezone,
};

export const responseSchemas = {
  Money: {
    type: "string",
    pattern: MONEY_PATTERN,
    description:
      "A decimal amount as a string (never a binary float), " +
      "rounded to the currency's minor units: USD 2, JPY 0, KWD 3.",
    examples: ["1234.50", "-12.00", "1500"],
  },

  SummaryReport: object<SummaryReport>(
    {
      ...rangeProperties,
      currency,
      ...salesFigureProperties,
      customers: count(
        "Distinct customers with a counted order in the range (guest orders count as orders, not customers).",
      ),
      newCustomers: count("Customers whose first counted order ever is in the range."),
      returningCustomers: count("customers - newCustomers: they had ordered before the range."),
      returningCustomerRate: rate("Share of customers with more than one counted order up to the end of the range."),
    },
    { description: "SPEC 3.3's figures over the range." },
  ),

  SalesPeriod: object<SalesPeriod>({
    period: {
      type: "string",
      pattern: PERIOD_LABEL,
      description:
        "The period's label in the report's timezone: 2026-03 (month), 2026-03-09 (day, or a week's Monday), " +
        "2026-03-08T01:00:00-05:00 (hour).",
    },
    start: instant("The whole period's first instant (UTC), even where the range cuts it."),
    end: instant("The instant after the whole period (UTC, exclusive)."),
    ...salesFigureProperties,
  }),
  SalesReport: object<SalesReport>(
    {
      ...rangeProperties,
      currency,
      interval: { type: "string", enum: [...INTERVALS] },
      periods: {
        type: "array",
        items: ref("SalesPeriod"),
        description: "Every period overlapping the range, in order, zero-filled.",
      },
    },
    { description: "Sales per period." },
  ),

  ProductRow: object<ProductRow>({
    productId: { type: "string" },
    productName: { type: "string" },
    category: { type: ["string", "null"] },
    orders: count("Counted orders with this product."),
    unitsSold: count(),
    grossSales: money("Sum of quantity x unitPrice of this product's lines."),
    discounts: money("This product's line discounts."),
    returns: money("Refund lines of this product booked in the range."),
    netSales: money("grossSales - discounts - returns."),
  }),
  ProductsReport: object<ProductsReport>(
    {
      ...rangeProperties,
      currency,
      sort: { type: "string", enum: [...PRODUCT_SORTS] },
      category: { type: ["string", "null"], description: "The category filter, null when none was given." },
      products: { type: "array", items: ref("ProductRow"), maxItems: 100 },
    },
    { description: "Sales per product, best first." },
  ),

  FunnelStep: object<FunnelStep>({
    step: { type: "string", enum: ["sessions", "productViews", "addToCart", "checkout", "converted"] },
    sessions: count(),
    rateFromPrevious: rate(
      "Share of the previous step's sessions (1 for the first step); " +
        "may exceed 1, as a step does not require the one before.",
      undefined,
    ),
    rateFromStart: rate("Share of all sessions."),
  }),
  FunnelReport: object<FunnelReport>(
    {
      ...rangeProperties,
      sessions: count("Sessions that started in the range."),
      sessionsWithProductViews: count(),
      sessionsWithAddToCart: count(),
      sessionsReachedCheckout: count(),
      sessionsConverted: count("Sessions with a purchase event."),
      conversionRate: rate("sessionsConverted / sessions."),
      steps: { type: "array", items: ref("FunnelStep"), minItems: 5, maxItems: 5 },
    },
    { description: "The storefront conversion funnel of the sessions that started in the range." },
  ),

  CohortPeriod: object<CohortPeriod>({
    k: count("Periods since the cohort's first one (0 = the cohort's own period)."),
    period: { type: "string", pattern: PERIOD_LABEL },
    customers: count("Cohort customers with a paid order in this period."),
    share: rate("customers / the cohort's size."),
    netSales: money("The cohort's sales in this period, less returns booked in it."),
  }),
  Cohort: object<Cohort>({
    cohort: { type: "string", pattern: PERIOD_LABEL, description: "The period of the customers' first paid order." },
    size: { type: "integer", minimum: 1 },
    periods: { type: "array", items: ref("CohortPeriod"), minItems: 1 },
  }),
  CohortsReport: object<CohortsReport>(
    {
      ...rangeProperties,
      currency,
      interval: { type: "string", enum: [...COHORT_INTERVALS] },
      cohorts: { type: "array", items: ref("Cohort") },
    },
    { description: "Customers grouped by the period of their first paid order." },
  ),

  RealtimeMinute: object<RealtimeMinute>({
    minute: instant("The minute's start (UTC)."),
    orders: count(),
    netSales: money("Sales of the minute's orders, less returns booked in it."),
  }),
  RealtimeReport: object<RealtimeReport>(
    {
      asOf: instant("When the report was computed."),
      currency,
      activeSessions: count("Sessions with any event in the last 5 minutes."),
      orders: count("Counted orders in the last 30 minutes."),
      netSales: money("Net sales of the last 30 minutes."),
      minutes: {
        type: "array",
        items: ref("RealtimeMinute"),
        minItems: 30,
        maxItems: 30,
        description: "The last 30 minutes, oldest first, zero-filled.",
      },
    },
    { description: "The last 30 minutes." },
  ),

  OrdersResult: object<OrdersResult>({
    created: count("Orders stored for the first time."),
    updated: count("Orders that replaced one with the same id."),
  }),
  RefundsResult: object<RefundsResult>({
    created: count("Refunds stored for the first time."),
    updated: count("Refunds that replaced one with the same id."),
  }),
  EventsResult: object<EventsResult>({
    accepted: count("Events stored."),
    duplicates: count("Events ignored: their id was already stored."),
  }),

  Health: object<{ status: unknown; database: unknown }>(
    {
      status: { const: "ok" },
      database: object<{ reachable: unknown; latencyMs: unknown }>({
        reachable: { const: true },
        latencyMs: count("How long `select 1` took."),
      }),
    },
    { description: "The service answers and the database is reachable (otherwise 503)." },
  ),

  ErrorDetail: object<ErrorDetail>(
    {
      field: {
        type: "string",
        description:
          "The field's JSON path in the request (orders[3].lines[0].unitPrice), a query parameter, or a header.",
      },
      message: { type: "string" },
      index: { type: "integer", minimum: 0, description: "The item's index in the request's array, for ingestion." },
    },
    { optional: ["index"] },
  ),
  Error: {
    type: "object",
    description: "Every error has this body.",
    properties: {
      error: {
        type: "object",
        properties: {
          code: {
            type: "string",
            pattern: "^[A-Z][A-Z0-9_]*$",
            description:
              "A stable machine-readable code: VALIDATION_FAILED, MALFORMED_JSON (400); FORBIDDEN (403); " +
              "NOT_FOUND (404); NOT_ACCEPTABLE (406); " +
              "PAYLOAD_TOO_LARGE (413); UNSUPPORTED_MEDIA_TYPE (415); " +
              "CURRENCY_MISMATCH, INVALID_REFERENCE, REFUND_EXCEEDS_PAID, " +
              "BELOW_REFUNDED, OUT_OF_RANGE (422); TOO_MANY_REQUESTS (429); INTERNAL_ERROR (500); " +
              "SERVICE_UNAVAILABLE (503).",
            examples: ["VALIDATION_FAILED"],
          },
          message: { type: "string" },
          details: { type: "array", items: ref("ErrorDetail") },
        },
        required: ["code", "message", "details"],
        additionalProperties: false,
      },
      requestId: { type: "string", description: "The request's id, also in the logs." },
    },
    required: ["error", "requestId"],
    additionalProperties: false,
  },
} satisfies Record<string, JsonSchema>;
