/**
 * The demo store looks like a real one: the shapes a store owner expects in their reports.
 * Runs use `sessionsPerOrder: 0` where only orders matter, to stay fast.
 */
import type { DemoEvent, DemoOptions, DemoOrder } from "../../../tools/demo";
import { collect, countBy, DemoRun, localPart } from "./collect";

const year: DemoOptions = {
  seed: 11,
  orders: 12_000,
  products: 200,
  customers: 3500,
  start: new Date("2024-01-01T05:00:00Z"),
  end: new Date("2026-01-01T05:00:00Z"),
  currency: "USD",
  minorUnits: 2,
  timezone: "America/New_York",
  sessionsPerOrder: 0,
};

let run: DemoRun;
let orders: DemoOrder[];
beforeAll(() => {
  run = collect(year);
  orders = [...run.orders.values()];
});

const share = (predicate: (order: DemoOrder) => boolean, among: DemoOrder[] = orders): number =>
  among.filter(predicate).length / among.length;

describe("when people buy", () => {
  it("follows a daily rhythm in the store's time zone: busy evenings, quiet nights", () => {
    const byHour = countBy(orders, (o) => localPart(o.createdAt).hour);
    const evening = (byHour.get(19) ?? 0) + (byHour.get(20) ?? 0);
    const night = (byHour.get(3) ?? 0) + (byHour.get(4) ?? 0);
    expect(evening).toBeGreaterThan(night * 8);
  });

  it("follows the local clock of another zone just the same", () => {
    const tokyo = collect({ ...year, orders: 4000, timezone: "Asia/Tokyo" });
    const byLocalHour = countBy(tokyo.orders.values(), (o) => localPart(o.createdAt).hour);
    expect((byLocalHour.get(20) ?? 0) > (byLocalHour.get(4) ?? 0) * 8).toBe(true);
    // 20:00 in Tokyo is 11:00 UTC: busy there, not in New York's quiet UTC hours
    const byUtcHour = countBy(tokyo.orders.values(), (o) => new Date(o.createdAt).getUTCHours());
    expect(byUtcHour.get(11)!).toBeGreaterThan(byUtcHour.get(19)! * 4);
  });

  it("has a weekly rhythm: Sundays busier than Saturdays", () => {
    const byWeekday = countBy(orders, (o) => localPart(o.createdAt).weekday);
    expect(byWeekday.get(0)!).toBeGreaterThan(byWeekday.get(6)! * 1.1);
  });

  it("grows: the second year sells clearly more than the first", () => {
    const firstYear = orders.filter((o) => o.createdAt < "2025").length;
    expect(orders.length - firstYear).toBeGreaterThan(firstYear * 1.3);
  });

  it("peaks on Black Friday and in December, dips in January", () => {
    const byDate = countBy(orders, (o) => localPart(o.createdAt).date);
    const november2025 = [...byDate]
      .filter(([date]) => String(date).startsWith("2025-11"))
      .map(([, n]) => n)
      .sort((a, b) => a - b);
    const median = november2025[Math.floor(november2025.length / 2)];
    const blackFriday = byDate.get("2025-11-28")!;
    expect(blackFriday).toBeGreaterThan(median * 2);
    expect(blackFriday).toBeGreaterThanOrEqual(november2025[november2025.length - 3]); // among the 3 busiest
    const month = (prefix: string) => orders.filter((o) => o.createdAt.startsWith(prefix)).length;
    expect(month("2025-12")).toBeGreaterThan(month("2025-01") * 1.5);
  });
});

