import type { DatabaseHandle } from "../../../functions/db/connection";
import { call, newStore, useTestDatabase, type TestStore } from "../../support/harness";

let handle: DatabaseHandle;
let shop: TestStore;

const order = {
  id: "o-1",
  createdAt: "2026-03-01T10:00:00Z",
  currency: "USD",
  status: "paid",
  lines: [{ productId: "mug", productName: "Mug", quantity: 2, unitPrice: "10.00" }],
  shipping: "5.00",
};

beforeAll(async () => {
  handle = useTestDatabase();
  shop = await newStore(handle);
  const res = await call("POST", "/api/v1/orders", { store: shop, body: { orders: [order] } });
  expect(res.status).toBe(200);
});
afterAll(() => handle.db.destroy());

const refund = (id: string, amount: string, extra: Record<string, unknown> = {}) => ({
  id,
  orderId: "o-1",
  createdAt: "2026-03-05T10:00:00Z",
  amount,
  ...extra,
});
const refundRows = () =>
  handle.db.selectFrom("refunds").selectAll().where("store_id", "=", shop.store.id).orderBy("id").execute();

describe("POST /api/v1/refunds", () => {
  it("creates refunds and replaces one sent again", async () => {
    expect(
      (await call("POST", "/api/v1/refunds", { store: shop, body: { refunds: [refund("r-1", "5.00")] } })).body,
    ).toEqual({ created: 1, updated: 0 });
    expect(
      (await call("POST", "/api/v1/refunds", { store: shop, body: { refunds: [refund("r-1", "6.00")] } })).body,
    ).toEqual({ created: 0, updated: 1 });
    expect((await refundRows()).map((r) => r.amount)).toEqual(["6.0000"]);
  });

  it("422 when refunds would exceed what was paid (25.00), counting earlier refunds", async () => {
    const res = await call("POST", "/api/v1/refunds", {
      store: shop,
      body: { refunds: [refund("r-2", "15.00"), refund("r-3", "4.01")] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: "REFUND_EXCEEDS_PAID",
      details: [{ field: "refunds[1].amount", index: 1 }],
    });
    expect(await refundRows()).toHaveLength(1);
  });

  it("never over-refunds under concurrent requests", async () => {
    const attempts = await Promise.all(
      ["c-1", "c-2", "c-3", "c-4"].map((id) =>
        call("POST", "/api/v1/refunds", { store: shop, body: { refunds: [refund(id, "10.00")] } }),
      ),
    );
    expect(attempts.filter((r) => r.status === 200)).toHaveLength(1); // 6 + 10 fits in 25; 6 + 20 does not
    expect(attempts.filter((r) => r.status === 422)).toHaveLength(3);
  });

  it.each([
    ["an unknown order", refund("x", "1.00", { orderId: "nope" }), 422, "refunds[0].orderId"],
    [
      "a product not on the order",
      refund("x", "1.00", { lines: [{ productId: "hat", quantity: 1, amount: "1.00" }] }),
      422,
      "refunds[0].lines[0].productId",
    ],
    [
      "a date before the order",
      refund("x", "1.00", { createdAt: "2026-02-01T10:00:00Z" }),
      422,
      "refunds[0].createdAt",
    ],
    ["a zero amount", refund("x", "0"), 400, "refunds[0].amount"],
    [
      "lines above the amount",
      refund("x", "1.00", { lines: [{ productId: "mug", quantity: 1, amount: "2.00" }] }),
      400,
      "refunds[0].lines",
    ],
  ])("rejects %s", async (_name, body, status, field) => {
    const before = (await refundRows()).length;
    const res = await call("POST", "/api/v1/refunds", { store: shop, body: { refunds: [body] } });
    expect(res.status).toBe(status);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await refundRows()).toHaveLength(before);
  });

  it("422 when an order re-sent would total less than its refunds", async () => {
    const res = await call("POST", "/api/v1/orders", {
      store: shop,
      body: { orders: [{ ...order, shipping: undefined, lines: [{ ...order.lines[0], unitPrice: "1.00" }] }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("BELOW_REFUNDED");
  });
});
