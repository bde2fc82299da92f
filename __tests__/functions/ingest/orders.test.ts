import { call, newStore, useTestDatabase, type TestStore } from "../../support/harness";
import type { DatabaseHandle } from "../../../functions/db/connection";

const order = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  customerId: "c-1",
  createdAt: "2026-03-10T12:00:00Z",
  currency: "USD",
  status: "paid",
  lines: [
    { productId: "p-1", productName: "Mug", category: "Kitchen", quantity: 2, unitPrice: "10.00", discount: "1.00" },
  ],
  shipping: "5.00",
  tax: "2.50",
  ...overrides,
});

let handle: DatabaseHandle;
let shop: TestStore;

beforeAll(async () => {
  handle = useTestDatabase();
  shop = await newStore(handle);
});
afterAll(() => handle.db.destroy());

const ordersOf = (store: TestStore) =>
  handle.db.selectFrom("orders").selectAll().where("store_id", "=", store.store.id).orderBy("id").execute();

describe("POST /api/v1/orders", () => {
  it("creates orders and stores exact decimal totals", async () => {
    const res = await call("POST", "/api/v1/orders", { store: shop, body: { orders: [order("o-1")] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ created: 1, updated: 0 });
    const [stored] = await ordersOf(shop);
    expect(stored).toMatchObject({
      gross_sales: "20.0000",
      discounts: "1.0000",
      shipping: "5.0000",
      taxes: "2.5000",
      total: "26.5000",
      units: 2,
    });
  });

  it("replaces an order sent again (e.g. cancelled) and counts it as updated", async () => {
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      body: { orders: [order("o-1", { status: "cancelled" })] },
    });
    expect(res.body).toEqual({ created: 0, updated: 1 });
    const rows = await ordersOf(shop);
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("cancelled");
    const lines = await handle.db.selectFrom("order_lines").selectAll().where("store_id", "=", shop.store.id).execute();
    expect(lines.map((l) => l.status)).toEqual(["cancelled"]);
  });

  it("accepts money as JSON numbers, read through their decimal form", async () => {
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      body: {
        orders: [
          order("o-num", {
            lines: [{ productId: "p-2", productName: "Pen", quantity: 3, unitPrice: 0.1 }],
            shipping: 0.2,
            tax: undefined,
          }),
        ],
      },
    });
    expect(res.status).toBe(200);
    const row = await handle.db
      .selectFrom("orders")
      .selectAll()
      .where("store_id", "=", shop.store.id)
      .where("id", "=", "o-num")
      .executeTakeFirstOrThrow();
    expect(row.gross_sales).toBe("0.3000");
    expect(row.total).toBe("0.5000");
  });

  it("survives a replay: the same batch twice stores each order once", async () => {
    const batch = { orders: [order("r-1"), order("r-2", { customerId: undefined })] };
    await call("POST", "/api/v1/orders", { store: shop, body: batch });
    const again = await call("POST", "/api/v1/orders", { store: shop, body: batch });
    expect(again.body).toEqual({ created: 0, updated: 2 });
    const lines = await handle.db
      .selectFrom("order_lines")
      .select("order_id")
      .where("store_id", "=", shop.store.id)
      .where("order_id", "in", ["r-1", "r-2"])
      .execute();
    expect(lines).toHaveLength(2);
  });

  it("never double-counts concurrent duplicates of a new order", async () => {
    const batch = { orders: [order("race-1"), order("race-2")] };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call("POST", "/api/v1/orders", { store: shop, body: batch })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.reduce((n, r) => n + r.body.created, 0)).toBe(2);
    const stored = await handle.db
      .selectFrom("order_lines")
      .select("order_id")
      .where("store_id", "=", shop.store.id)
      .where("order_id", "in", ["race-1", "race-2"])
      .execute();
    expect(stored).toHaveLength(2);
  });

  it("writes a product only when it is new or its name or category changed", async () => {
    const store = await newStore(handle);
    const product = () =>
      handle.db
        .selectFrom("products")
        .select(["name", "category", "updated_at"])
        .where("store_id", "=", store.store.id)
        .where("id", "=", "p-1")
        .executeTakeFirstOrThrow();
    await call("POST", "/api/v1/orders", { store, body: { orders: [order("u-1")] } });
    const first = await product();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call("POST", "/api/v1/orders", { store, body: { orders: [order("u-2")] } });
    expect(await product()).toEqual(first); // the same name and category: not rewritten

    const renamed = order("u-3", {
      lines: [{ productId: "p-1", productName: "Big mug", category: "Kitchen", quantity: 1, unitPrice: "12.00" }],
    });
    await call("POST", "/api/v1/orders", { store, body: { orders: [renamed] } });
    const now = await product();
    expect(now).toMatchObject({ name: "Big mug", category: "Kitchen" });
    expect(now.updated_at.getTime()).toBeGreaterThan(first.updated_at.getTime());
  });
});

