/**
 * The demo generator's contract: what a consumer posting its batches to the ingestion API
 * (SPEC 3.1) can rely on. Realism (rhythms, cohorts, popularity) is in realism.test.ts.
 */
import { DEMO_BATCH_LIMITS, defaultDemoOptions, generateDemo } from "../../../tools/demo";
import type { DemoOptions } from "../../../tools/demo";
import { collect, countBy, DemoRun, orderTotal, RFC3339, toMinor } from "./collect";

const MINUTE = 60_000;
const DAY = 86_400_000;

const base: DemoOptions = {
  seed: 7,
  orders: 2000,
  products: 60,
  customers: 600,
  start: new Date("2025-09-01T00:00:00Z"),
  end: new Date("2026-01-15T17:42:10.500Z"),
  currency: "USD",
  minorUnits: 2,
  timezone: "America/New_York",
};

/** Inside [start, end) */
const inRange = (timestamp: string): boolean => {
  const ms = Date.parse(timestamp);
  return ms >= base.start.getTime() && ms < base.end.getTime();
};

let run: DemoRun;
beforeAll(() => {
  run = collect(base);
});

describe("determinism", () => {
  const small: DemoOptions = { ...base, orders: 300 };

  it("gives byte-for-byte the same batches for the same options", () => {
    const first = JSON.stringify([...generateDemo(small)]);
    const second = JSON.stringify([...generateDemo(small)]);
    expect(second).toBe(first);
  });

  it("gives a different store for a different seed", () => {
    const a = [...generateDemo(small)];
    const b = [...generateDemo({ ...small, seed: 8 })];
    expect(JSON.stringify(b)).not.toBe(JSON.stringify(a));
    const firstOrder = (batches: typeof a) => batches.find((x) => x.kind === "orders")!.items[0];
    expect(firstOrder(b)).not.toEqual(firstOrder(a));
  });

  it("keeps the orders when only the amount of storefront traffic changes", () => {
    const orders = (options: DemoOptions) =>
      [...generateDemo(options)].filter((b) => b.kind === "orders").flatMap((b) => b.items);
    expect(orders({ ...small, sessionsPerOrder: 1, eventsPerSession: 4 })).toEqual(orders(small));
  });

  it("accepts any finite number as a seed", () => {
    const one = [...generateDemo({ ...small, orders: 20, seed: 0.5 })];
    expect(one.length).toBeGreaterThan(0);
    expect(JSON.stringify([...generateDemo({ ...small, orders: 20, seed: 0.5 })])).toBe(JSON.stringify(one));
  });
});

describe("counts", () => {
  it("emits exactly `orders` distinct orders", () => {
    expect(run.orders.size).toBe(base.orders);
  });

  it("uses at most `customers` customers and `products` products", () => {
    const customers = new Set([...run.orders.values()].map((o) => o.customerId).filter((c) => c !== undefined));
    const products = new Set([...run.orders.values()].flatMap((o) => o.lines.map((l) => l.productId)));
    expect(customers.size).toBeLessThanOrEqual(base.customers);
    expect(customers.size).toBeGreaterThan(base.customers * 0.9);
    expect(products.size).toBeLessThanOrEqual(base.products);
  });

  it("makes one buying session per order plus `sessionsPerOrder` (default 3) browsing ones", () => {
    expect(run.sessions.size).toBe(base.orders * 4);
    const buying = [...run.sessions.values()].filter((events) => events.some((e) => e.type === "purchase"));
    expect(buying).toHaveLength(base.orders);
  });

  it("averages about `eventsPerSession` (default 10) events per session", () => {
    const average = run.events.length / run.sessions.size;
    expect(average).toBeGreaterThan(9);
    expect(average).toBeLessThan(11);
    const busy = collect({ ...base, orders: 300, eventsPerSession: 25, sessionsPerOrder: 2 });
    const busyAverage = busy.events.length / busy.sessions.size;
    expect(busyAverage).toBeGreaterThan(22);
    expect(busyAverage).toBeLessThan(28);
  });

  it("emits nothing for zero orders", () => {
    expect([...generateDemo({ ...base, orders: 0 })]).toEqual([]);
  });

  it("works with a single product and no registered customers", () => {
    const tiny = collect({ ...base, orders: 5, products: 1, customers: 0 });
    expect(tiny.orders.size).toBe(5);
    for (const order of tiny.orders.values()) {
      expect(order.customerId).toBeUndefined();
      expect(order.lines).toHaveLength(1);
    }
  });
});

