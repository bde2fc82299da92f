import type { APIGatewayProxyResult } from "aws-lambda";
import { createDatabase, type DatabaseHandle } from "../../functions/db/connection";
import { setSharedDatabase } from "../../functions/db/shared-database";
import type { Store } from "../../functions/db/schema";
import { apiGatewayEvent, lambdaContext, type GatewayRequest } from "../../tools/local/api-gateway-event";
import { functionHandlers } from "../../tools/local/handlers";
import { routes } from "../../shared/routes";
import { createStore, type NewStore } from "../../functions/stores/repository";

export interface TestStore {
  store: Store;
  keyId: string;
  apiKey: string;
}

/** The test database (created by globalSetup) as the handlers' shared database. */
export function useTestDatabase(): DatabaseHandle {
  const handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  setSharedDatabase(handle);
  return handle;
}

let storeCounter = 0;

export async function newStore(handle: DatabaseHandle, overrides: Partial<NewStore> = {}): Promise<TestStore> {
  storeCounter += 1;
  const { store, keyId, apiKey } = await createStore(handle.db, {
    name: `Test store ${storeCounter}`,
    currency: "USD",
    timezone: "UTC",
    ...overrides,
  });
  return { store, keyId, apiKey };
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Invokes the Lambda handler that owns the route, with the event API Gateway would send. */
export async function call(
  method: "GET" | "POST",
  path: string,
  options: {
    store?: TestStore;
    body?: unknown;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    rawBody?: string;
  } = {},
): Promise<CallResult> {
  const route = routes.find((r) => r.method === method && r.path === path);
  const functionName = route?.functionName ?? "reports";
  const headers: Record<string, string> = {
    ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
    ...options.headers,
  };
  const request: GatewayRequest = {
    method,
    path,
    query: options.query,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    apiKeyId: options.store?.keyId,
    apiKey: options.store?.apiKey,
  };
  const result = (await functionHandlers[functionName](
    apiGatewayEvent(request),
    lambdaContext(functionName),
  )) as APIGatewayProxyResult;
  const responseHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  let body: unknown;
  try {
    body = JSON.parse(result.body);
  } catch {
    // not JSON (CSV): callers read `text`
  }
  return { status: result.statusCode, headers: responseHeaders, body, text: result.body };
}

/** Every table a store's requests can write (raw rows and rollups), keyed by store_id. */
export const STORE_TABLES = [
  "orders",
  "order_lines",
  "refunds",
  "refund_lines",
  "events",
  "sessions",
  "customers",
  "products",
  "sales_slots",
  "sales_local_days",
  "product_days",
  "product_months",
  "product_totals",
  "cohort_cells",
  "cohort_days",
  "gap_months",
  "funnel_slots",
] as const;

/** The store's row count in each of STORE_TABLES: a rejected request must leave all of them as they were. */
export async function storeRowCounts(handle: DatabaseHandle, storeId: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STORE_TABLES) {
    const row = await handle.db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("store_id", "=", storeId)
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
