/**
 * Issue 11 items 5 and 7, through the real Lambda handlers: one query-parameter check for every
 * route (ingest routes took `?storeId=1`), and Accept negotiated by q-values (`text/csv;q=0`
 * returned CSV) with `Vary: Accept` and 406 when nothing offered is acceptable.
 */
import type { APIGatewayProxyResult } from "aws-lambda";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { apiGatewayEvent, lambdaContext } from "../../../tools/local/api-gateway-event";
import { functionHandlers } from "../../../tools/local/handlers";
import { queryParameterNames } from "../../../shared/routes";
import { routes, type Route } from "../../../shared/routes";
import { call, newStore, useTestDatabase, type CallResult, type TestStore } from "../../support/harness";

let handle: DatabaseHandle;
let shop: TestStore;

const order = (id: string) => ({
  id,
  createdAt: "2026-03-10T12:00:00Z",
  currency: "USD",
  status: "paid",
  lines: [{ productId: "p-1", productName: "Mug", quantity: 1, unitPrice: "10.00" }],
});
const bodies: Record<string, unknown> = {
  "/api/v1/orders": { orders: [order("q-1")] },
  "/api/v1/refunds": {
    refunds: [{ id: "qr-1", orderId: "seed-1", createdAt: "2026-03-11T12:00:00Z", amount: "1.00" }],
  },
  "/api/v1/events": {
    events: [{ id: "qe-1", type: "page_view", sessionId: "s-1", occurredAt: "2026-03-10T12:00:00Z" }],
  },
};

beforeAll(async () => {
  handle = useTestDatabase();
  shop = await newStore(handle);
  const seeded = await call("POST", "/api/v1/orders", { store: shop, body: { orders: [order("seed-1")] } });
  expect(seeded.status).toBe(200);
});
afterAll(() => handle.db.destroy());

async function storedRows(): Promise<number> {
  let n = 0;
  for (const table of ["orders", "refunds", "events"] as const) {
    const row = await handle.db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("store_id", "=", shop.store.id)
      .executeTakeFirstOrThrow();
    n += Number(row.n);
  }
  return n;
}

const send = (route: Route, options: { query?: Record<string, string>; headers?: Record<string, string> } = {}) =>
  call(route.method, route.path, {
    store: route.apiKeyRequired ? shop : undefined,
    body: route.method === "POST" ? bodies[route.path] : undefined,
    ...options,
  });

function expectErrorBody(res: CallResult, status: number, code: string) {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String), details: expect.any(Array) }, requestId: expect.any(String) },
  });
}

const routeAt = (path: string) => routes.find((r) => r.path === path)!;

describe("query parameters: what the operation's schema declares, on every route", () => {
  it("POST /api/v1/orders?storeId=1 is a 400 naming storeId, and stores nothing (was 200)", async () => {
    const before = await storedRows();
    const res = await send(routeAt("/api/v1/orders"), { query: { storeId: "1" } });
    expectErrorBody(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.details).toEqual([
      { field: "storeId", message: expect.stringMatching(/is not a query parameter.*takes no query parameters/) },
    ]);
    expect(await storedRows()).toBe(before);
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: an undeclared parameter is a 400 naming it",
    async (_name, route) => {
      const before = await storedRows();
      const res = await send(route, { query: { from: "2026-03-01", storeId: "1" } });
      expectErrorBody(res, 400, "VALIDATION_FAILED");
      const fields = res.body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toContain("storeId");
      expect(fields.includes("from")).toBe(!queryParameterNames(route.operationId).includes("from"));
      expect(await storedRows()).toBe(before);
    },
  );

  it("a declared parameter given twice is a 400 (API Gateway keeps both in multiValueQueryStringParams)", async () => {
    const event = apiGatewayEvent({
      method: "GET",
      path: "/api/v1/reports/summary",
      query: { from: "2026-03-02" },
      apiKeyId: shop.keyId,
    });
    event.multiValueQueryStringParameters = { from: ["2026-03-01", "2026-03-02"] };
    const result = (await functionHandlers.reports(event, lambdaContext("reports"))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).error.details).toEqual([{ field: "from", message: "is given more than once" }]);
  });
});

