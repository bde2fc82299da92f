/**
 * The route table: the single source of truth for the HTTP API. The local server routes by
 * it, the API Gateway stack builds its resources and methods from it, and the OpenAPI test
 * checks the document against it. Data only: importing it loads no handler code.
 */
export type HttpMethod = "GET" | "POST";

/**
 * Routes are grouped into one Lambda function per concern: ingestion, reports, health. A
 * group shares warm instances (fewer cold starts for a store's traffic than one function per
 * route) while each function keeps a small bundle and its own alarms, memory and concurrency.
 */
export type FunctionName = "ingest" | "reports" | "health";

export type OperationId =
  | "ingestOrders"
  | "ingestRefunds"
  | "ingestEvents"
  | "summaryReport"
  | "salesReport"
  | "productsReport"
  | "funnelReport"
  | "cohortsReport"
  | "realtimeReport"
  | "health";

export interface Route {
  method: HttpMethod;
  path: string;
  operationId: OperationId;
  functionName: FunctionName;
  apiKeyRequired: boolean;
  summary: string;
  /** Whether the route also answers `text/csv` (Accept negotiation); JSON only when absent. */
  csv?: boolean;
  /**
   * Whether signed-in people (a Cognito ID token in `Authorization: Bearer`, carrying their
   * store in `custom:store_id`) may call it besides API keys: the reports, which the dashboard
   * reads. Ingestion stays key-only. docs/sign-in.md.
   */
  people?: boolean;
  /**
   * Whether the API stage cache may keep this route's answers when an environment turns it on
   * (`api.stageCache`), and for at most how long: the staleness the route's data tolerates. GET
   * report routes only, never ingestion. The cache key is the caller, Accept, X-Consistency and
   * every query parameter (shared/stage-cache.ts); docs/caching.md.
   */
  cache?: { ttlSeconds: number };
  /**
   * The query parameters the route takes, all of them (the handler refuses any other): the keys
   * of its schema in functions/reports/query.ts, which a test holds equal to these. The stage
   * cache keys on every one of them.
   */
  query?: readonly string[];
}

export const API_BASE_PATH = "/api/v1";

export const routes: readonly Route[] = [
  {
    method: "POST",
    path: "/api/v1/orders",
    operationId: "ingestOrders",
    functionName: "ingest",
    apiKeyRequired: true,
    summary: "Ingest orders (create or replace by id)",
  },
  {
    method: "POST",
    path: "/api/v1/refunds",
    operationId: "ingestRefunds",
    functionName: "ingest",
    apiKeyRequired: true,
    summary: "Ingest refunds",
  },
  {
    method: "POST",
    path: "/api/v1/events",
    operationId: "ingestEvents",
    functionName: "ingest",
    apiKeyRequired: true,
    summary: "Ingest storefront events (deduplicated by id)",
  },
  {
    method: "GET",
    path: "/api/v1/reports/summary",
    operationId: "summaryReport",
    query: ["from", "to", "timezone"],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "Sales and customer summary for a date range",
    csv: true,
    cache: { ttlSeconds: 300 },
  },
  {
    method: "GET",
    path: "/api/v1/reports/sales",
    operationId: "salesReport",
    query: ["from", "to", "timezone", "interval"],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "Sales per hour, day, week or month, zero-filled",
    csv: true,
    cache: { ttlSeconds: 300 },
  },
  {
    method: "GET",
    path: "/api/v1/reports/products",
    operationId: "productsReport",
    query: ["from", "to", "timezone", "sort", "limit", "category"],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "Sales per product",
    csv: true,
    cache: { ttlSeconds: 300 },
  },
  {
    method: "GET",
    path: "/api/v1/reports/funnel",
    operationId: "funnelReport",
    query: ["from", "to", "timezone"],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "Storefront conversion funnel",
    csv: true,
    cache: { ttlSeconds: 300 },
  },
  {
    method: "GET",
    path: "/api/v1/reports/cohorts",
    operationId: "cohortsReport",
    query: ["from", "to", "timezone", "interval"],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "Customer cohorts by first order period",
    csv: true,
    cache: { ttlSeconds: 900 },
  },
  {
    method: "GET",
    path: "/api/v1/reports/realtime",
    operationId: "realtimeReport",
    query: [],
    functionName: "reports",
    apiKeyRequired: true,
    people: true,
    summary: "The last 30 minutes",
    csv: true,
  },
  {
    method: "GET",
    path: "/health",
    operationId: "health",
    functionName: "health",
    apiKeyRequired: false,
    summary: "Service and database health",
  },
];

export const FUNCTION_NAMES: readonly FunctionName[] = ["ingest", "reports", "health"];

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** The query parameters of an operation (the route table's `query`); none when it takes none. */
export function queryParameterNames(operationId: string): string[] {
  return [...(routes.find((route) => route.operationId === operationId)?.query ?? [])];
}
