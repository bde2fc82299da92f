/**
 * A deterministic, realistic demo store: orders, refunds and storefront events in the
 * ingestion API's JSON shape (SPEC 3.1), streamed as batches that respect the API's limits.
 *
 * Everything comes from `options.seed`: the same options give the same batches, byte for byte.
 * Memory is bounded by the catalog, the customers and the length of the range (one number per
 * hour), plus about a month of pending refunds, never by the number of orders.
 *
 * Order of batches: a refund is only emitted after the batch holding its order; an order's
 * purchase event likewise; a cancellation re-send (the full order again, status "cancelled")
 * comes in a later orders batch than the original. To keep batches full, such items wait for
 * the current orders batch to be emitted instead of cutting it short.
 *
 * The store: see catalog.ts (products), demand.ts and schedule.ts (when orders happen),
 * customers.ts (who comes back), sessions.ts (the funnel) and the shares below.
 */
import { buildCatalog, Catalog, pad } from "./catalog";
import { hourlyDemand } from "./demand";
import { CustomerPool } from "./customers";
import { allocate, applyBasisPoints, charmPrice, formatMinor, mulDivFloor, usdRate } from "./money";
import { Rng } from "./random";
import { DueQueue, OrderClock } from "./schedule";
import { extraEventsScale, SessionBuilder } from "./sessions";
import { assertTimeZone, DAY_MS, HOUR_MS, MINUTE_MS, Rfc3339Formatter, ZoneOffsets } from "./time";
import {
  DEMO_BATCH_LIMITS,
  DemoBatch,
  DemoEvent,
  DemoOptions,
  DemoOrder,
  DemoOrderLine,
  DemoRefund,
  DemoRefundLine,
} from "./types";

const ORDERS_PER_BATCH = DEMO_BATCH_LIMITS.orders;
const REFUNDS_PER_BATCH = DEMO_BATCH_LIMITS.refunds;
const EVENTS_PER_BATCH = DEMO_BATCH_LIMITS.events;

/** Share of orders placed without an account. */
export const GUEST_SHARE = 0.2;
/** Share of orders with a line or an order discount. */
export const DISCOUNT_SHARE = 0.15;
/** Share of orders cancelled; half are sent cancelled, half sent paid and re-sent cancelled. */
export const CANCEL_SHARE = 0.03;
/** Share of paid orders refunded 1 to 30 days later (skipped when that is after `end`). */
export const REFUND_SHARE = 0.05;
/** Share of browsing sessions by a known (signed-in) customer. */
const KNOWN_BROWSER_SHARE = 0.22;

/** Lines per order: 1 (56 %), 2 (25 %), 3 (11 %), 4 (5 %), 5 (2 %), 6 (1 %). */
const LINE_COUNTS: readonly number[] = [0.56, 0.25, 0.11, 0.05, 0.02, 0.01];
const MEAN_LINES = LINE_COUNTS.reduce((sum, p, i) => sum + p * (i + 1), 0);
const CHANNELS: readonly [string, number][] = [
  ["web", 0.62],
  ["mobile_app", 0.28],
  ["social", 0.06],
  ["pos", 0.04],
];
/** Sales tax rates in basis points; a customer always pays the same one (where they live). */
const TAX_RATES: readonly number[] = [0, 400, 600, 625, 700, 725, 825, 875, 950];

export function defaultDemoOptions(overrides: Partial<DemoOptions> = {}): DemoOptions {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, v]) => v !== undefined),
  ) as Partial<DemoOptions>;
  const end = given.end ?? new Date();
  const start = given.start ?? new Date(end.getTime() - 365 * DAY_MS);
  return {
    seed: 42,
    orders: 5000,
    products: 200,
    customers: 1500,
    currency: "USD",
    minorUnits: 2,
    timezone: "America/New_York",
    sessionsPerOrder: 3,
    eventsPerSession: 10,
    ...given,
    start,
    end,
  };
}