describe("POST /api/v1/orders rejects bad input whole, storing nothing", () => {
  let before: number;
  beforeEach(async () => {
    before = (await ordersOf(shop)).length;
  });
  afterEach(async () => {
    expect((await ordersOf(shop)).length).toBe(before);
  });

  const rejects = async (body: unknown, status: number, code: string, field?: string) => {
    const res = await call("POST", "/api/v1/orders", { store: shop, body });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.requestId).toBe("string");
    if (field) expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    return res;
  };

  it.each([
    ["a missing field", { orders: [order("x", { createdAt: undefined })] }, "orders[0].createdAt"],
    ["an unknown field", { orders: [order("x", { coupon: "FREE" })] }, "orders[0].coupon"],
    ["an unknown top-level field", { orders: [order("x")], extra: 1 }, "extra"],
    [
      "a wrong type",
      { orders: [order("x", { lines: [{ productId: "p", productName: "n", quantity: "2", unitPrice: "1" }] })] },
      "orders[0].lines[0].quantity",
    ],
    ["negative money", { orders: [order("x", { shipping: "-1.00" })] }, "orders[0].shipping"],
    ["too many decimals for USD", { orders: [order("x", { tax: "1.005" })] }, "orders[0].tax"],
    ["an impossible date", { orders: [order("x", { createdAt: "2026-02-30T10:00:00Z" })] }, "orders[0].createdAt"],
    ["a date without offset", { orders: [order("x", { createdAt: "2026-03-10T10:00:00" })] }, "orders[0].createdAt"],
    ["an empty batch", { orders: [] }, "orders"],
    ["an oversized batch", { orders: Array.from({ length: 501 }, (_, i) => order(`b-${i}`)) }, "orders"],
    ["a repeated id in one batch", { orders: [order("d"), order("d")] }, "orders[1].id"],
    [
      "a discount above the line",
      {
        orders: [
          order("x", {
            lines: [{ productId: "p", productName: "n", quantity: 1, unitPrice: "1.00", discount: "2.00" }],
          }),
        ],
      },
      "orders[0].lines[0].discount",
    ],
    ["a bad status", { orders: [order("x", { status: "shipped" })] }, "orders[0].status"],
    ["an id over 64 characters", { orders: [order("x".repeat(65))] }, "orders[0].id"],
  ])("400 for %s", async (_name, body, field) => {
    await rejects(body, 400, "VALIDATION_FAILED", field);
  });

  it("400 names every bad item of a batch with its index", async () => {
    const res = await rejects(
      { orders: [order("ok"), order("bad-1", { status: "x" }), order("bad-2", { tax: "x" })] },
      400,
      "VALIDATION_FAILED",
    );
    expect(res.body.error.details.map((d: { index: number }) => d.index)).toEqual([1, 2]);
  });

  it("422 for another currency than the store's", async () => {
    await rejects({ orders: [order("x", { currency: "EUR" })] }, 422, "CURRENCY_MISMATCH", "orders[0].currency");
  });

  it("stores SQL-looking and unicode text as plain data", async () => {
    const name = "Robert'); DROP TABLE orders;-- ☕ 🎁 Ünïcödé";
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      body: {
        orders: [
          order("o'; --", { lines: [{ productId: "p-sql", productName: name, quantity: 1, unitPrice: "1.00" }] }),
        ],
      },
    });
    expect(res.status).toBe(200);
    const product = await handle.db
      .selectFrom("products")
      .selectAll()
      .where("store_id", "=", shop.store.id)
      .where("id", "=", "p-sql")
      .executeTakeFirstOrThrow();
    expect(product.name).toBe(name);
    before += 1;
  });

  it("415 for a body that is not JSON, 400 for broken JSON", async () => {
    const wrongType = await call("POST", "/api/v1/orders", {
      store: shop,
      rawBody: "orders=1",
      headers: { "content-type": "text/plain" },
    });
    expect(wrongType.status).toBe(415);
    const broken = await call("POST", "/api/v1/orders", {
      store: shop,
      rawBody: '{"orders": [',
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe("MALFORMED_JSON");
  });

  it("413 over 1 MiB", async () => {
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      rawBody: `{"orders":[],"pad":"${"x".repeat(1024 * 1024)}"}`,
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(413);
  });
});
