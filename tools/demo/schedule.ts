/**
 * When things happen: the stream of order times, in increasing order, and a priority queue of
 * things due later (refunds, cancellation re-sends).
 */
import { demandBetween } from "./demand";
import { Rng } from "./random";
import { HOUR_MS, MINUTE_MS, ZoneOffsets } from "./time";

/** The last stretch of the range, kept busy so a realtime view has something to show. */
export const LIVE_TAIL_MS = 30 * MINUTE_MS;
/** The newest order falls in the last few minutes, so there is a session active "now". */
export const LIVE_EDGE_MS = 4 * MINUTE_MS;

/**
 * Order times over [startMs, endMs), ascending, exactly `orders` of them.
 *
 * Each UTC hour gets a binomial share of the orders still to place, in proportion to its demand
 * (sequential binomials make a multinomial: the total is exact, the hours vary like real
 * traffic). Inside an hour the times are sorted uniforms drawn one at a time, so memory does not
 * grow with the number of orders. The last 30 minutes get their expected share but at least
 * a few orders (min(3, 1 % of orders)), the newest within the last 4 minutes.
 */
export class OrderClock {
  private hour: number;
  private readonly lastHour: number;
  private readonly tailStart: number;
  private remaining: number;
  private remainingWeight: number;
  private tailCount: number;
  private inTail = false;
  private done = false;
  private left = 0;
  private position = 0;
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly zone: ZoneOffsets,
    private readonly demand: Float64Array,
    private readonly startMs: number,
    private readonly endMs: number,
    orders: number,
    private readonly rng: Rng,
  ) {
    this.tailStart = Math.max(startMs, endMs - LIVE_TAIL_MS);
    const bodyWeight = demandBetween(zone, demand, startMs, this.tailStart);
    const tailWeight = demandBetween(zone, demand, this.tailStart, endMs);
    if (bodyWeight <= 0) {
      this.tailCount = orders;
    } else {
      const expected = Math.round((orders * tailWeight) / (bodyWeight + tailWeight));
      this.tailCount = Math.min(orders, Math.max(expected, Math.min(3, Math.ceil(orders / 100))));
    }
    this.remaining = orders - this.tailCount;
    this.remainingWeight = bodyWeight;
    this.hour = Math.floor((startMs - zone.gridStart) / HOUR_MS) - 1;
    this.lastHour = Math.ceil((this.tailStart - zone.gridStart) / HOUR_MS) - 1;
  }

  /** True once the times returned are in the live tail (the last 30 minutes). */
  get live(): boolean {
    return this.inTail;
  }

  get liveStartMs(): number {
    return this.tailStart;
  }

  /** The next order time (integer ms), or NaN when all have been returned. */
  next(): number {
    while (this.left === 0) {
      if (this.done) return Number.NaN;
      if (!this.inTail && this.remaining > 0 && this.hour < this.lastHour) {
        this.hour++;
        const hourStart = this.zone.gridStart + this.hour * HOUR_MS;
        this.lo = Math.max(hourStart, this.startMs);
        this.hi = Math.min(hourStart + HOUR_MS, this.tailStart);
        const weight = this.hi > this.lo ? (this.demand[this.hour] * (this.hi - this.lo)) / HOUR_MS : 0;
        const count =
          this.hour === this.lastHour || weight >= this.remainingWeight
            ? this.remaining
            : this.rng.binomial(this.remaining, weight / this.remainingWeight);
        this.remaining -= count;
        this.remainingWeight -= weight;
        this.left = count;
        this.position = 0;
      } else if (!this.inTail) {
        this.inTail = true;
        this.lo = this.tailStart;
        this.hi = this.endMs;
        this.left = this.tailCount + this.remaining; // `remaining` is 0 unless the body was empty
        this.remaining = 0;
        this.position = 0;
      } else {
        this.done = true;
      }
    }
    // next of `left` sorted uniforms on [0, 1): the minimum of the rest
    this.position = 1 - (1 - this.position) * Math.pow(1 - this.rng.next(), 1 / this.left);
    this.left--;
    if (this.inTail && this.left === 0 && this.hi - this.lo > LIVE_EDGE_MS) {
      const edge = 1 - (LIVE_EDGE_MS / (this.hi - this.lo)) * this.rng.next();
      if (edge > this.position) this.position = edge;
    }
    const ms = Math.floor(this.lo + this.position * (this.hi - this.lo));
    return ms >= this.hi ? this.hi - 1 : ms < this.lo ? this.lo : ms;
  }
}

/** A binary min-heap on `due`, first-in first-out among equal times. */
export class DueQueue<T> {
  private readonly items: { due: number; order: number; value: T }[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  peekDue(): number {
    return this.items.length > 0 ? this.items[0].due : Number.POSITIVE_INFINITY;
  }

  push(due: number, value: T): void {
    const items = this.items;
    const entry = { due, order: this.counter++, value };
    let i = items.length;
    items.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(entry, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = entry;
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && this.less(items[right], items[left]) ? right : left;
        if (!this.less(items[child], last)) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top.value;
  }

  private less(a: { due: number; order: number }, b: { due: number; order: number }): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }
}
