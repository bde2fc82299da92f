/**
 * Storefront sessions as event sequences, through the funnel
 * session_start → page_view → product_view → add_to_cart → checkout_start → purchase.
 *
 * A session that reaches a step has every step before it, so across sessions
 * product views >= add to carts >= checkouts >= purchases. Non-converting sessions stop at:
 *
 *   bounce     38 %   session_start and page views only
 *   browse     37 %   … product views
 *   cart       15 %   … add_to_cart
 *   checkout   10 %   … checkout_start, no purchase
 *
 * Converting sessions view and add every product of their order, start checkout and end with a
 * `purchase` carrying the order id at the order's createdAt. Beyond the steps themselves a
 * session gets a geometric number of extra page and product views, scaled so that sessions
 * average `eventsPerSession` events. Events are a few seconds to a few minutes apart.
 */
import { Catalog } from "./catalog";
import { Rng } from "./random";
import { Rfc3339Formatter, ZoneOffsets } from "./time";
import { DemoEvent, DemoEventType } from "./types";

export const Stage = { Bounce: 0, Browse: 1, Cart: 2, Checkout: 3, Purchase: 4 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

/** Where non-converting sessions stop, by Stage (Bounce … Checkout). */
export const DROP_OFF: readonly number[] = [0.38, 0.37, 0.15, 0.1];

/** Extra-event weight of a bounce relative to the other sessions. */
const BOUNCE_EXTRA = 0.3;
const MAX_EVENTS = 240;
const MEAN_GAP_MS = 40_000;
const TYPES: readonly DemoEventType[] = [
  "session_start",
  "page_view",
  "product_view",
  "add_to_cart",
  "checkout_start",
  "purchase",
];
const T_START = 0;
const T_PAGE = 1;
const T_PRODUCT = 2;
const T_CART = 3;
const T_CHECKOUT = 4;
const T_PURCHASE = 5;

export interface SessionContext {
  rng: Rng;
  catalog: Catalog;
  zone: ZoneOffsets;
  formatter: Rfc3339Formatter;
  /** events lie in [startMs, endMs) */
  startMs: number;
  endMs: number;
}

/**
 * The mean number of extra events a non-bounce session gets, so that sessions average
 * `eventsPerSession`: solves mean = Σ share × (required events + α × weight) for α.
 */
export function extraEventsScale(eventsPerSession: number, sessionsPerOrder: number, meanLines: number): number {
  const converting = 1 / (1 + sessionsPerOrder);
  const browsing = 1 - converting;
  const required = [2, 3, 4, 5];
  const weights = [BOUNCE_EXTRA, 1, 1, 1];
  let fixed = converting * (4 + 2 * meanLines);
  let perAlpha = converting;
  for (let s = 0; s < DROP_OFF.length; s++) {
    fixed += browsing * DROP_OFF[s] * required[s];
    perAlpha += browsing * DROP_OFF[s] * weights[s];
  }
  return Math.max(0, (eventsPerSession - fixed) / perAlpha);
}

export class SessionBuilder {
  private readonly types = new Uint8Array(MAX_EVENTS);
  private readonly products = new Int32Array(MAX_EVENTS);
  private readonly times = new Float64Array(MAX_EVENTS);
  private readonly viewed: number[] = [];
  private readonly carted: boolean[] = [];
  private eventSeq = 0;
  private sessionSeq = 0;

  constructor(
    private readonly context: SessionContext,
    /** mean extra events of a non-bounce session (see extraEventsScale) */
    private readonly extraMean: number,
  ) {}

  get sessions(): number {
    return this.sessionSeq;
  }

  get events(): number {
    return this.eventSeq;
  }

  /** A non-converting session's stage, drawn from DROP_OFF. */
  drawStage(): Stage {
    let u = this.context.rng.next();
    for (let s = 0; s < DROP_OFF.length - 1; s++) {
      if (u < DROP_OFF[s]) return s as Stage;
      u -= DROP_OFF[s];
    }
    return Stage.Checkout;
  }

  /**
   * A session that buys `lineProducts` and ends with a purchase of `orderId` at `purchaseMs`.
   * `customerId` goes on every event (a signed-in returning customer); `purchaseCustomerId`
   * only on the purchase (a customer whose account is created at checkout).
   */
  converting(
    out: DemoEvent[],
    purchaseMs: number,
    lineProducts: readonly number[],
    orderId: string,
    customerId: string | undefined,
    purchaseCustomerId: string | undefined,
  ): void {
    const n = this.compose(Stage.Purchase, lineProducts);
    // lay out backwards from the purchase
    const times = this.times;
    times[n - 1] = purchaseMs;
    for (let i = n - 2; i >= 0; i--) times[i] = times[i + 1] - this.gap();
    if (times[0] < this.context.startMs) this.squeeze(n, this.context.startMs, purchaseMs);
    this.emit(out, n, customerId, purchaseCustomerId, orderId);
  }

  /** A session that stops at `stage`, starting near `startMs`. */
  browsing(out: DemoEvent[], stage: Stage, startMs: number, customerId: string | undefined): void {
    const n = this.compose(stage, []);
    const times = this.times;
    const last = this.context.endMs - 1;
    times[0] = Math.max(this.context.startMs, Math.min(startMs, last));
    for (let i = 1; i < n; i++) times[i] = times[i - 1] + this.gap();
    if (times[n - 1] > last) {
      // shift back so the session ends before `end`, squeezing it if it is longer than the range
      const shift = times[n - 1] - last;
      if (times[0] - shift >= this.context.startMs) for (let i = 0; i < n; i++) times[i] -= shift;
      else this.squeeze(n, this.context.startMs, last);
    }
    this.emit(out, n, customerId, undefined, undefined);
  }

  private gap(): number {
    const g = this.context.rng.exponential(MEAN_GAP_MS);
    return g < 1000 ? 1000 : g > 600_000 ? 600_000 : g;
  }

  /** Rescales times[0..n) into [from, to], keeping their order. */
  private squeeze(n: number, from: number, to: number): void {
    const times = this.times;
    const first = times[0];
    const span = times[n - 1] - first;
    for (let i = 0; i < n; i++) times[i] = span > 0 ? from + ((times[i] - first) / span) * (to - from) : to;
  }

  /** Fills types/products with the session's events in order; returns their number. */
  private compose(stage: Stage, lineProducts: readonly number[]): number {
    const rng = this.context.rng;
    const popularity = this.context.catalog.popularity;
    const extra = rng.geometric(stage === Stage.Bounce ? this.extraMean * BOUNCE_EXTRA : this.extraMean);
    const viewed = this.viewed;
    const carted = this.carted;
    viewed.length = 0;
    carted.length = 0;
    let pages = 0;
    if (stage === Stage.Bounce) {
      pages = extra;
    } else {
      for (const p of lineProducts) {
        viewed.push(p);
        carted.push(true);
      }
      if (viewed.length === 0) {
        viewed.push(popularity.sample(rng));
        carted.push(stage >= Stage.Cart);
        if (stage >= Stage.Cart && rng.chance(0.2)) {
          viewed.push(popularity.sample(rng));
          carted.push(true);
        }
      }
      for (let i = 0; i < extra; i++) {
        if (rng.chance(0.45)) {
          viewed.push(popularity.sample(rng));
          carted.push(false);
        } else {
          pages++;
        }
      }
      // browse in a random order: the bought products are not always the first ones seen
      for (let i = viewed.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        const v = viewed[i];
        viewed[i] = viewed[j];
        viewed[j] = v;
        const c = carted[i];
        carted[i] = carted[j];
        carted[j] = c;
      }
    }
    const types = this.types;
    const products = this.products;
    const tail = stage >= Stage.Checkout ? (stage === Stage.Purchase ? 2 : 1) : 0;
    const room = MAX_EVENTS - 2 - tail;
    let n = 0;
    types[n] = T_START;
    products[n++] = -1;
    types[n] = T_PAGE; // landing page
    products[n++] = -1;
    let v = 0;
    while ((pages > 0 || v < viewed.length) && n < room - 1) {
      if (v < viewed.length && (pages === 0 || rng.next() * (pages + viewed.length - v) >= pages)) {
        types[n] = T_PRODUCT;
        products[n++] = viewed[v];
        if (carted[v]) {
          types[n] = T_CART;
          products[n++] = viewed[v];
        }
        v++;
      } else {
        types[n] = T_PAGE;
        products[n++] = -1;
        pages--;
      }
    }
    if (stage >= Stage.Checkout) {
      types[n] = T_CHECKOUT;
      products[n++] = -1;
    }
    if (stage === Stage.Purchase) {
      types[n] = T_PURCHASE;
      products[n++] = -1;
    }
    return n;
  }

  private emit(
    out: DemoEvent[],
    n: number,
    customerId: string | undefined,
    purchaseCustomerId: string | undefined,
    orderId: string | undefined,
  ): void {
    const { zone, formatter, catalog } = this.context;
    const number = String(++this.sessionSeq).padStart(8, "0");
    const sessionId = `ses-${number}`;
    const idPrefix = `evt-${number}-`; // event ids: the session's number and the event's position
    this.eventSeq += n;
    for (let i = 0; i < n; i++) {
      const ms = Math.floor(this.times[i]);
      const type = this.types[i];
      const id = idPrefix + (i < 100 ? POSITION2[i] : String(i));
      const at = formatter.format(ms, zone.offsetMinutes(ms));
      const customer = type === T_PURCHASE && purchaseCustomerId !== undefined ? purchaseCustomerId : customerId;
      const product = this.products[i];
      out.push(
        makeEvent(
          id,
          TYPES[type],
          sessionId,
          at,
          customer,
          product >= 0 ? catalog.products[product].id : undefined,
          type === T_PURCHASE ? orderId : undefined,
        ),
      );
    }
  }
}

const POSITION2: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));

/**
 * One object literal per combination of optional fields: every event is built with all of its
 * properties at once (no property added later, no `undefined` values), which keeps tens of
 * millions of them cheap to create.
 */
function makeEvent(
  id: string,
  type: DemoEventType,
  sessionId: string,
  occurredAt: string,
  customerId: string | undefined,
  productId: string | undefined,
  orderId: string | undefined,
): DemoEvent {
  if (customerId === undefined) {
    if (productId !== undefined) return { id, type, sessionId, occurredAt, productId };
    if (orderId !== undefined) return { id, type, sessionId, occurredAt, orderId };
    return { id, type, sessionId, occurredAt };
  }
  if (productId !== undefined) return { id, type, sessionId, occurredAt, customerId, productId };
  if (orderId !== undefined) return { id, type, sessionId, occurredAt, customerId, orderId };
  return { id, type, sessionId, occurredAt, customerId };
}