interface Settings {
  seed: number;
  orders: number;
  products: number;
  customers: number;
  startMs: number;
  endMs: number;
  currency: string;
  minorUnits: number;
  timezone: string;
  sessionsPerOrder: number;
  eventsPerSession: number;
}

function validate(options: DemoOptions): Settings {
  const problems: string[] = [];
  const count = (name: keyof DemoOptions, value: unknown, min: number): number => {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
      problems.push(`${name} must be an integer >= ${min}, got ${String(value)}`);
      return min;
    }
    return value;
  };
  if (typeof options.seed !== "number" || !Number.isFinite(options.seed)) problems.push(`seed must be a finite number`);
  const orders = count("orders", options.orders, 0);
  const products = count("products", options.products, 1);
  const customers = count("customers", options.customers, 0);
  const minorUnits = count("minorUnits", options.minorUnits, 0);
  if (minorUnits > 6) problems.push(`minorUnits must be at most 6`);
  const startMs = options.start instanceof Date ? options.start.getTime() : Number.NaN;
  const endMs = options.end instanceof Date ? options.end.getTime() : Number.NaN;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) problems.push("start and end must be valid Dates");
  else if (endMs <= startMs) problems.push("end must be after start");
  else if (new Date(startMs).getUTCFullYear() < 1000 || new Date(endMs).getUTCFullYear() > 9999)
    problems.push("start and end must lie in the years 1000 to 9999");
  else if (endMs - startMs > 100 * 366 * DAY_MS) problems.push("the range from start to end must be at most 100 years");
  if (typeof options.currency !== "string" || !/^[A-Z]{3}$/.test(options.currency)) {
    problems.push(`currency must be an ISO 4217 code like "USD", got ${String(options.currency)}`);
  }
  try {
    assertTimeZone(options.timezone);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const sessionsPerOrder = options.sessionsPerOrder ?? 3;
  if (!(sessionsPerOrder >= 0) || !Number.isFinite(sessionsPerOrder))
    problems.push("sessionsPerOrder must be a number >= 0");
  const eventsPerSession = options.eventsPerSession ?? 10;
  if (!(eventsPerSession >= 2) || !(eventsPerSession <= 200))
    problems.push("eventsPerSession must be between 2 and 200");
  if (problems.length > 0) throw new RangeError(`invalid demo options: ${problems.join("; ")}`);
  return {
    seed: options.seed,
    orders,
    products,
    customers,
    startMs,
    endMs,
    currency: options.currency,
    minorUnits,
    timezone: options.timezone,
    sessionsPerOrder,
    eventsPerSession,
  };
}

/**
 * Streams the demo store as batches: `{kind: "orders"}` (≤ 500), `{kind: "refunds"}` (≤ 500),
 * `{kind: "events"}` (≤ 1000), each ready to POST as is. Options are checked at once (a
 * RangeError names every problem); the data is made as the batches are consumed.
 */
export function generateDemo(options: DemoOptions): Generator<DemoBatch> {
  return new DemoRun(validate(options)).batches();
}

interface PendingRefund {
  due: number;
  orderSeq: number;
  orderId: string;
  amount: number;
  lines: { productId: string; quantity: number; amount: number }[] | undefined;
}

type Pending = { kind: "refund"; refund: PendingRefund } | { kind: "resend"; orderSeq: number; order: DemoOrder };

class DemoRun {
  private readonly catalog: Catalog;
  private readonly zone: ZoneOffsets;
  private readonly formatter = new Rfc3339Formatter();
  private readonly clock: OrderClock;
  private readonly pool: CustomerPool;
  private readonly sessions: SessionBuilder;
  private readonly orderRng: Rng;
  private readonly eventRng: Rng;
  private readonly orderIdWidth: number;
  private readonly refundIdWidth: number;
  private readonly shippingStandard: number;
  private readonly shippingExpress: number;
  private readonly freeShippingFrom: number;
  private readonly coupons: number[];

