import type { DatabaseHandle } from "../../../functions/db/connection";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ordersRequestSchema } from "../../../functions/ingest/schemas";
import { rawProductTallies } from "../../../functions/rollups/products/read";
import { rankProducts, topProducts } from "../../../functions/rollups/products/top";
import { utcBounds } from "../../../functions/time";
import { newStore, useTestDatabase } from "../../support/harness";

let handle: DatabaseHandle;
beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

/**
 * A steady product that is never among a month's first 100 but sells every month, against 120
 * products a month that each sell once: the best of the quarter is found only by the second round.
 */
test("a product never among a month's leaders still tops the range when it sells every month", async () => {
  const { store } = await newStore(handle, { timezone: "UTC" });
  const orders = [];
  for (const month of [1, 2, 3]) {
    const day = `2026-0${month}-10T12:00:00Z`;
    for (let i = 0; i < 120; i++) {
      const id = `m${month}-p${i}`;
      // one unit at 100 + i: the month's 100th is 120.00, its best 219.00
      orders.push({ id: `o-${id}`, createdAt: day, currency: "USD", status: "paid", lines: [line(id, 1, 100 + i)] });
    }
    orders.push({
      id: `o-steady-${month}`,
      createdAt: day,
      currency: "USD",
      status: "paid",
      lines: [line("steady", 1, 80)],
    });
  }
  for (let i = 0; i < orders.length; i += 500)
    await ingestOrders(handle.db, store, ordersRequestSchema.parse({ orders: orders.slice(i, i + 500) }).orders);

  const { start, end } = utcBounds({ from: "2026-01-01", to: "2026-03-31", timezone: "UTC" });
  const everyProduct = await rawProductTallies(handle.db, store.id, start, end);
  for (const limit of [1, 3, 100, 400]) {
    for (const sort of ["netSales", "unitsSold"] as const) {
      const top = await topProducts(handle.db, store, start, end, { sort, limit });
      expect(top).toEqual(rankProducts(everyProduct, sort, limit));
    }
  }
  const [best] = await topProducts(handle.db, store, start, end, { sort: "netSales", limit: 1 });
  expect(best[0]).toBe("steady"); // 240.00 over the quarter, against 219.00 at most for any other
});

const line = (productId: string, quantity: number, unitPrice: number) => ({
  productId,
  productName: productId,
  quantity,
  unitPrice: unitPrice.toFixed(2),
});