describe("batches", () => {
  it("are never empty and never over the API's per-request limits (500 orders, 500 refunds, 1000 events)", () => {
    expect(DEMO_BATCH_LIMITS).toEqual({ orders: 500, refunds: 500, events: 1000 });
    const wrong = run.batches.filter((b) => b.items.length === 0 || b.items.length > DEMO_BATCH_LIMITS[b.kind]);
    expect(wrong).toEqual([]);
  });

  it("are mostly full: waiting items never cut an orders batch short", () => {
    const orderBatches = run.batches.filter((b) => b.kind === "orders");
    const full = orderBatches.filter((b) => b.items.length === 500);
    expect(full.length).toBeGreaterThanOrEqual(Math.floor(run.orderEmissions.length / 500));
  });

  it("start streaming at once, whatever the size of the store", () => {
    const started = Date.now();
    const iterator = generateDemo({ ...base, orders: 5_000_000, customers: 1_000_000 });
    const first = iterator.next();
    expect(first.done).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    iterator.return(undefined);
  });
});

describe("ids", () => {
  it("are unique per kind; an order id repeats only for its cancellation re-send", () => {
    const timesSent = countBy(run.orderEmissions, (e) => e.item.id);
    const repeated = [...timesSent].filter(([, times]) => times > 1);
    expect(repeated.length).toBeGreaterThan(0);
    expect(repeated.filter(([id, times]) => times !== 2 || run.orders.get(String(id))!.status !== "cancelled")).toEqual(
      [],
    );
    expect(new Set(run.refunds.map((r) => r.item.id)).size).toBe(run.refunds.length);
    expect(new Set(run.events.map((e) => e.item.id)).size).toBe(run.events.length);
  });

  it("look like ord-000123, ref-000123, prod-0001, cus-00001", () => {
    const order = run.orderEmissions.find((o) => o.item.customerId !== undefined)!.item;
    expect(order.id).toMatch(/^ord-\d{6}$/);
    expect(order.customerId).toMatch(/^cus-\d{5}$/);
    expect(order.lines[0].productId).toMatch(/^prod-\d{4}$/);
    expect(run.refunds[0].item.id).toMatch(/^ref-\d{6}$/);
    expect(run.events[0].item.sessionId).toMatch(/^ses-\d{8}$/);
  });

  it("are all within the API's 64 characters", () => {
    const ids = [...run.orderEmissions, ...run.refunds, ...run.events].map((e) => e.item.id);
    expect(ids.filter((id) => id.length < 1 || id.length > 64)).toEqual([]);
  });
});

describe("emission order", () => {
  it("sends a refund only after the batch holding its order", () => {
    const early = run.refunds.filter(
      ({ item, batch }) => !((run.firstOrderBatch.get(item.orderId) ?? Infinity) < batch),
    );
    expect(early).toEqual([]);
  });

  it("sends a purchase event only after the batch holding its order", () => {
    const purchases = run.events.filter((e) => e.item.type === "purchase");
    expect(purchases).toHaveLength(base.orders);
    const early = purchases.filter(
      ({ item, batch }) => !((run.firstOrderBatch.get(item.orderId!) ?? Infinity) < batch),
    );
    expect(early).toEqual([]);
  });

  it("re-sends a cancelled order, in full, in a later batch than the original", () => {
    const seen = new Map<string, { batch: number; status: string }>();
    let resends = 0;
    for (const { item, batch } of run.orderEmissions) {
      const earlier = seen.get(item.id);
      if (earlier !== undefined) {
        resends++;
        expect(earlier.status).toBe("paid");
        expect(item.status).toBe("cancelled");
        expect(batch).toBeGreaterThan(earlier.batch);
        const original = run.orderEmissions.find((o) => o.item.id === item.id)!.item;
        expect({ ...item, status: "paid" }).toEqual(original);
      }
      seen.set(item.id, { batch, status: item.status });
    }
    expect(resends).toBeGreaterThan(0);
  });
});