  private orderSeq = 0;
  private refundSeq = 0;
  /** every order up to this sequence number is in an emitted batch */
  private flushedOrderSeq = 0;
  private readonly pending = new DueQueue<Pending>();
  private readonly ready: DemoBatch[] = [];
  private ordersBuffer: DemoOrder[] = [];
  private refundsBuffer: DemoRefund[] = [];
  private eventsBuffer: DemoEvent[] = [];
  /** waiting for the current orders batch: purchase sessions, refunds, re-sends */
  private heldEvents: DemoEvent[] = [];
  private heldRefunds: PendingRefund[] = [];
  private heldResends: DemoOrder[] = [];
  private readonly scratch: DemoEvent[] = [];

  // per-order scratch, reused
  private readonly lineProducts: number[] = [];
  private readonly lineQuantities: number[] = [];
  private readonly lineDiscounts: number[] = [];

  constructor(private readonly s: Settings) {
    this.catalog = buildCatalog(new Rng(s.seed, 1), s.products, s.currency, s.minorUnits);
    this.zone = new ZoneOffsets(s.timezone, s.startMs, s.endMs);
    const demand = hourlyDemand(this.zone, s.startMs, new Rng(s.seed, 2));
    this.clock = new OrderClock(this.zone, demand, s.startMs, s.endMs, s.orders, new Rng(s.seed, 3));
    this.orderRng = new Rng(s.seed, 4);
    this.eventRng = new Rng(s.seed, 5);
    this.pool = new CustomerPool(s.customers);
    this.sessions = new SessionBuilder(
      {
        rng: this.eventRng,
        catalog: this.catalog,
        zone: this.zone,
        formatter: this.formatter,
        startMs: s.startMs,
        endMs: s.endMs,
      },
      extraEventsScale(s.eventsPerSession, s.sessionsPerOrder, Math.min(MEAN_LINES, s.products)),
    );
    this.orderIdWidth = Math.max(6, String(s.orders).length);
    this.refundIdWidth = Math.max(6, String(Math.ceil(s.orders * REFUND_SHARE * 2)).length);
    const rate = usdRate(s.currency);
    this.shippingStandard = charmPrice(5.99 * rate, s.minorUnits, true);
    this.shippingExpress = charmPrice(14.99 * rate, s.minorUnits, true);
    this.freeShippingFrom = charmPrice(75 * rate, s.minorUnits, false);
    this.coupons = [5, 10, 15].map((usd) => charmPrice(usd * rate, s.minorUnits, false));
  }

  *batches(): Generator<DemoBatch> {
    for (let t = this.clock.next(); !Number.isNaN(t); t = this.clock.next()) {
      while (this.pending.peekDue() <= t) this.release(this.pending.pop()!);
      this.order(t, this.clock.live);
      while (this.ready.length > 0) yield this.ready.shift()!;
    }
    // what is still pending: refunds (all dated before `end`) and re-sends
    while (this.pending.size > 0) this.release(this.pending.pop()!);
    this.flushOrders();
    this.flushOrders(); // the re-sends released by the first flush
    this.flushRefunds();
    this.flushEvents();
    while (this.ready.length > 0) yield this.ready.shift()!;
  }

  // ---------------------------------------------------------------- one order

