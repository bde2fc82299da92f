import type { DatabaseHandle } from "../../../functions/db/connection";
import { call, newStore, useTestDatabase, type TestStore } from "../../support/harness";

let handle: DatabaseHandle;
beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

type Line = { productId?: string; quantity?: number; unitPrice: string; discount?: string };
const order = (
  id: string,
  createdAt: string,
  fields: {
    customerId?: string;
    status?: string;
    currency?: string;
    lines?: Line[];
    discount?: string;
    shipping?: string;
    tax?: string;
  } = {},
) => ({
  id,
  createdAt,
  currency: fields.currency ?? "USD",
  status: fields.status ?? "paid",
  ...(fields.customerId ? { customerId: fields.customerId } : {}),
  lines: (fields.lines ?? [{ unitPrice: "10.00" }]).map((l, i) => ({
    productId: l.productId ?? `p-${i}`,
    productName: `Product ${l.productId ?? i}`,
    quantity: l.quantity ?? 1,
    unitPrice: l.unitPrice,
    ...(l.discount ? { discount: l.discount } : {}),
  })),
  ...(fields.discount ? { discount: fields.discount } : {}),
  ...(fields.shipping ? { shipping: fields.shipping } : {}),
  ...(fields.tax ? { tax: fields.tax } : {}),
});

async function send(store: TestStore, path: string, body: unknown) {
  const res = await call("POST", path, { store, body });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}
