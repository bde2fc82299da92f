/**
 * Issue 11, "Wrong answers to bad input", items 1-4: money with too many decimals, ids the
 * database would take for another, sums past a column's limit, and wrong JSON types. Every case
 * here answered 500 (or the wrong 4xx, or stored something) before the fix.
 */
import { sql } from "kysely";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { ApiError } from "../../../functions/http/errors";
import { withinColumnLimits } from "../../../functions/ingest/column-limits";
import { call, newStore, storeRowCounts, useTestDatabase, type TestStore } from "../../support/harness";

type Json = Record<string, unknown>;

let handle: DatabaseHandle;

beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

const line = (extra: Json = {}) => ({
  productId: "p-1",
  productName: "Mug",
  quantity: 1,
  unitPrice: "10.00",
  ...extra,
});
const order = (id: string, extra: Json = {}) => ({
  id,
  customerId: "c-1",
  createdAt: "2026-03-10T12:00:00Z",
  currency: "USD",
  status: "paid",
  lines: [line()],
  ...extra,
});
const refund = (id: string, orderId: string, extra: Json = {}) => ({
  id,
  orderId,
  createdAt: "2026-03-11T12:00:00Z",
  amount: "1.00",
  ...extra,
});
const event = (id: string, extra: Json = {}) => ({
  id,
  type: "page_view",
  sessionId: "s-1",
  occurredAt: "2026-03-10T12:00:00Z",
  ...extra,
});

/** Every row count of the store's raw and rollup tables: a rejected request must leave all of them as they were. */
const rowCounts = (shop: TestStore) => storeRowCounts(handle, shop.store.id);

type Path = "/api/v1/orders" | "/api/v1/refunds" | "/api/v1/events";

/** Sends the body, expects a 4xx with SPEC's error body naming `field`, and that nothing was stored. */
async function expectRejected(
  shop: TestStore,
  path: Path,
  body: unknown,
  status: number,
  field: string,
  message?: RegExp,
) {
  const before = await rowCounts(shop);
  const res = await call("POST", path, { store: shop, body });
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { error: { code: expect.any(String), details: expect.any(Array) }, requestId: expect.any(String) },
  });
  const details = res.body.error.details as { field: string; message: string }[];
  expect(details.map((d) => d.field)).toContain(field);
  if (message) expect(details.find((d) => d.field === field)!.message).toMatch(message);
  expect(await rowCounts(shop)).toEqual(before);
  return res;
}

async function expectStored(shop: TestStore, path: Path, body: unknown) {
  const res = await call("POST", path, { store: shop, body });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  return res;
}

// ---------------------------------------------------------------------------------------------
// Item 1: money with more decimals than the database keeps (4) answered 500.