  private order(t: number, live: boolean): void {
    const rng = this.orderRng;
    const { products } = this.catalog;
    const mu = this.s.minorUnits;
    const seq = ++this.orderSeq;
    const id = `ord-${pad(seq, this.orderIdWidth)}`;

    // who
    let customer = -1;
    let returning = false;
    const pool = this.pool;
    if (pool.capacity > 0 && !rng.chance(GUEST_SHARE)) {
      const registeredLeft = (this.s.orders - seq + 1) * (1 - GUEST_SHARE);
      const pNew = pool.remaining / Math.max(1, registeredLeft);
      if (pool.remaining > 0 && (pool.acquired === 0 || rng.next() < pNew)) {
        customer = pool.acquire(rng, t);
      } else {
        customer = pool.pickReturning(rng, t);
        if (customer >= 0) returning = true;
        else if (pool.remaining > 0) customer = pool.acquire(rng, t);
        else {
          customer = pool.pickAny(rng);
          returning = customer >= 0;
        }
      }
    }

    // what
    const lineProducts = this.lineProducts;
    const quantities = this.lineQuantities;
    const lineDiscounts = this.lineDiscounts;
    lineProducts.length = 0;
    quantities.length = 0;
    lineDiscounts.length = 0;
    const wanted = Math.min(products.length, 1 + this.drawIndex(LINE_COUNTS));
    for (let tries = 0; lineProducts.length < wanted && tries < wanted * 8; tries++) {
      const p = this.catalog.popularity.sample(rng);
      if (lineProducts.includes(p)) continue;
      lineProducts.push(p);
      const u = rng.next();
      quantities.push(u < 0.84 ? 1 : u < 0.95 ? 2 : u < 0.985 ? 3 : rng.int(4, 6));
      lineDiscounts.push(0);
    }
    const lineCount = lineProducts.length;
    let subtotal = 0;
    for (let i = 0; i < lineCount; i++) subtotal += products[lineProducts[i]].price * quantities[i];

    // discounts
    let orderDiscount = 0;
    if (rng.chance(DISCOUNT_SHARE)) {
      const u = rng.next();
      if (u < 0.45) {
        const i = Math.floor(rng.next() * lineCount);
        lineDiscounts[i] = mulDivFloor(
          products[lineProducts[i]].price * quantities[i],
          rng.pick([10, 15, 20, 25, 30]),
          100,
        );
      } else {
        const coupon = rng.pick(this.coupons);
        orderDiscount = u > 0.9 && subtotal >= coupon * 3 ? coupon : mulDivFloor(subtotal, rng.pick([10, 15, 20]), 100);
      }
    }
    let lineDiscountTotal = 0;
    for (let i = 0; i < lineCount; i++) lineDiscountTotal += lineDiscounts[i];
    const goods = subtotal - lineDiscountTotal - orderDiscount;

    // how it gets there, and tax where the customer lives
    const channel = this.drawChannel();
    let shipping = 0;
    if (channel !== "pos") {
      if (rng.chance(0.08)) shipping = this.shippingExpress;
      else if (goods < this.freeShippingFrom) shipping = this.shippingStandard;
    }
    const taxRate =
      customer >= 0 ? TAX_RATES[(Math.imul(customer + 1, 0x9e3779b1) >>> 0) % TAX_RATES.length] : rng.pick(TAX_RATES);
    const tax = applyBasisPoints(goods, taxRate);

    // status
    let cancelledNow = false;
    let cancelLater = false;
    if (rng.chance(CANCEL_SHARE)) {
      if (rng.chance(0.5)) cancelledNow = true;
      else cancelLater = true;
    }

    const lines: DemoOrderLine[] = new Array(lineCount);
    for (let i = 0; i < lineCount; i++) {
      const product = products[lineProducts[i]];
      const line: DemoOrderLine = {
        productId: product.id,
        productName: product.name,
        category: product.category,
        quantity: quantities[i],
        unitPrice: formatMinor(product.price, mu),
      };
      if (lineDiscounts[i] > 0) line.discount = formatMinor(lineDiscounts[i], mu);
      lines[i] = line;
    }
    const createdAt = this.timestamp(t);
    const currency = this.s.currency;
    const status = cancelledNow ? "cancelled" : "paid";
    const customerId = customer >= 0 ? pool.id(customer) : undefined;
    // two literals keep the JSON's field order readable: id, customerId, createdAt, …
    const order: DemoOrder =
      customerId !== undefined
        ? { id, customerId, createdAt, currency, status, lines }
        : { id, createdAt, currency, status, lines };
    if (orderDiscount > 0) order.discount = formatMinor(orderDiscount, mu);
    order.shipping = formatMinor(shipping, mu);
    order.tax = formatMinor(tax, mu);
    order.channel = channel;
    this.pushOrder(order);

    if (cancelLater) {
      const delay = Math.min(3 * DAY_MS, Math.max(5 * MINUTE_MS, rng.exponential(6 * HOUR_MS)));
      const resend: DemoOrder = { ...order, status: "cancelled", lines: lines.map((line) => ({ ...line })) };
      this.pending.push(t + delay, { kind: "resend", orderSeq: seq, order: resend });
    } else if (!cancelledNow && rng.chance(REFUND_SHARE)) {
      this.scheduleRefunds(seq, id, t, subtotal, orderDiscount, tax, shipping);
    }

    // the sessions: the one that bought, then people browsing around the same time
    const buyerTarget = seq <= this.flushedOrderSeq ? this.scratch : this.heldEvents;
    const before = buyerTarget.length;
    this.sessions.converting(
      buyerTarget,
      t,
      lineProducts,
      id,
      returning ? customerId : undefined,
      returning ? undefined : customerId,
    );
    if (buyerTarget === this.scratch) this.pushScratch(before);
    this.browsingSessions(t, live);
  }