describe("money", () => {
  const amountsOf = (r: DemoRun): string[] => [
    ...r.orderEmissions.flatMap(({ item }) => [
      ...item.lines.flatMap((l) => [l.unitPrice, ...(l.discount === undefined ? [] : [l.discount])]),
      ...[item.discount, item.shipping, item.tax].filter((a): a is string => a !== undefined),
    ]),
    ...r.refunds.flatMap(({ item }) => [item.amount, ...(item.lines ?? []).map((l) => l.amount)]),
  ];

  it.each([
    ["USD", 2, /^\d+\.\d{2}$/],
    ["JPY", 0, /^\d+$/],
    ["KWD", 3, /^\d+\.\d{3}$/],
  ] as const)(
    "is a non-negative decimal string with exactly the minor units of %s (%d)",
    (currency, minorUnits, shape) => {
      const r = currency === "USD" ? run : collect({ ...base, orders: 600, currency, minorUnits, sessionsPerOrder: 0 });
      const amounts = amountsOf(r);
      expect(amounts.length).toBeGreaterThan(1000);
      expect(amounts.filter((amount) => !shape.test(amount))).toEqual([]);
      expect(new Set(r.orderEmissions.map((e) => e.item.currency))).toEqual(new Set([currency]));
    },
  );

  it("prices in a currency's own magnitude: ¥ prices look like ¥3,980, not ¥25", () => {
    const yen = collect({ ...base, orders: 200, currency: "JPY", minorUnits: 0, sessionsPerOrder: 0 });
    const prices = [...yen.orders.values()].flatMap((o) => o.lines.map((l) => Number(l.unitPrice)));
    const sorted = prices.sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(1000);
  });

  it("keeps every order's total positive and every discount within what it discounts", () => {
    const orders = [...run.orders.values()];
    const badLines = orders
      .flatMap((o) => o.lines)
      .filter(
        (l) =>
          !Number.isInteger(l.quantity) ||
          l.quantity < 1 ||
          (l.discount !== undefined && toMinor(l.discount, 2) > l.quantity * toMinor(l.unitPrice, 2)),
      );
    expect(badLines).toEqual([]);
    expect(orders.filter((o) => orderTotal(o, 2) <= 0)).toEqual([]);
  });
});