describe("money with more than 4 decimals is a 400 naming the field", () => {
  let usd: TestStore;
  let kwd: TestStore;
  beforeAll(async () => {
    usd = await newStore(handle, { currency: "USD" });
    kwd = await newStore(handle, { currency: "KWD" });
    await expectStored(usd, "/api/v1/orders", { orders: [order("paid-1", { lines: [line({ unitPrice: "50.00" })] })] });
  });

  it.each<[string, Json, string]>([
    ["unitPrice 10.12345", order("m-1", { lines: [line({ unitPrice: "10.12345" })] }), "orders[0].lines[0].unitPrice"],
    [
      "a line discount of 5 decimals",
      order("m-2", { lines: [line({ discount: "0.00001" })] }),
      "orders[0].lines[0].discount",
    ],
    ["shipping of 9 decimals", order("m-3", { shipping: "1.123456789" }), "orders[0].shipping"],
    ["an order discount of 5 decimals", order("m-4", { discount: "0.00005" }), "orders[0].discount"],
    ["tax as the JSON number 0.30000000000000004", order("m-5", { tax: 0.1 + 0.2 }), "orders[0].tax"],
    [
      "unitPrice as the JSON number 1e-7",
      order("m-6", { lines: [line({ unitPrice: 1e-7 })] }),
      "orders[0].lines[0].unitPrice",
    ],
  ])("USD order: %s", async (_name, body, field) => {
    await expectRejected(usd, "/api/v1/orders", { orders: [body] }, 400, field, /at most 2 decimals/);
  });

  it("USD: 10.123 keeps its message, and trailing zeros past 4 decimals are fine", async () => {
    await expectRejected(
      usd,
      "/api/v1/orders",
      { orders: [order("m-7", { tax: "10.123" })] },
      400,
      "orders[0].tax",
      /at most 2 decimals/,
    );
    await expectStored(usd, "/api/v1/orders", { orders: [order("m-8", { tax: "1.10000000" })] });
  });

  it("KWD: 0.12345 is refused, 0.123 accepted", async () => {
    const kwdOrder = (id: string, unitPrice: string) => order(id, { currency: "KWD", lines: [line({ unitPrice })] });
    await expectRejected(
      kwd,
      "/api/v1/orders",
      { orders: [kwdOrder("k-1", "0.12345")] },
      400,
      "orders[0].lines[0].unitPrice",
      /at most 3 decimals/,
    );
    await expectStored(kwd, "/api/v1/orders", { orders: [kwdOrder("k-2", "0.123")] });
  });

  it.each<[string, Json, string]>([
    ["amount 0.00001", refund("r-1", "paid-1", { amount: "0.00001" }), "refunds[0].amount"],
    ["amount 1.000001", refund("r-2", "paid-1", { amount: "1.000001" }), "refunds[0].amount"],
    [
      "a line amount of 5 decimals",
      refund("r-3", "paid-1", { lines: [{ productId: "p-1", quantity: 1, amount: "0.99999" }] }),
      "refunds[0].lines[0].amount",
    ],
  ])("refund: %s", async (_name, body, field) => {
    await expectRejected(usd, "/api/v1/refunds", { refunds: [body] }, 400, field, /at most 2 decimals/);
  });
});

// ---------------------------------------------------------------------------------------------
// Item 2: ids the collation takes as equal (trailing spaces; lone surrogates, all stored as
// U+FFFD) answered 500 after retries, 422, or silently replaced another id.

