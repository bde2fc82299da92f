/**
 * The demo store's registered customers and how they come back.
 *
 * A customer is "acquired" by their first order; new customers arrive in step with order volume,
 * so later cohorts are bigger in a growing store. Each customer gets a loyalty profile at
 * acquisition:
 *
 *   one-time    45 %   never orders again
 *   occasional  35 %   comes back now and then, for about 5 months
 *   regular     15 %   2.5× as often, for about 10 months
 *   loyal        5 %   6× as often, for about 2 years
 *
 * A returning order goes to an acquired customer drawn with a bias towards recent ones, accepted
 * in proportion to their loyalty and only while they have not churned. Memory is a few typed
 * arrays of `customers` entries, whatever the number of orders.
 */
import { pad } from "./catalog";
import { DAY_MS } from "./time";
import { Rng } from "./random";

const PROFILES = [
  { share: 0.45, weight: 0, lifetimeDays: 0 },
  { share: 0.35, weight: 1, lifetimeDays: 150 },
  { share: 0.15, weight: 2.5, lifetimeDays: 300 },
  { share: 0.05, weight: 6, lifetimeDays: 730 },
] as const;
const MAX_WEIGHT = 6;
const MAX_TRIES = 48;

export class CustomerPool {
  readonly capacity: number;
  private acquiredCount = 0;
  private readonly weight: Float32Array;
  private readonly churnAt: Float64Array;
  private readonly width: number;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.weight = new Float32Array(capacity);
    this.churnAt = new Float64Array(capacity);
    this.width = Math.max(5, String(capacity).length);
  }

  get acquired(): number {
    return this.acquiredCount;
  }

  get remaining(): number {
    return this.capacity - this.acquiredCount;
  }

  id(index: number): string {
    return `cus-${pad(index + 1, this.width)}`;
  }

  /** A new customer, placing their first order at `ms`. Returns its index. */
  acquire(rng: Rng, ms: number): number {
    const index = this.acquiredCount++;
    let u = rng.next();
    let profile: (typeof PROFILES)[number] = PROFILES[PROFILES.length - 1];
    for (const p of PROFILES) {
      if (u < p.share) {
        profile = p;
        break;
      }
      u -= p.share;
    }
    this.weight[index] = profile.weight;
    this.churnAt[index] = profile.weight === 0 ? ms : ms + rng.exponential(profile.lifetimeDays) * DAY_MS;
    return index;
  }

  /**
   * A returning customer for an order at `ms`, or -1 when none could be found (few customers
   * so far, or all of them one-time buyers or churned).
   */
  pickReturning(rng: Rng, ms: number): number {
    const n = this.acquiredCount;
    if (n === 0) return -1;
    for (let i = 0; i < MAX_TRIES; i++) {
      // density rising linearly towards the most recently acquired customers
      const candidate = Math.min(n - 1, Math.floor(n * Math.sqrt(rng.next())));
      const w = this.weight[candidate];
      if (w > 0 && ms < this.churnAt[candidate] && rng.next() * MAX_WEIGHT < w) return candidate;
    }
    return -1;
  }

  /** Any acquired customer (for browsing sessions of known customers), or -1. */
  pickAny(rng: Rng): number {
    const n = this.acquiredCount;
    if (n === 0) return -1;
    return Math.min(n - 1, Math.floor(n * Math.sqrt(rng.next())));
  }
}
