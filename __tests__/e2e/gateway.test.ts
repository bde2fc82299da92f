import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDatabase, type DatabaseHandle } from "../../functions/db/connection";
import { setSharedDatabase } from "../../functions/db/shared-database";
import { createGateway, MISSING_KEY_MESSAGE, type GatewayOptions } from "../../tools/local/gateway";
import { CORS_HEADERS } from "../../shared/cors-headers";
import { createStore, revokeKeys } from "../../functions/stores/repository";

let handle: DatabaseHandle;
const servers: Server[] = [];
let base: string;
let apiKey: string;

async function start(options: Omit<GatewayOptions, "db"> = {}): Promise<string> {
  const server = createGateway({ db: handle.db, ...options });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let storeCounter = 0;
async function newStore() {
  storeCounter += 1;
  return createStore(handle.db, {
    name: `Gateway test ${storeCounter} ${Date.now()}`,
    currency: "USD",
    timezone: "America/New_York",
  });
}

/** `key` null sends no x-api-key header. */
function get(path: string, key: string | null = apiKey, headers: Record<string, string> = {}, url = base) {
  return fetch(`${url}${path}`, { headers: { ...(key === null ? {} : { "x-api-key": key }), ...headers } });
}

function post(
  path: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
  key = apiKey,
) {
  return fetch(`${base}${path}`, { method: "POST", body, headers: { "x-api-key": key, ...headers } });
}

function expectCors(response: Response): void {
  for (const [name, value] of Object.entries(CORS_HEADERS)) expect(response.headers.get(name)).toBe(value);
}

interface ErrorResponse {
  error: { code: string; message: string; details: unknown[] };
  requestId: string;
}

async function expectError(response: Response, status: number, code: string): Promise<ErrorResponse> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as ErrorResponse;
  expect(body).toEqual({
    error: { code, message: expect.any(String), details: expect.any(Array) },
    requestId: expect.any(String),
  });
  expect(body.requestId).toBe(response.headers.get("x-amzn-requestid"));
  return body;
}

const order = (status: "paid" | "cancelled") => ({
  id: "gw-order-1",
  customerId: "cust-1",
  createdAt: "2026-03-10T10:00:00-05:00",
  currency: "USD",
  status,
  lines: [{ productId: "sku-1", productName: "Mug", quantity: 2, unitPrice: "12.50" }],
  shipping: "4.99",
});

beforeAll(async () => {
  handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  setSharedDatabase(handle);
  base = await start();
  apiKey = (await newStore()).apiKey;
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  setSharedDatabase(undefined);
  await handle.db.destroy();
});