describe("refunds", () => {
  it("exist, mostly with lines, for paid orders only", () => {
    expect(run.refunds.length).toBeGreaterThan(0);
    expect(run.refunds.filter(({ item }) => run.orders.get(item.orderId)!.status !== "paid")).toEqual([]);
    const withLines = run.refunds.filter((r) => r.item.lines !== undefined && r.item.lines.length > 0);
    expect(withLines.length).toBeGreaterThan(run.refunds.length / 2);
  });

  it("never add up to more than the order's total (lines - discounts + shipping + tax)", () => {
    const refunded = new Map<string, number>();
    for (const { item } of run.refunds)
      refunded.set(item.orderId, (refunded.get(item.orderId) ?? 0) + toMinor(item.amount, 2));
    expect(run.refunds.filter(({ item }) => toMinor(item.amount, 2) <= 0)).toEqual([]);
    const over = [...refunded].filter(([orderId, amount]) => amount > orderTotal(run.orders.get(orderId)!, 2));
    expect(over).toEqual([]);
    // some orders are refunded twice (two partial refunds), and still stay within their total
    expect([...countBy(run.refunds, (r) => r.item.orderId).values()].some((n) => n > 1)).toBe(true);
  });

  it("return products of the order, at most the quantity bought, for at most what was paid", () => {
    for (const { item } of run.refunds) {
      const order = run.orders.get(item.orderId)!;
      let linesTotal = 0;
      for (const line of item.lines ?? []) {
        const bought = order.lines.find((l) => l.productId === line.productId);
        expect(bought).toBeDefined();
        expect(line.quantity).toBeGreaterThanOrEqual(1);
        expect(line.quantity).toBeLessThanOrEqual(bought!.quantity);
        linesTotal += toMinor(line.amount, 2);
      }
      expect(linesTotal).toBeLessThanOrEqual(toMinor(item.amount, 2));
    }
  });

  it("are dated 1 to 40 days after their order and before `end`", () => {
    const misdated = run.refunds.filter(({ item }) => {
      const at = Date.parse(item.createdAt);
      const after = at - Date.parse(run.orders.get(item.orderId)!.createdAt);
      return !RFC3339.test(item.createdAt) || after < DAY || after >= 40 * DAY || at >= base.end.getTime();
    });
    expect(misdated).toEqual([]);
  });

  it("include full refunds (shipping included) and partial ones", () => {
    const kinds = new Set(
      run.refunds.map(({ item }) =>
        toMinor(item.amount, 2) === orderTotal(run.orders.get(item.orderId)!, 2) ? "full" : "partial",
      ),
    );
    expect(kinds).toEqual(new Set(["full", "partial"]));
  });
});