  private browsingSessions(t: number, live: boolean): void {
    const rng = this.eventRng;
    const spo = this.s.sessionsPerOrder;
    let count = Math.floor(spo);
    if (rng.next() < spo - count) count++;
    for (let k = 0; k < count; k++) {
      const stage = this.sessions.drawStage();
      // around the order's time, following the same rhythm; in the live tail, up to "now"
      const startMs = live ? t + rng.next() * (this.s.endMs - t) : t + (rng.next() - 0.5) * 4 * HOUR_MS;
      let customerId: string | undefined;
      if (this.pool.acquired > 0 && rng.chance(KNOWN_BROWSER_SHARE)) customerId = this.pool.id(this.pool.pickAny(rng));
      this.sessions.browsing(this.scratch, stage, startMs, customerId);
      this.pushScratch(0);
    }
  }

  private scheduleRefunds(
    seq: number,
    orderId: string,
    t: number,
    subtotal: number,
    orderDiscount: number,
    tax: number,
    shipping: number,
  ): void {
    const rng = this.orderRng;
    const due = t + DAY_MS + rng.next() * 29 * DAY_MS;
    if (due >= this.s.endMs) return; // would be in the future: not (yet) refunded
    const { products } = this.catalog;
    const n = this.lineProducts.length;
    // what the customer paid per line: after its own discount, its share of the order discount,
    // plus its share of the tax; shipping is refunded only with a full refund
    const net = this.lineProducts.map((p, i) => products[p].price * this.lineQuantities[i] - this.lineDiscounts[i]);
    const orderDiscountShare = allocate(orderDiscount, net);
    const taxable = net.map((v, i) => v - orderDiscountShare[i]);
    const taxShare = allocate(tax, taxable);
    const paid = taxable.map((v, i) => v + taxShare[i]);
    const total = subtotal - this.lineDiscounts.reduce((a, b) => a + b, 0) - orderDiscount + shipping + tax;
    const productId = (i: number): string => products[this.lineProducts[i]].id;

    const singleUnit = n === 1 && this.lineQuantities[0] === 1;
    const u = rng.next();
    if (u < 0.35 || (singleUnit && u < 0.65)) {
      // everything back, shipping included
      const lines = [];
      for (let i = 0; i < n; i++)
        if (paid[i] > 0) lines.push({ productId: productId(i), quantity: this.lineQuantities[i], amount: paid[i] });
      this.pending.push(due, {
        kind: "refund",
        refund: { due, orderSeq: seq, orderId, amount: total, lines: lines.length > 0 ? lines : undefined },
      });
      return;
    }
    if (singleUnit) {
      // a goodwill price adjustment: money back, nothing returned
      const amount = mulDivFloor(paid[0], rng.pick([10, 15, 20, 25]), 100);
      if (amount > 0)
        this.pending.push(due, { kind: "refund", refund: { due, orderSeq: seq, orderId, amount, lines: undefined } });
      return;
    }
    // some units of one line back; now and then another line later
    const lineOrder = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    let when = due;
    for (let k = 0; k < lineOrder.length && k < 2; k++) {
      const i = lineOrder[k];
      const quantity = this.lineQuantities[i];
      const returned = n === 1 ? rng.int(1, quantity - 1) : rng.int(1, quantity);
      const amount = mulDivFloor(paid[i], returned, quantity);
      if (amount > 0) {
        this.pending.push(when, {
          kind: "refund",
          refund: {
            due: when,
            orderSeq: seq,
            orderId,
            amount,
            lines: [{ productId: productId(i), quantity: returned, amount }],
          },
        });
      }
      when += DAY_MS + rng.next() * 9 * DAY_MS;
      if (when >= this.s.endMs || !rng.chance(0.2)) break;
    }
  }