describe("what people buy", () => {
  it("comes from 8 to 12 categories, each product with one name, category and price", () => {
    const products = new Map<string, string>();
    const inconsistent: string[] = [];
    for (const line of orders.flatMap((o) => o.lines)) {
      const identity = `${line.productName}|${line.category}|${line.unitPrice}`;
      if ((products.get(line.productId) ?? identity) !== identity) inconsistent.push(line.productId);
      products.set(line.productId, identity);
    }
    expect(inconsistent).toEqual([]);
    const categories = new Set([...products.values()].map((p) => p.split("|")[1]));
    expect(categories.size).toBeGreaterThanOrEqual(8);
    expect(categories.size).toBeLessThanOrEqual(12);
  });

  it("has best sellers and a long tail (Zipf-like popularity)", () => {
    const units = new Map<string, number>();
    for (const order of orders)
      for (const line of order.lines) units.set(line.productId, (units.get(line.productId) ?? 0) + line.quantity);
    const ranked = [...units.values()].sort((a, b) => b - a);
    const total = ranked.reduce((a, b) => a + b, 0);
    const top10Percent = ranked.slice(0, year.products / 10).reduce((a, b) => a + b, 0);
    expect(top10Percent / total).toBeGreaterThan(0.4);
    expect(units.size).toBeGreaterThan(year.products * 0.9); // nearly everything sells now and then
    expect(ranked[0]).toBeGreaterThan(ranked[49] * 10);
  });

  it("has 1 to 4 lines typically, quantities mostly 1", () => {
    expect(share((o) => o.lines.length === 1)).toBeGreaterThan(0.45);
    expect(share((o) => o.lines.length <= 4)).toBeGreaterThan(0.95);
    const lines = orders.flatMap((o) => o.lines);
    expect(lines.filter((l) => l.quantity === 1).length / lines.length).toBeGreaterThan(0.75);
  });

  it("discounts about 15 % of orders, on a line or the whole order", () => {
    const discounted = share((o) => o.discount !== undefined || o.lines.some((l) => l.discount !== undefined));
    expect(discounted).toBeGreaterThan(0.12);
    expect(discounted).toBeLessThan(0.18);
    expect(orders.some((o) => o.discount !== undefined)).toBe(true);
    expect(orders.some((o) => o.lines.some((l) => l.discount !== undefined))).toBe(true);
  });

  it("charges shipping (free above a threshold) and tax", () => {
    expect(orders.every((o) => o.shipping !== undefined && o.tax !== undefined)).toBe(true);
    expect(share((o) => o.shipping === "0.00")).toBeGreaterThan(0.1);
    expect(share((o) => o.shipping !== "0.00")).toBeGreaterThan(0.3);
    expect(share((o) => o.tax !== "0.00")).toBeGreaterThan(0.7);
  });

  it("comes through several channels, mostly the web shop", () => {
    const channels = countBy(orders, (o) => o.channel ?? "none");
    expect([...channels.keys()].sort()).toEqual(["mobile_app", "pos", "social", "web"]);
    expect(channels.get("web")! / orders.length).toBeGreaterThan(0.5);
  });
});

describe("who buys", () => {
  it("is a guest about 20 % of the time", () => {
    const guests = share((o) => o.customerId === undefined);
    expect(guests).toBeGreaterThan(0.17);
    expect(guests).toBeLessThan(0.23);
  });

  it("comes back: some customers buy once, others repeatedly over months", () => {
    const perCustomer = new Map<string, DemoOrder[]>();
    for (const order of orders) {
      if (order.customerId === undefined) continue;
      perCustomer.set(order.customerId, [...(perCustomer.get(order.customerId) ?? []), order]);
    }
    const counts = [...perCustomer.values()].map((list) => list.length);
    const once = counts.filter((n) => n === 1).length / counts.length;
    const repeat = counts.filter((n) => n >= 2).length / counts.length;
    expect(once).toBeGreaterThan(0.3);
    expect(repeat).toBeGreaterThan(0.25);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(8); // the loyal few
    // repeat buyers span months, not minutes
    const spans = [...perCustomer.values()]
      .filter((list) => list.length >= 3)
      .map((list) => (Date.parse(list[list.length - 1].createdAt) - Date.parse(list[0].createdAt)) / 86_400_000);
    const sorted = spans.sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThan(60);
  });

  it("is acquired all through the range, in bigger cohorts as the store grows", () => {
    const firstOrder = new Map<string, string>();
    for (const order of orders)
      if (order.customerId !== undefined && !firstOrder.has(order.customerId))
        firstOrder.set(order.customerId, order.createdAt);
    const firstYear = [...firstOrder.values()].filter((at) => at < "2025").length;
    const secondYear = firstOrder.size - firstYear;
    expect(firstYear).toBeGreaterThan(firstOrder.size * 0.2);
    expect(secondYear).toBeGreaterThan(firstYear);
  });
});