describe("ids: no leading or trailing white space, control characters or lone surrogates", () => {
  let shop: TestStore;
  beforeAll(async () => {
    shop = await newStore(handle);
    await expectStored(shop, "/api/v1/orders", {
      orders: [order("WS-BASE", { lines: [line({ productId: "p-ws" })] })],
    });
    await expectStored(shop, "/api/v1/refunds", { refunds: [refund("WSR-BASE", "WS-BASE")] });
    await expectStored(shop, "/api/v1/events", { events: [event("e2")] });
  });

  it('"X" and "X " in one batch: 400 on the padded one', async () => {
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("X"), order("X ")] },
      400,
      "orders[1].id",
      /white space/,
    );
  });

  it('event "e2 " after "e2": 400, not a 500 after retries', async () => {
    await expectRejected(shop, "/api/v1/events", { events: [event("e2 ")] }, 400, "events[0].id", /white space/);
  });

  it("different lone surrogates (both stored as U+FFFD): 400", async () => {
    await expectRejected(
      shop,
      "/api/v1/events",
      { events: [event("ls-\ud800"), event("ls-\udc00")] },
      400,
      "events[0].id",
      /unpaired surrogate/,
    );
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("\udfff")] },
      400,
      "orders[0].id",
      /unpaired surrogate/,
    );
  });

  it('order "WS-BASE " after the refunded "WS-BASE": 400 (was 422 BELOW_REFUNDED)', async () => {
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("WS-BASE ", { lines: [line({ productId: "p-ws", unitPrice: "0.01" })] })] },
      400,
      "orders[0].id",
    );
  });

  it('refund "WSR-BASE " no longer replaces "WSR-BASE"', async () => {
    await expectRejected(
      shop,
      "/api/v1/refunds",
      { refunds: [refund("WSR-BASE ", "WS-BASE", { amount: "2.00" })] },
      400,
      "refunds[0].id",
    );
    const stored = await handle.db
      .selectFrom("refunds")
      .select(["id", "amount"])
      .where("store_id", "=", shop.store.id)
      .execute();
    expect(stored).toEqual([{ id: "WSR-BASE", amount: "1.0000" }]);
  });

  it.each<[string, Path, unknown, string]>([
    ["order id with a leading space", "/api/v1/orders", { orders: [order(" o")] }, "orders[0].id"],
    ["order id with a trailing no-break space", "/api/v1/orders", { orders: [order("o\u00a0")] }, "orders[0].id"],
    ["order id with a trailing tab", "/api/v1/orders", { orders: [order("o\t")] }, "orders[0].id"],
    ["order id with a trailing line feed", "/api/v1/orders", { orders: [order("o\n")] }, "orders[0].id"],
    ["order id with a C1 control", "/api/v1/orders", { orders: [order("o\u0085o")] }, "orders[0].id"],
    ["order id with NUL", "/api/v1/orders", { orders: [order("o\u0000o")] }, "orders[0].id"],
    [
      "customerId with a trailing space",
      "/api/v1/orders",
      { orders: [order("o", { customerId: "c-1 " })] },
      "orders[0].customerId",
    ],
    [
      "productId with a trailing space",
      "/api/v1/orders",
      { orders: [order("o", { lines: [line({ productId: "p-1 " })] })] },
      "orders[0].lines[0].productId",
    ],
    ["refund id with a trailing space", "/api/v1/refunds", { refunds: [refund("r ", "WS-BASE")] }, "refunds[0].id"],
    [
      "refund orderId with a trailing space",
      "/api/v1/refunds",
      { refunds: [refund("r", "WS-BASE ")] },
      "refunds[0].orderId",
    ],
    [
      "refund line productId with a trailing space",
      "/api/v1/refunds",
      { refunds: [refund("r", "WS-BASE", { lines: [{ productId: "p-ws ", quantity: 1, amount: "1.00" }] })] },
      "refunds[0].lines[0].productId",
    ],
    [
      "sessionId with a trailing space",
      "/api/v1/events",
      { events: [event("ev", { sessionId: "s-1 " })] },
      "events[0].sessionId",
    ],
    [
      "event customerId with a lone surrogate",
      "/api/v1/events",
      { events: [event("ev", { customerId: "c\ud83d" })] },
      "events[0].customerId",
    ],
    [
      "event productId with a leading space",
      "/api/v1/events",
      { events: [event("ev", { type: "product_view", productId: " p" })] },
      "events[0].productId",
    ],
    [
      "event orderId with a trailing space",
      "/api/v1/events",
      { events: [event("ev", { type: "purchase", orderId: "WS-BASE " })] },
      "events[0].orderId",
    ],
  ])("400 for %s", async (_name, path, body, field) => {
    await expectRejected(shop, path, body, 400, field);
  });

  it("inner spaces, emoji, RTL, combining marks and a literal U+FFFD are ids, stored exactly", async () => {
    const ids = [
      "a b",
      "🎁-😀",
      "\u05e9\u05dc\u05d5\u05dd",
      "e\u0301",
      "\u00e9",
      "\ufffd",
      "A",
      "a",
      "ss",
      "\u00df",
      "👩‍💻",
    ];
    const res = await expectStored(shop, "/api/v1/events", { events: ids.map((id) => event(`u-${id}`)) });
    expect(res.body).toEqual({ accepted: ids.length, duplicates: 0 });
    const stored = await handle.db
      .selectFrom("events")
      .select("id")
      .where("store_id", "=", shop.store.id)
      .where("id", "like", "u-%")
      .execute();
    expect(stored.map((r) => r.id).sort()).toEqual(ids.map((id) => `u-${id}`).sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Item 3: rollup sums past DECIMAL(19,4) answered 500; amounts are bounded and rollups wide.

describe("money bounds and rollup sums", () => {
  it("three batches of 500 orders of 999,999,999,000.00 on one day: 200, 200, 200; the day's sums add up", async () => {
    const shop = await newStore(handle);
    for (let batch = 0; batch < 3; batch++) {
      const orders = Array.from({ length: 500 }, (_, i) =>
        order(`big-${batch}-${i}`, { customerId: undefined, lines: [line({ unitPrice: "999999999000.00" })] }),
      );
      const res = await call("POST", "/api/v1/orders", { store: shop, body: { orders } });
      expect({ batch, status: res.status }).toEqual({ batch, status: 200 });
    }
    const summary = await call("GET", "/api/v1/reports/summary", {
      store: shop,
      query: { from: "2026-03-10", to: "2026-03-10" },
    });
    expect(summary.body).toMatchObject({
      orders: 1500,
      grossSales: "1499999998500000.00",
      totalSales: "1499999998500000.00",
    });
    const products = await call("GET", "/api/v1/reports/products", {
      store: shop,
      query: { from: "2026-03-01", to: "2026-03-31" },
    });
    expect(products.body.products[0]).toMatchObject({ productId: "p-1", grossSales: "1499999998500000.00" });
  });

  it("a write the database finds out of range (1264, 1690): last-resort 422 OUT_OF_RANGE, rolled back", async () => {
    const outOfRange = [
      sql`insert into sales_local_days
          (store_id, local_day, orders, units, gross_sales, discounts, shipping, taxes, returns)
          values (0, '2026-01-01', 0, 0, 1e30, 0, 0, 0, 0)`,
      sql`select cast(0 as unsigned) - 1 as below_zero`,
    ];
    for (const statement of outOfRange) {
      const error = await withinColumnLimits(() =>
        handle.db.transaction().execute((trx) => statement.execute(trx)),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 422, code: "OUT_OF_RANGE" });
    }
    const stored = await handle.db
      .selectFrom("sales_local_days")
      .select("store_id")
      .where("store_id", "=", 0)
      .execute();
    expect(stored).toEqual([]);
    await expect(withinColumnLimits(() => sql`select no_such_column`.execute(handle.db))).rejects.not.toBeInstanceOf(
      ApiError,
    );
  });

  it("a money value over 10^12 is a 400 naming it", async () => {
    const shop = await newStore(handle);
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { lines: [line({ unitPrice: "1000000000000.01" })] })] },
      400,
      "orders[0].lines[0].unitPrice",
      /at most 1000000000000/,
    );
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { shipping: 1e21 })] },
      400,
      "orders[0].shipping",
      /at most 1000000000000/,
    );
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { tax: "99999999999999999999" })] },
      400,
      "orders[0].tax",
      /at most 1000000000000/,
    );
  });

  it("an order whose lines, shipping and tax exceed 10^12 is a 400, even if discounts lower its total", async () => {
    const shop = await newStore(handle);
    const pricey = { unitPrice: "1000000000000", discount: "1000000000000" };
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { lines: [line(pricey), line(pricey)] })] },
      400,
      "orders[0]",
      /add up to more than 1000000000000/,
    );
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { lines: [line({ quantity: 3, unitPrice: "400000000000" })] })] },
      400,
      "orders[0]",
    );
    await expectRejected(
      shop,
      "/api/v1/orders",
      { orders: [order("o", { lines: [line({ unitPrice: "999999999999" })], shipping: "1", tax: "0.01" })] },
      400,
      "orders[0]",
    );
    await expectStored(shop, "/api/v1/orders", {
      orders: [order("o", { lines: [line({ unitPrice: "999999999999" })], shipping: "1" })],
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Item 4: a field of the wrong JSON type was reported as missing ("is required").

describe("a wrong JSON type says which type is expected; a missing field is required", () => {
  let shop: TestStore;
  beforeAll(async () => {
    shop = await newStore(handle);
  });

  const wrongTypes: Array<[Path, string, (value: unknown) => unknown, string, unknown[], RegExp]> = [
    [
      "/api/v1/orders",
      "orders[0].id",
      (v) => ({ orders: [order("x", { id: v })] }),
      "orders[0].id",
      [123, true, null, {}, []],
      /^must be a string, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].customerId",
      (v) => ({ orders: [order("x", { customerId: v })] }),
      "orders[0].customerId",
      [7, null],
      /^must be a string, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].createdAt",
      (v) => ({ orders: [order("x", { createdAt: v })] }),
      "orders[0].createdAt",
      [1741608000000, null],
      /^must be a string, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].currency",
      (v) => ({ orders: [order("x", { currency: v })] }),
      "orders[0].currency",
      [840, ["USD"]],
      /^must be a string, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].status",
      (v) => ({ orders: [order("x", { status: v })] }),
      "orders[0].status",
      [1, null],
      /^must be one of paid, cancelled/,
    ],
    [
      "/api/v1/orders",
      "orders[0].lines",
      (v) => ({ orders: [order("x", { lines: v })] }),
      "orders[0].lines",
      ["x", {}, 1],
      /^must be an array, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].lines[0]",
      (v) => ({ orders: [order("x", { lines: [v] })] }),
      "orders[0].lines[0]",
      ["x", 1, null],
      /^must be an object, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].lines[0].quantity",
      (v) => ({ orders: [order("x", { lines: [line({ quantity: v })] })] }),
      "orders[0].lines[0].quantity",
      ["2", true],
      /^must be a number, not /,
    ],
    [
      "/api/v1/orders",
      "orders[0].lines[0].unitPrice",
      (v) => ({ orders: [order("x", { lines: [line({ unitPrice: v })] })] }),
      "orders[0].lines[0].unitPrice",
      [true, null, {}, ["1"]],
      /^must be a decimal amount/,
    ],
    [
      "/api/v1/orders",
      "orders[0].lines[0].productName",
      (v) => ({ orders: [order("x", { lines: [line({ productName: v })] })] }),
      "orders[0].lines[0].productName",
      [5],
      /^must be a string, not a number/,
    ],
    ["/api/v1/orders", "orders", (v) => ({ orders: v }), "orders", [{}, "x", null], /^must be an array, not /],
    ["/api/v1/orders", "orders[0]", (v) => ({ orders: [v] }), "orders[0]", [1, "x", []], /^must be an object, not /],
    ["/api/v1/orders", "body", (v) => v, "body", [[], "orders", 1, null], /^must be an object, not /],
    [
      "/api/v1/refunds",
      "refunds[0].orderId",
      (v) => ({ refunds: [refund("r", "o", { orderId: v })] }),
      "refunds[0].orderId",
      [1, false],
      /^must be a string, not /,
    ],
    [
      "/api/v1/refunds",
      "refunds[0].amount",
      (v) => ({ refunds: [refund("r", "o", { amount: v })] }),
      "refunds[0].amount",
      [false, null],
      /^must be a decimal amount/,
    ],
    [
      "/api/v1/refunds",
      "refunds[0].lines",
      (v) => ({ refunds: [refund("r", "o", { lines: v })] }),
      "refunds[0].lines",
      [{}, "x"],
      /^must be an array, not /,
    ],
    [
      "/api/v1/events",
      "events[0].sessionId",
      (v) => ({ events: [event("e", { sessionId: v })] }),
      "events[0].sessionId",
      [42, null],
      /^must be a string, not /,
    ],
    [
      "/api/v1/events",
      "events[0].type",
      (v) => ({ events: [event("e", { type: v })] }),
      "events[0].type",
      [3, null],
      /^must be one of session_start, /,
    ],
    [
      "/api/v1/events",
      "events[0].occurredAt",
      (v) => ({ events: [event("e", { occurredAt: v })] }),
      "events[0].occurredAt",
      [0, true],
      /^must be a string, not /,
    ],
  ];

  it.each(wrongTypes)("%s %s", async (path, _name, build, field, values, message) => {
    for (const value of values) {
      const res = await expectRejected(shop, path, build(value), 400, field, message);
      expect({ value, messages: res.body.error.details.map((d: { message: string }) => d.message) }).not.toEqual({
        value,
        messages: expect.arrayContaining(["is required"]),
      });
    }
  });

  it.each<[Path, unknown, string]>([
    ["/api/v1/orders", { orders: [order("x", { id: undefined })] }, "orders[0].id"],
    [
      "/api/v1/orders",
      { orders: [order("x", { lines: [line({ unitPrice: undefined })] })] },
      "orders[0].lines[0].unitPrice",
    ],
    ["/api/v1/orders", {}, "orders"],
    ["/api/v1/refunds", { refunds: [refund("r", "o", { amount: undefined })] }, "refunds[0].amount"],
    ["/api/v1/events", { events: [event("e", { type: undefined })] }, "events[0].type"],
  ])("%s: a missing field is required (%#)", async (path, body, field) => {
    await expectRejected(shop, path, body, 400, field, /^is required$/);
  });
});