  // ---------------------------------------------------------------- emission

  private release(item: Pending): void {
    if (item.kind === "resend") {
      if (item.orderSeq > this.flushedOrderSeq) this.heldResends.push(item.order);
      else this.pushOrder(item.order);
    } else if (item.refund.orderSeq > this.flushedOrderSeq) {
      this.heldRefunds.push(item.refund);
    } else {
      this.pushRefund(item.refund);
    }
  }

  private pushOrder(order: DemoOrder): void {
    this.ordersBuffer.push(order);
    if (this.ordersBuffer.length >= ORDERS_PER_BATCH) this.flushOrders();
  }

  private pushRefund(pending: PendingRefund): void {
    const mu = this.s.minorUnits;
    const refund: DemoRefund = {
      id: `ref-${pad(++this.refundSeq, this.refundIdWidth)}`,
      orderId: pending.orderId,
      createdAt: this.timestamp(pending.due),
      amount: formatMinor(pending.amount, mu),
    };
    if (pending.lines !== undefined) {
      refund.lines = pending.lines.map((l): DemoRefundLine => ({
        productId: l.productId,
        quantity: l.quantity,
        amount: formatMinor(l.amount, mu),
      }));
    }
    this.refundsBuffer.push(refund);
    if (this.refundsBuffer.length >= REFUNDS_PER_BATCH) this.flushRefunds();
  }

  private pushEvent(event: DemoEvent): void {
    this.eventsBuffer.push(event);
    if (this.eventsBuffer.length >= EVENTS_PER_BATCH) this.flushEvents();
  }

  /** Moves scratch[from..] into the events stream. */
  private pushScratch(from: number): void {
    const scratch = this.scratch;
    for (let i = from; i < scratch.length; i++) this.pushEvent(scratch[i]);
    scratch.length = from;
  }

  private flushOrders(): void {
    if (this.ordersBuffer.length === 0) return;
    this.ready.push({ kind: "orders", items: this.ordersBuffer });
    this.ordersBuffer = [];
    this.flushedOrderSeq = this.orderSeq;
    // what waited for these orders to be out
    const events = this.heldEvents;
    const refunds = this.heldRefunds;
    const resends = this.heldResends;
    this.heldEvents = [];
    this.heldRefunds = [];
    this.heldResends = [];
    for (const event of events) this.pushEvent(event);
    for (const refund of refunds) this.pushRefund(refund);
    for (const order of resends) this.pushOrder(order);
  }

  private flushRefunds(): void {
    if (this.refundsBuffer.length === 0) return;
    this.ready.push({ kind: "refunds", items: this.refundsBuffer });
    this.refundsBuffer = [];
  }

  private flushEvents(): void {
    if (this.eventsBuffer.length === 0) return;
    this.ready.push({ kind: "events", items: this.eventsBuffer });
    this.eventsBuffer = [];
  }

  // ---------------------------------------------------------------- helpers

  private timestamp(ms: number): string {
    const whole = Math.floor(ms);
    return this.formatter.format(whole, this.zone.offsetMinutes(whole));
  }

  private drawIndex(probabilities: readonly number[]): number {
    let u = this.orderRng.next();
    for (let i = 0; i < probabilities.length - 1; i++) {
      if (u < probabilities[i]) return i;
      u -= probabilities[i];
    }
    return probabilities.length - 1;
  }

  private drawChannel(): string {
    let u = this.orderRng.next();
    for (const [name, p] of CHANNELS) {
      if (u < p) return name;
      u -= p;
    }
    return CHANNELS[0][0];
  }
}
