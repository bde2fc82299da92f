import type { DatabaseHandle } from "../../functions/db/connection";
import { revokeKeys } from "../../functions/stores/repository";
import { call, newStore, useTestDatabase, type TestStore } from "../support/harness";

/**
 * Two stores use the same ids for orders, customers, products, sessions and events. Nothing
 * one store's key does may read, change or even reveal the other store's data.
 */
let handle: DatabaseHandle;
let alice: TestStore;
let bob: TestStore;

const order = (price: string, status = "paid") => ({
  id: "order-1",
  customerId: "customer-1",
  createdAt: "2026-05-05T10:00:00Z",
  currency: "USD",
  status,
  lines: [{ productId: "product-1", productName: "Shared id", quantity: 1, unitPrice: price }],
});
const range = { from: "2026-05-01", to: "2026-05-31", timezone: "UTC" };

beforeAll(async () => {
  handle = useTestDatabase();
  alice = await newStore(handle);
  bob = await newStore(handle);
  await call("POST", "/api/v1/orders", { store: alice, body: { orders: [order("100.00")] } });
  await call("POST", "/api/v1/events", {
    store: alice,
    body: {
      events: [{ id: "event-1", type: "session_start", sessionId: "session-1", occurredAt: "2026-05-05T09:00:00Z" }],
    },
  });
});
afterAll(() => handle.db.destroy());

describe("tenancy", () => {
  it("another store sees none of the data", async () => {
    for (const name of ["summary", "sales", "products", "funnel", "cohorts"]) {
      const res = await call("GET", `/api/v1/reports/${name}`, { store: bob, query: range });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toMatch(/product-1|Shared id|100\.00/);
    }
    const summary = await call("GET", "/api/v1/reports/summary", { store: bob, query: range });
    expect(summary.body).toMatchObject({ orders: 0, grossSales: "0.00", customers: 0 });
  });

  it("the same ids sent by another store create that store's own rows and leave the first untouched", async () => {
    const res = await call("POST", "/api/v1/orders", { store: bob, body: { orders: [order("1.00", "cancelled")] } });
    expect(res.body).toEqual({ created: 1, updated: 0 }); // not "updated": bob cannot detect alice's order-1
    const aliceSummary = await call("GET", "/api/v1/reports/summary", { store: alice, query: range });
    expect(aliceSummary.body).toMatchObject({ orders: 1, grossSales: "100.00" });
  });

  it("a repeated event id in another store is not a duplicate there", async () => {
    const res = await call("POST", "/api/v1/events", {
      store: bob,
      body: {
        events: [{ id: "event-1", type: "session_start", sessionId: "session-1", occurredAt: "2026-05-05T09:00:00Z" }],
      },
    });
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("refunds cannot reach another store's order, and the error reveals nothing", async () => {
    const carol = await newStore(handle);
    const res = await call("POST", "/api/v1/refunds", {
      store: carol,
      body: { refunds: [{ id: "refund-1", orderId: "order-1", createdAt: "2026-05-06T10:00:00Z", amount: "1.00" }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: "refunds[0].orderId", message: "no such order in this store", index: 0 },
    ]);
    const aliceRefunds = await handle.db
      .selectFrom("refunds")
      .selectAll()
      .where("store_id", "=", alice.store.id)
      .execute();
    expect(aliceRefunds).toHaveLength(0);
  });

  it("a missing, unknown or revoked key gets 403", async () => {
    const missing = await call("GET", "/api/v1/reports/summary", { query: range });
    expect(missing.status).toBe(403);
    expect(missing.body.error.message).toMatch(/x-api-key/);
    const unknown = await call("GET", "/api/v1/reports/summary", {
      store: { ...alice, keyId: "key_unknown" },
      query: range,
    });
    expect(unknown.status).toBe(403);
    const dave = await newStore(handle);
    await revokeKeys(handle.db, dave.store.id);
    const revoked = await call("GET", "/api/v1/reports/summary", { store: dave, query: range });
    expect(revoked.status).toBe(403);
  });
});