describe("what goes wrong", () => {
  it("cancels about 3 % of orders, some sent cancelled, some cancelled later by a re-send", () => {
    const cancelled = share((o) => o.status === "cancelled");
    expect(cancelled).toBeGreaterThan(0.02);
    expect(cancelled).toBeLessThan(0.04);
    const resent = new Set(run.orderEmissions.filter((e) => e.item.status === "paid").map((e) => e.item.id));
    const later = orders.filter((o) => o.status === "cancelled" && resent.has(o.id)).length;
    const direct = orders.filter((o) => o.status === "cancelled").length - later;
    expect(later).toBeGreaterThan(0);
    expect(direct).toBeGreaterThan(0);
  });

  it("refunds about 5 % of paid orders", () => {
    const paid = orders.filter((o) => o.status === "paid").length;
    const refundedOrders = new Set(run.refunds.map((r) => r.item.orderId)).size;
    expect(refundedOrders / paid).toBeGreaterThan(0.04);
    expect(refundedOrders / paid).toBeLessThan(0.06);
  });
});

describe("storefront traffic", () => {
  let traffic: DemoRun;
  beforeAll(() => {
    traffic = collect({ ...year, orders: 1500, customers: 500, sessionsPerOrder: 3 });
  });

  it("converts about one session in four with 3 browsing sessions per order, and drops off at every step", () => {
    const sessions = [...traffic.sessions.values()];
    const reached = (type: string) =>
      sessions.filter((events) => events.some((e) => e.type === type)).length / sessions.length;
    expect(reached("purchase")).toBeCloseTo(0.25, 5);
    expect(reached("product_view")).toBeGreaterThan(0.6);
    expect(reached("add_to_cart")).toBeLessThan(reached("product_view") - 0.15);
    expect(reached("checkout_start")).toBeLessThan(reached("add_to_cart"));
  });

  it("signs returning customers in for the whole session; new ones identify at purchase", () => {
    const seenCustomers = new Set<string>();
    const byOrder = new Map<string, DemoEvent[]>();
    for (const events of traffic.sessions.values()) {
      const purchase = events.find((e) => e.type === "purchase");
      if (purchase !== undefined) byOrder.set(purchase.orderId!, events);
    }
    let returning = 0;
    const wrong: string[] = [];
    // order ids follow createdAt: a customer's first order is "new", later ones "returning"
    const sorted = [...traffic.orders.values()].sort((a, b) => a.id.localeCompare(b.id));
    for (const order of sorted) {
      const events = byOrder.get(order.id)!;
      const customer = order.customerId;
      let ok: boolean;
      if (customer === undefined) {
        ok = events.every((e) => e.customerId === undefined);
      } else if (seenCustomers.has(customer)) {
        returning++;
        ok = events.every((e) => e.customerId === customer);
      } else {
        ok = events.every((e) => e.customerId === (e.type === "purchase" ? customer : undefined));
        seenCustomers.add(customer);
      }
      if (!ok) wrong.push(order.id);
    }
    expect(wrong).toEqual([]);
    expect(returning).toBeGreaterThan(100);
  });

  it("has some known customers browsing without buying", () => {
    const browsing = [...traffic.sessions.values()].filter((events) => !events.some((e) => e.type === "purchase"));
    const known = browsing.filter((events) => events[0].customerId !== undefined).length / browsing.length;
    expect(known).toBeGreaterThan(0.1);
    expect(known).toBeLessThan(0.4);
  });
});