const report = async (store: TestStore, name: string, query: Record<string, string>) => {
  const res = await call("GET", `/api/v1/reports/${name}`, { store, query });
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${res.text}`);
  return res.body;
};

describe("summary: SPEC 3.3's definitions", () => {
  let shop: TestStore;
  beforeAll(async () => {
    shop = await newStore(handle);
    await send(shop, "/api/v1/orders", {
      orders: [
        // before the range: c-1's first order
        order("old", "2026-01-15T10:00:00Z", { customerId: "c-1", lines: [{ unitPrice: "50.00" }] }),
        order("a", "2026-02-03T10:00:00Z", {
          customerId: "c-1",
          lines: [{ unitPrice: "20.00", quantity: 2, discount: "4.00" }],
          discount: "1.00",
          shipping: "5.00",
          tax: "3.00",
        }),
        order("b", "2026-02-04T10:00:00Z", { customerId: "c-2", lines: [{ unitPrice: "10.00" }] }),
        order("c", "2026-02-05T10:00:00Z", { customerId: "c-2", lines: [{ unitPrice: "10.00" }] }),
        order("guest", "2026-02-06T10:00:00Z", { lines: [{ unitPrice: "7.50" }] }),
        order("cancelled", "2026-02-07T10:00:00Z", {
          customerId: "c-3",
          status: "cancelled",
          lines: [{ unitPrice: "99.00" }],
        }),
        order("resent", "2026-02-08T10:00:00Z", { customerId: "c-4", lines: [{ unitPrice: "30.00" }] }),
      ],
    });
    // re-sent as cancelled: it must count nowhere
    await send(shop, "/api/v1/orders", {
      orders: [
        order("resent", "2026-02-08T10:00:00Z", {
          customerId: "c-4",
          status: "cancelled",
          lines: [{ unitPrice: "30.00" }],
        }),
      ],
    });
    await send(shop, "/api/v1/refunds", {
      refunds: [
        // refund in range of an order before the range: booked on the refund date
        { id: "r-old", orderId: "old", createdAt: "2026-02-10T10:00:00Z", amount: "5.00" },
        // refund after the range of an order in range: not in this range
        { id: "r-late", orderId: "b", createdAt: "2026-03-02T10:00:00Z", amount: "2.00" },
      ],
    });
  });

  it("counts paid orders in range, books returns by refund date and ignores cancelled orders", async () => {
    const summary = await report(shop, "summary", { from: "2026-02-01", to: "2026-02-28", timezone: "UTC" });
    expect(summary).toMatchObject({
      orders: 4,
      unitsSold: 5,
      grossSales: "67.50", // 40 + 10 + 10 + 7.50
      discounts: "5.00", // 4 line + 1 order
      returns: "5.00",
      netSales: "57.50",
      shipping: "5.00",
      taxes: "3.00",
      totalSales: "65.50",
      averageOrderValue: "15.63", // (67.50 - 5.00) / 4 = 15.625, half away from zero
    });
  });

  it("counts customers, new customers and Shopify's returning-customer rate (guests are not customers)", async () => {
    const summary = await report(shop, "summary", { from: "2026-02-01", to: "2026-02-28", timezone: "UTC" });
    // c-1 (ordered before the range) and c-2 (new, two orders in range)
    expect(summary).toMatchObject({ customers: 2, newCustomers: 1, returningCustomers: 1, returningCustomerRate: 1 });
  });

  it("books the late refund in its own range", async () => {
    const march = await report(shop, "summary", { from: "2026-03-01", to: "2026-03-31", timezone: "UTC" });
    expect(march).toMatchObject({
      orders: 0,
      returns: "2.00",
      netSales: "-2.00",
      averageOrderValue: "0.00",
      customers: 0,
      returningCustomerRate: 0,
    });
  });

  it("a late-arriving order changes the report for its own date at once", async () => {
    await send(shop, "/api/v1/orders", {
      orders: [order("late", "2026-02-20T10:00:00Z", { lines: [{ unitPrice: "1.00" }] })],
    });
    const summary = await report(shop, "summary", { from: "2026-02-20", to: "2026-02-20", timezone: "UTC" });
    expect(summary).toMatchObject({ orders: 1, grossSales: "1.00" });
  });
});

describe("sales series", () => {
  it("zero-fills every period of the range", async () => {
    const shop = await newStore(handle);
    await send(shop, "/api/v1/orders", { orders: [order("x", "2026-04-02T12:00:00Z")] });
    const sales = await report(shop, "sales", {
      from: "2026-04-01",
      to: "2026-04-03",
      timezone: "UTC",
      interval: "day",
    });
    expect(
      sales.periods.map((p: { period: string; orders: number; netSales: string }) => [p.period, p.orders, p.netSales]),
    ).toEqual([
      ["2026-04-01", 0, "0.00"],
      ["2026-04-02", 1, "10.00"],
      ["2026-04-03", 0, "0.00"],
    ]);
  });

  it("cuts ISO weeks on Mondays and months in the report timezone", async () => {
    const shop = await newStore(handle);
    await send(shop, "/api/v1/orders", {
      orders: [order("w1", "2026-06-07T23:30:00Z"), order("w2", "2026-06-08T00:30:00Z")],
    });
    const weeks = await report(shop, "sales", {
      from: "2026-06-01",
      to: "2026-06-14",
      timezone: "UTC",
      interval: "week",
    });
    expect(weeks.periods.map((p: { period: string; orders: number }) => [p.period, p.orders])).toEqual([
      ["2026-06-01", 1],
      ["2026-06-08", 1],
    ]);
    // In Tokyo (+09:00) both orders fall on Monday 8 June.
    const tokyo = await report(shop, "sales", {
      from: "2026-06-01",
      to: "2026-06-14",
      timezone: "Asia/Tokyo",
      interval: "week",
    });
    expect(tokyo.periods.map((p: { orders: number }) => p.orders)).toEqual([0, 2]);
  });
});

describe("time zones", () => {
  let shop: TestStore;
  beforeAll(async () => {
    shop = await newStore(handle);
    await send(shop, "/api/v1/orders", {
      orders: [
        order("k1", "2026-05-01T18:29:00Z"), // 23:59 in Kolkata (+05:30) on 1 May; 00:14 in Kathmandu (+05:45) on 2 May
        order("k2", "2026-05-01T18:31:00Z"), // 00:01 on 2 May in Kolkata
        order("ny-spring", "2026-03-08T06:30:00Z"), // 01:30 EST on 8 March (DST starts at 02:00 local)
        order("ny-spring2", "2026-03-09T03:30:00Z"), // 23:30 EDT on 8 March
        order("ny-fall-1", "2026-11-01T05:30:00Z"), // 01:30 EDT on 1 November
        order("ny-fall-2", "2026-11-01T06:30:00Z"), // 01:30 EST on 1 November (the repeated hour)
        order("ny-fall-3", "2026-11-02T04:30:00Z"), // 23:30 EST on 1 November
      ],
    });
  });

  const daily = async (timezone: string, from: string, to: string) => {
    const sales = await report(shop, "sales", { from, to, timezone, interval: "day" });
    return Object.fromEntries(sales.periods.map((p: { period: string; orders: number }) => [p.period, p.orders]));
  };

  it("Asia/Kolkata (+05:30) cuts the day at 18:30 UTC", async () => {
    expect(await daily("Asia/Kolkata", "2026-05-01", "2026-05-02")).toEqual({ "2026-05-01": 1, "2026-05-02": 1 });
  });

  it("Asia/Kathmandu (+05:45) cuts the day at 18:15 UTC", async () => {
    expect(await daily("Asia/Kathmandu", "2026-05-01", "2026-05-02")).toEqual({ "2026-05-01": 0, "2026-05-02": 2 });
  });

  it("America/New_York's 23-hour day in March holds its orders", async () => {
    expect(await daily("America/New_York", "2026-03-08", "2026-03-08")).toEqual({ "2026-03-08": 2 });
    const summary = await report(shop, "summary", {
      from: "2026-03-08",
      to: "2026-03-08",
      timezone: "America/New_York",
    });
    expect(summary.orders).toBe(2);
  });

  it("America/New_York's 25-hour day in November, and its repeated hour twice", async () => {
    expect(await daily("America/New_York", "2026-11-01", "2026-11-01")).toEqual({ "2026-11-01": 3 });
    const hours = await report(shop, "sales", {
      from: "2026-11-01",
      to: "2026-11-01",
      timezone: "America/New_York",
      interval: "hour",
    });
    expect(hours.periods).toHaveLength(25);
    const withOrders = hours.periods
      .filter((p: { orders: number }) => p.orders > 0)
      .map((p: { period: string }) => p.period);
    expect(withOrders).toEqual(["2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T23:00:00-05:00"]);
  });
});

describe("money rounded to the currency's minor units", () => {
  it("JPY has no decimals", async () => {
    const shop = await newStore(handle, { currency: "JPY", timezone: "Asia/Tokyo" });
    await send(shop, "/api/v1/orders", {
      orders: [
        order("j1", "2026-05-01T03:00:00Z", { currency: "JPY", lines: [{ unitPrice: "1000" }] }),
        order("j2", "2026-05-01T04:00:00Z", { currency: "JPY", lines: [{ unitPrice: "1001" }] }),
        order("j3", "2026-05-01T05:00:00Z", { currency: "JPY", lines: [{ unitPrice: "1000" }] }),
      ],
    });
    const summary = await report(shop, "summary", { from: "2026-05-01", to: "2026-05-01" });
    expect(summary).toMatchObject({ grossSales: "3001", averageOrderValue: "1000", currency: "JPY" });
    const rejected = await call("POST", "/api/v1/orders", {
      store: shop,
      body: { orders: [order("j4", "2026-05-01T05:00:00Z", { currency: "JPY", lines: [{ unitPrice: "10.5" }] })] },
    });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.details[0].field).toBe("orders[0].lines[0].unitPrice");
  });

  it("KWD has three decimals", async () => {
    const shop = await newStore(handle, { currency: "KWD", timezone: "Asia/Kuwait" });
    await send(shop, "/api/v1/orders", {
      orders: [
        order("k1", "2026-05-01T09:00:00Z", { currency: "KWD", lines: [{ unitPrice: "1.250" }] }),
        order("k2", "2026-05-01T10:00:00Z", { currency: "KWD", lines: [{ unitPrice: "1.001" }] }),
        order("k3", "2026-05-01T11:00:00Z", { currency: "KWD", lines: [{ unitPrice: "0.100" }] }),
      ],
    });
    const summary = await report(shop, "summary", { from: "2026-05-01", to: "2026-05-01" });
    expect(summary).toMatchObject({ grossSales: "2.351", averageOrderValue: "0.784" });
  });
});

describe("products, funnel, cohorts and realtime", () => {
  let shop: TestStore;
  beforeAll(async () => {
    shop = await newStore(handle);
    await send(shop, "/api/v1/orders", {
      orders: [
        order("o1", "2026-01-10T10:00:00Z", {
          customerId: "c-1",
          lines: [{ productId: "mug", unitPrice: "10.00", quantity: 3 }],
        }),
        order("o2", "2026-01-20T10:00:00Z", {
          customerId: "c-2",
          lines: [
            { productId: "mug", unitPrice: "10.00" },
            { productId: "pen", unitPrice: "2.00", quantity: 5 },
          ],
        }),
        order("o3", "2026-02-10T10:00:00Z", { customerId: "c-1", lines: [{ productId: "pen", unitPrice: "2.00" }] }),
      ],
    });
    await send(shop, "/api/v1/refunds", {
      refunds: [
        {
          id: "r1",
          orderId: "o1",
          createdAt: "2026-01-12T10:00:00Z",
          amount: "10.00",
          lines: [{ productId: "mug", quantity: 1, amount: "10.00" }],
        },
      ],
    });
    await send(shop, "/api/v1/events", {
      events: [
        { id: "e1", type: "session_start", sessionId: "s1", occurredAt: "2026-01-10T09:50:00Z" },
        { id: "e2", type: "product_view", sessionId: "s1", occurredAt: "2026-01-10T09:51:00Z", productId: "mug" },
        { id: "e3", type: "add_to_cart", sessionId: "s1", occurredAt: "2026-01-10T09:52:00Z", productId: "mug" },
        { id: "e4", type: "checkout_start", sessionId: "s1", occurredAt: "2026-01-10T09:55:00Z" },
        {
          id: "e5",
          type: "purchase",
          sessionId: "s1",
          occurredAt: "2026-01-10T10:00:00Z",
          orderId: "o1",
          customerId: "c-1",
        },
        { id: "e6", type: "session_start", sessionId: "s2", occurredAt: "2026-01-11T09:50:00Z" },
        { id: "e7", type: "product_view", sessionId: "s2", occurredAt: "2026-01-11T09:51:00Z" },
        { id: "e8", type: "session_start", sessionId: "s3", occurredAt: "2026-01-12T09:50:00Z" },
      ],
    });
  });

  it("products: per-product sales less returns, sorted and limited", async () => {
    const res = await report(shop, "products", { from: "2026-01-01", to: "2026-01-31", timezone: "UTC" });
    expect(
      res.products.map(
        (p: { productId: string; orders: number; unitsSold: number; netSales: string; returns: string }) => [
          p.productId,
          p.orders,
          p.unitsSold,
          p.returns,
          p.netSales,
        ],
      ),
    ).toEqual([
      ["mug", 2, 4, "10.00", "30.00"],
      ["pen", 1, 5, "0.00", "10.00"],
    ]);
    const byUnits = await report(shop, "products", {
      from: "2026-01-01",
      to: "2026-01-31",
      timezone: "UTC",
      sort: "unitsSold",
      limit: "1",
    });
    expect(byUnits.products.map((p: { productId: string }) => p.productId)).toEqual(["pen"]);
  });

  it("funnel: sessions per step and conversion rate", async () => {
    const res = await report(shop, "funnel", { from: "2026-01-01", to: "2026-01-31", timezone: "UTC" });
    expect(res).toMatchObject({
      sessions: 3,
      sessionsWithProductViews: 2,
      sessionsWithAddToCart: 1,
      sessionsReachedCheckout: 1,
      sessionsConverted: 1,
      conversionRate: 0.3333,
    });
  });

  it("events: a repeated id is a duplicate, counted once", async () => {
    const again = await send(shop, "/api/v1/events", {
      events: [
        { id: "e1", type: "session_start", sessionId: "s1", occurredAt: "2026-01-10T09:50:00Z" },
        { id: "e9", type: "page_view", sessionId: "s3", occurredAt: "2026-01-12T09:51:00Z" },
        { id: "e9", type: "page_view", sessionId: "s3", occurredAt: "2026-01-12T09:51:00Z" },
      ],
    });
    expect(again).toEqual({ accepted: 1, duplicates: 2 });
    const res = await report(shop, "funnel", { from: "2026-01-01", to: "2026-01-31", timezone: "UTC" });
    expect(res.sessions).toBe(3);
  });

  it("cohorts: customers by first order month, share active in later months", async () => {
    const res = await report(shop, "cohorts", {
      from: "2026-01-01",
      to: "2026-02-28",
      timezone: "UTC",
      interval: "month",
    });
    expect(res.cohorts).toEqual([
      {
        cohort: "2026-01",
        size: 2,
        periods: [
          { k: 0, period: "2026-01", customers: 2, share: 1, netSales: "40.00" }, // 30 + (10 + 10) - the 10 refund
          { k: 1, period: "2026-02", customers: 1, share: 0.5, netSales: "2.00" },
        ],
      },
    ]);
  });

  it("realtime: the last 30 minutes per minute, with active sessions", async () => {
    const now = Date.now();
    await send(shop, "/api/v1/orders", {
      orders: [order("now-1", new Date(now - 2 * 60_000).toISOString(), { lines: [{ unitPrice: "12.00" }] })],
    });
    await send(shop, "/api/v1/events", {
      events: [
        { id: "live-1", type: "page_view", sessionId: "live", occurredAt: new Date(now - 60_000).toISOString() },
      ],
    });
    const res = await report(shop, "realtime", {});
    expect(res.minutes).toHaveLength(30);
    expect(res).toMatchObject({ orders: 1, netSales: "12.00", activeSessions: 1 });
  });

  it("CSV on Accept: text/csv", async () => {
    const res = await call("GET", "/api/v1/reports/products", {
      store: shop,
      query: { from: "2026-01-01", to: "2026-01-31" },
      headers: { accept: "text/csv" },
    });
    expect(res.headers["Content-Type"]).toMatch(/^text\/csv/);
    expect(res.text.split("\r\n")[0]).toBe(
      "productId,productName,category,orders,unitsSold,grossSales,discounts,returns,netSales",
    );
  });
});

describe("report parameters", () => {
  it.each([
    [{ from: "2026-02-10", to: "2026-02-01" }, "to"],
    [{ from: "2026-02-30", to: "2026-03-01" }, "from"],
    [{ from: "2020-01-01", to: "2023-01-01" }, "to"],
    [{ timezone: "Mars/Olympus" }, "timezone"],
    [{ interval: "fortnight" }, "interval"],
    [{ colour: "blue" }, "colour"],
  ])("400 for %j", async (query, field) => {
    const shop = await newStore(handle);
    const res = await call("GET", "/api/v1/reports/sales", { store: shop, query: query as Record<string, string> });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});