describe("times", () => {
  it("are RFC 3339 with the store's offset, and orders lie in [start, end)", () => {
    const outside = run.orderEmissions.filter(({ item }) => !RFC3339.test(item.createdAt) || !inRange(item.createdAt));
    expect(outside).toEqual([]);
    const offsets = new Set(run.orderEmissions.map(({ item }) => item.createdAt.slice(-6)));
    // New York: daylight saving time until November 2, standard time after
    expect(offsets).toEqual(new Set(["-04:00", "-05:00"]));
  });

  it("write the local time of the instant in the store's zone", () => {
    const zone = new Intl.DateTimeFormat("en-CA", {
      timeZone: base.timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    const wrong = run.orderEmissions
      .slice(0, 500)
      .map(({ item }) => ({
        written: item.createdAt.slice(0, 19),
        expected: zone.format(new Date(item.createdAt)).replace(", ", "T"),
      }))
      .filter(({ written, expected }) => written !== expected);
    expect(wrong).toEqual([]);
  });

  it("put every event in [start, end) and every session in order, starting with session_start", () => {
    expect(run.events.filter(({ item }) => !RFC3339.test(item.occurredAt) || !inRange(item.occurredAt))).toEqual([]);
    const disordered = [...run.sessions.values()].filter(
      (events) =>
        events[0].type !== "session_start" ||
        events.some((e, i) => i > 0 && Date.parse(e.occurredAt) < Date.parse(events[i - 1].occurredAt)),
    );
    expect(disordered).toEqual([]);
  });

  it("date a purchase event at its order's createdAt", () => {
    const purchases = run.events.filter(({ item }) => item.type === "purchase");
    expect(
      purchases.filter(
        ({ item }) => Date.parse(item.occurredAt) !== Date.parse(run.orders.get(item.orderId!)!.createdAt),
      ),
    ).toEqual([]);
  });

  it("keep the last 30 minutes busy, so a realtime view of `end` = now has something to show", () => {
    const end = base.end.getTime();
    const recentOrders = [...run.orders.values()].filter((o) => Date.parse(o.createdAt) >= end - 30 * MINUTE);
    const activeSessions = new Set(
      run.events.filter((e) => Date.parse(e.item.occurredAt) >= end - 5 * MINUTE).map((e) => e.item.sessionId),
    );
    expect(recentOrders.length).toBeGreaterThanOrEqual(3);
    expect(activeSessions.size).toBeGreaterThanOrEqual(1);
  });

  it("use half-hour offsets where the zone has them", () => {
    const india = collect({ ...base, orders: 50, timezone: "Asia/Kolkata", sessionsPerOrder: 0 });
    expect(new Set([...india.orders.values()].map((o) => o.createdAt.slice(-6)))).toEqual(new Set(["+05:30"]));
  });
});

describe("the funnel", () => {
  const reached = (r: DemoRun, type: string): number =>
    [...r.sessions.values()].filter((events) => events.some((e) => e.type === type)).length;

  it("narrows at every step: product views >= add to carts >= checkouts >= purchases", () => {
    const steps = ["session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"].map((t) =>
      reached(run, t),
    );
    expect(steps[1]).toBe(steps[0]); // every session lands on a page
    for (let i = 2; i < steps.length; i++) expect(steps[i]).toBeLessThan(steps[i - 1]);
    expect(steps[5]).toBe(base.orders);
  });

  it("has every step before the furthest one reached, in every session", () => {
    const steps: string[] = ["session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"];
    const skipping = [...run.sessions.values()].filter((events) => {
      const furthest = Math.max(...events.map((e) => steps.indexOf(e.type)));
      const types = new Set<string>(events.map((e) => e.type));
      return steps.slice(0, furthest + 1).some((step) => !types.has(step));
    });
    expect(skipping).toEqual([]);
  });

  it("ends a converting session with one purchase carrying the order id, after viewing and adding the items", () => {
    const wrong = [...run.sessions.values()].filter((events) => {
      const purchases = events.filter((e) => e.type === "purchase");
      if (purchases.length === 0) return false;
      const order = run.orders.get(purchases[0].orderId!);
      const added = new Set(events.filter((e) => e.type === "add_to_cart").map((e) => e.productId));
      return (
        purchases.length !== 1 ||
        events[events.length - 1] !== purchases[0] ||
        order === undefined ||
        order.lines.some((l) => !added.has(l.productId))
      );
    });
    expect(wrong).toEqual([]);
  });

  it("puts productId on product views and add to carts, and nowhere else", () => {
    const misplaced = run.events.filter(
      ({ item }) =>
        (item.productId !== undefined) !== (item.type === "product_view" || item.type === "add_to_cart") ||
        (item.orderId !== undefined) !== (item.type === "purchase"),
    );
    expect(misplaced).toEqual([]);
  });
});

describe("options", () => {
  it("are checked at once, naming every problem", () => {
    expect(() => generateDemo({ ...base, orders: -1, timezone: "Mars/Olympus_Mons", end: base.start })).toThrow(
      /orders must be an integer >= 0.*end must be after start.*unknown time zone "Mars\/Olympus_Mons"/,
    );
    expect(() => generateDemo({ ...base, currency: "usd" })).toThrow(RangeError);
    expect(() => generateDemo({ ...base, minorUnits: 1.5 })).toThrow(/minorUnits/);
    expect(() => generateDemo({ ...base, products: 0 })).toThrow(/products/);
    expect(() => generateDemo({ ...base, eventsPerSession: 1 })).toThrow(/eventsPerSession/);
  });

  it("a pleasant default store: 5,000 orders in 365 days, 200 products, 1,500 customers, USD, New York", () => {
    const before = Date.now();
    const options = defaultDemoOptions();
    expect(options).toMatchObject({
      orders: 5000,
      products: 200,
      customers: 1500,
      currency: "USD",
      minorUnits: 2,
      timezone: "America/New_York",
    });
    expect(options.end.getTime()).toBeGreaterThanOrEqual(before);
    expect(options.end.getTime() - options.start.getTime()).toBe(365 * DAY);
  });

  it("take overrides, and derive start from an overridden end", () => {
    const end = new Date("2026-03-08T12:00:00Z");
    const options = defaultDemoOptions({ seed: 3, end, currency: "EUR", timezone: "Europe/Berlin", orders: undefined });
    expect(options.seed).toBe(3);
    expect(options.orders).toBe(5000);
    expect(options.start).toEqual(new Date("2025-03-08T12:00:00Z"));
    expect(options.currency).toBe("EUR");
  });
});