describe("routing", () => {
  it("answers /health without a key, with CORS and a request id", async () => {
    const response = await get("/health", null);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: { reachable: true } });
    expectCors(response);
    expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(["summary", "sales", "products", "funnel", "cohorts", "realtime"])(
    "GET /api/v1/reports/%s is 200 with the key",
    async (report) => {
      const response = await get(`/api/v1/reports/${report}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/application\/json/);
      expectCors(response);
    },
  );

  it("passes the query string to the handler", async () => {
    const response = await get("/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&timezone=Asia%2FKolkata");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ from: "2026-03-01", to: "2026-03-31", timezone: "Asia/Kolkata" });
    await expectError(await get("/api/v1/reports/summary?from=2026-03-31&to=2026-03-01"), 400, "VALIDATION_FAILED");
  });

  it("returns CSV for Accept: text/csv", async () => {
    const response = await get("/api/v1/reports/summary", apiKey, { Accept: "text/csv" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header] = (await response.text()).split(/\r?\n/);
    expect(header).toContain("orders");
    expect(header).toContain("netSales");
  });

  it("is 404 with the error body for an unknown path", async () => {
    const response = await get("/api/v1/nothing-here");
    const body = await expectError(response, 404, "NOT_FOUND");
    expect(body.error.message).toContain("/api/v1/nothing-here");
    expectCors(response);
  });

  it("is 405 for a known path with another method", async () => {
    const response = await fetch(`${base}/api/v1/orders`, { method: "GET", headers: { "x-api-key": apiKey } });
    await expectError(response, 405, "METHOD_NOT_ALLOWED");
    expect(response.headers.get("allow")).toContain("POST");
  });

  it("answers an OPTIONS preflight with the CORS headers and no key", async () => {
    const response = await fetch(`${base}/api/v1/orders`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://shop.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key,content-type",
      },
    });
    expect(response.status).toBe(204);
    expectCors(response);
  });
});

describe("ingestion over HTTP", () => {
  it("creates an order, then a re-send updates it", async () => {
    const first = await post("/api/v1/orders", JSON.stringify({ orders: [order("paid")] }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ created: 1, updated: 0 });
    const again = await post("/api/v1/orders", JSON.stringify({ orders: [order("cancelled")] }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ created: 0, updated: 1 });
  });

  it("is 415 for another content type", async () => {
    await expectError(
      await post("/api/v1/orders", JSON.stringify({ orders: [order("paid")] }), { "content-type": "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("is 400 for malformed JSON", async () => {
    await expectError(
      await post("/api/v1/orders", '{"orders": [', { "content-type": "application/json" }),
      400,
      "MALFORMED_JSON",
    );
  });

  it("is 413 over 1 MiB, with Content-Length", async () => {
    const response = await post("/api/v1/orders", `{"orders":[],"pad":"${"x".repeat(1024 * 1024)}"}`);
    await expectError(response, 413, "PAYLOAD_TOO_LARGE");
    expectCors(response);
  });

  it("is 413 over 1 MiB, chunked (no Content-Length)", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${base}/api/v1/orders`, {
      method: "POST",
      body,
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    await expectError(response, 413, "PAYLOAD_TOO_LARGE");
  });
});

describe("API keys", () => {
  it("is 403 with a clear message without a key", async () => {
    const response = await get("/api/v1/reports/summary", null);
    const body = await expectError(response, 403, "FORBIDDEN");
    expect(body.error.message).toBe(MISSING_KEY_MESSAGE);
    expectCors(response);
  });

  it("is 403 Forbidden for an unknown key", async () => {
    const body = await expectError(await get("/api/v1/reports/summary", "eak_not_a_real_key"), 403, "FORBIDDEN");
    expect(body.error.message).toBe("Forbidden");
  });

  it("is 403 Forbidden for a revoked key, at once", async () => {
    const { store, apiKey: key } = await newStore();
    expect((await get("/api/v1/reports/summary", key)).status).toBe(200);
    await revokeKeys(handle.db, store.id);
    const body = await expectError(await get("/api/v1/reports/summary", key), 403, "FORBIDDEN");
    expect(body.error.message).toBe("Forbidden");
  });
});

describe("throttling", () => {
  it("allows `limit` requests per window and key, then 429 with Retry-After", async () => {
    let now = 1_000_000;
    const url = await start({ throttle: { limit: 5, windowMs: 60_000 }, now: () => now });
    const { apiKey: key } = await newStore();
    const { apiKey: otherKey } = await newStore();
    for (let i = 0; i < 5; i++) expect((await get("/api/v1/reports/realtime", key, {}, url)).status).toBe(200);

    const limited = await get("/api/v1/reports/realtime", key, {}, url);
    await expectError(limited, 429, "TOO_MANY_REQUESTS");
    expect(limited.headers.get("retry-after")).toBe("60");
    expectCors(limited);
    expect((await get("/api/v1/reports/realtime", otherKey, {}, url)).status).toBe(200);

    now += 45_500;
    const later = await get("/api/v1/reports/realtime", key, {}, url);
    expect(later.status).toBe(429);
    expect(later.headers.get("retry-after")).toBe("15");

    now += 15_000;
    expect((await get("/api/v1/reports/realtime", key, {}, url)).status).toBe(200);
  });

  it("does not throttle /health or count requests without a valid key", async () => {
    const url = await start({ throttle: { limit: 1, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) expect((await get("/health", null, {}, url)).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await get("/api/v1/reports/realtime", "eak_unknown", {}, url)).status).toBe(403);
  });
});

describe("handler failures", () => {
  it("turns a throwing handler into a 500 error body with CORS", async () => {
    const url = await start({
      handlers: {
        health: async () => {
          throw new Error("boom");
        },
      },
    });
    const response = await get("/health", null, {}, url);
    const body = await expectError(response, 500, "INTERNAL_ERROR");
    expect(body.error.message).not.toContain("boom");
    expectCors(response);
  });
});
