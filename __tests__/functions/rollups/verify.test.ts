import type { DatabaseHandle } from "../../../functions/db/connection";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ingestRefunds } from "../../../functions/ingest/refunds";
import { ordersRequestSchema, refundsRequestSchema } from "../../../functions/ingest/schemas";
import { rebuildRollups } from "../../../functions/rollups/rebuild";
import { verifyRollups } from "../../../functions/rollups/verify";
import { newStore, useTestDatabase } from "../../support/harness";

let handle: DatabaseHandle;
beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function storeWithHistory() {
  const { store } = await newStore(handle, { timezone: "Asia/Kolkata" });
  const order = (id: string, days: number, customerId: string) => ({
    id,
    createdAt: daysAgo(days),
    currency: "USD",
    status: "paid",
    customerId,
    lines: [{ productId: "p1", productName: "P1", quantity: 2, unitPrice: "12.50" }],
  });
  await ingestOrders(
    handle.db,
    store,
    ordersRequestSchema.parse({
      orders: [order("o1", 400, "c1"), order("o2", 200, "c1"), order("o3", 20, "c2"), order("o4", 3, "c1")],
    }).orders,
  );
  await ingestRefunds(
    handle.db,
    store,
    refundsRequestSchema.parse({ refunds: [{ id: "r1", orderId: "o3", createdAt: daysAgo(2), amount: "5.00" }] })
      .refunds,
  );
  return store;
}

test("a store whose rollups follow its raw rows verifies clean", async () => {
  const store = await storeWithHistory();
  expect(await verifyRollups(handle.db, store.id)).toEqual([]);
});

test("verify names each rollup that disagrees with the raw rows, and a rebuild repairs them", async () => {
  const store = await storeWithHistory();
  await handle.db.updateTable("sales_slots").set({ first_orders: 0 }).where("store_id", "=", store.id).execute();
  await handle.db.updateTable("cohort_cells").set({ customers: 7 }).where("store_id", "=", store.id).execute();
  await handle.db.updateTable("product_totals").set({ units: 99 }).where("store_id", "=", store.id).execute();
  await handle.db.updateTable("sales_local_days").set({ orders: 42 }).where("store_id", "=", store.id).execute();
  const problems = await verifyRollups(handle.db, store.id);
  expect(problems.some((p) => p.startsWith("customers "))).toBe(true);
  expect(problems.some((p) => p.startsWith("cohort "))).toBe(true);
  expect(problems.some((p) => p.startsWith("product p1"))).toBe(true);
  expect(problems.some((p) => p.includes("(Asia/Kolkata)"))).toBe(true);

  await rebuildRollups(handle.db, store.id);
  expect(await verifyRollups(handle.db, store.id)).toEqual([]);
});