describe("Accept negotiation", () => {
  const summary = () => routeAt("/api/v1/reports/summary");
  const isCsv = (res: CallResult) => /^text\/csv/.test(res.headers["Content-Type"]);
  const isJson = (res: CallResult) => /^application\/json/.test(res.headers["Content-Type"]);

  it.each<[string | undefined, "json" | "csv"]>([
    ["text/csv;q=0, application/json", "json"],
    [undefined, "json"],
    ["*/*", "json"],
    ["application/*", "json"],
    ["application/json", "json"],
    ["text/csv", "csv"],
    ["text/*", "csv"],
    ["TEXT/CSV", "csv"],
    ["text/csv, application/json;q=0.9", "csv"],
    ["application/json;q=0.5, text/csv;q=0.8", "csv"],
    ["text/csv;q=0.5, */*", "json"],
    ["*/*;q=0.1, text/csv", "csv"],
    ["application/json, text/csv", "json"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "json"],
    ["text/csv;charset=utf-8", "csv"],
    ["garbage", "json"],
  ])("a report with Accept %p answers %s, with Vary: Accept (and the caller's headers)", async (accept, expected) => {
    const res = await send(summary(), {
      query: { from: "2026-03-01", to: "2026-03-31" },
      headers: accept === undefined ? {} : { Accept: accept },
    });
    expect(res.status).toBe(200);
    expect({ accept, csv: isCsv(res), json: isJson(res) }).toEqual({
      accept,
      csv: expected === "csv",
      json: expected === "json",
    });
    expect(res.headers.Vary).toBe("Accept, x-api-key, Authorization, X-Consistency");
  });

  it.each(["application/xml", "application/json;q=0, text/csv;q=0", "image/*", "text/html"])(
    "a report with Accept %p: 406 NOT_ACCEPTABLE, with Vary: Accept",
    async (accept) => {
      const res = await send(summary(), { headers: { Accept: accept } });
      expectErrorBody(res, 406, "NOT_ACCEPTABLE");
      expect(res.body.error.details).toEqual([
        { field: "Accept", message: expect.stringContaining("application/json, text/csv") },
      ]);
      expect(res.headers.Vary).toBe("Accept");
      expect(isJson(res)).toBe(true);
    },
  );

  it("ingestion answers JSON only: text/csv is a 406, nothing is stored; */* and application/* are fine", async () => {
    const orders = routeAt("/api/v1/orders");
    const before = await storedRows();
    for (const accept of ["text/csv", "application/xml", "text/*"]) {
      const res = await call("POST", orders.path, {
        store: shop,
        body: { orders: [order("neg-1")] },
        headers: { Accept: accept },
      });
      expectErrorBody(res, 406, "NOT_ACCEPTABLE");
    }
    expect(await storedRows()).toBe(before);
    for (const accept of ["*/*", "application/*", "application/json;q=0.1"]) {
      const res = await call("POST", orders.path, {
        store: shop,
        body: { orders: [order("neg-1")] },
        headers: { Accept: accept },
      });
      expect({ accept, status: res.status }).toEqual({ accept, status: 200 });
    }
  });

  it("errors carry Vary: Accept too, and repeated Accept headers are read together", async () => {
    const bad = await send(summary(), { query: { from: "nope" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.Vary).toBe("Accept");
    const event = apiGatewayEvent({
      method: "GET",
      path: "/api/v1/reports/realtime",
      apiKeyId: shop.keyId,
      headers: { Accept: "text/csv" },
    });
    event.multiValueHeaders = { Accept: ["application/json;q=0.2", "text/csv"] };
    const result = (await functionHandlers.reports(event, lambdaContext("reports"))) as APIGatewayProxyResult;
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["Content-Type"]).toMatch(/^text\/csv/);
  });
});
