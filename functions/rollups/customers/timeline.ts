/**
 * Each customer's paid orders in time order t1 < t2 < ... < tn (ties by id) are their timeline.
 * The customer figures of a range [A, B) follow from a few markers kept per slot of
 * `sales_slots` and two quadrant counts (read.ts):
 *
 * - first_orders: customers whose t1 is in the slot; second_orders: their t2; last_orders:
 *   their tn; only_orders: customers with n = 1, at t1.
 * - orders.prev_paid_at: t(i-1) on the order at t(i); customers.first_paid_at/second_paid_at.
 *
 * An ingest reads the timelines of the customers it touches (locked), applies its changes in
 * memory, and turns the difference between the two into marker deltas and row updates.
 */
import type { Amount } from "../../money/decimal";
import type { CustomerMarker } from "../family";

export interface PaidOrder {
  id: string;
  customer_id: string;
  created_at: Date;
  /** gross sales less discounts */
  sales: Amount;
}

/** A paid order as read from the database, with the previous paid order it points at. */
export interface StoredPaidOrder extends PaidOrder {
  prev_paid_at: Date | null;
}

export interface TimelineChanges {
  markers: { marker: CustomerMarker; at: Date; sign: 1 | -1 }[];
  /** customers whose first or second paid order moved */
  customers: { id: string; first_paid_at: Date | null; second_paid_at: Date | null }[];
  /** prev_paid_at of each order being written now */
  prevOfWritten: Map<string, Date | null>;
  /** stored orders (not being written) whose previous paid order changed */
  prevUpdates: { id: string; prev_paid_at: Date | null }[];
  /** each touched customer's paid orders in time order, before and after */
  timelines: Map<string, { before: PaidOrder[]; after: PaidOrder[] }>;
  /** gaps (two consecutive paid orders of a customer, `first`: their first two) that came or went */
  gaps: CustomerGap[];
}

/** Two consecutive paid orders of one customer: the earlier at `prev`, the later at `at`. */
export interface CustomerGap {
  prev: Date;
  at: Date;
  /** the customer's first and second paid orders */
  first: boolean;
  sign: 1 | -1;
}

const byTime = (a: PaidOrder, b: PaidOrder) =>
  a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function markersOf(timeline: readonly PaidOrder[]): Record<CustomerMarker, Date | null> {
  const n = timeline.length;
  return {
    first_orders: timeline[0]?.created_at ?? null,
    second_orders: timeline[1]?.created_at ?? null,
    last_orders: timeline[n - 1]?.created_at ?? null,
    only_orders: n === 1 ? timeline[0].created_at : null,
  };
}

/**
 * `stored`: every paid order of the touched customers, before the ingest. `replaced`: ids of
 * stored orders the ingest deletes (re-sent orders, whatever their new status). `written`: the
 * paid orders with a customer that the ingest inserts.
 */
export function timelineChanges(
  stored: readonly StoredPaidOrder[],
  replaced: ReadonlySet<string>,
  written: readonly PaidOrder[],
): TimelineChanges {
  const before = new Map<string, StoredPaidOrder[]>();
  const after = new Map<string, PaidOrder[]>();
  const listOf = <T>(map: Map<string, T[]>, customer: string) =>
    map.get(customer) ?? (map.set(customer, []), map.get(customer)!);
  for (const order of stored) {
    listOf(before, order.customer_id).push(order);
    if (!replaced.has(order.id)) listOf(after, order.customer_id).push(order);
  }
  for (const order of written) listOf(after, order.customer_id).push(order);

  const changes: TimelineChanges = {
    markers: [],
    customers: [],
    prevOfWritten: new Map(),
    prevUpdates: [],
    timelines: new Map(),
    gaps: [],
  };
  const writtenIds = new Set(written.map((o) => o.id));
  for (const customer of new Set([...before.keys(), ...after.keys()])) {
    const previous = (before.get(customer) ?? []).sort(byTime);
    const old = markersOf(previous);
    const timeline = (after.get(customer) ?? []).sort(byTime);
    changes.timelines.set(customer, { before: previous, after: timeline });
    changes.gaps.push(...gapChanges(previous, timeline));
    const now = markersOf(timeline);
    for (const marker of Object.keys(now) as CustomerMarker[]) {
      if (sameTime(old[marker], now[marker])) continue;
      if (old[marker]) changes.markers.push({ marker, at: old[marker], sign: -1 });
      if (now[marker]) changes.markers.push({ marker, at: now[marker], sign: 1 });
    }
    if (!sameTime(old.first_orders, now.first_orders) || !sameTime(old.second_orders, now.second_orders)) {
      changes.customers.push({ id: customer, first_paid_at: now.first_orders, second_paid_at: now.second_orders });
    }
    timeline.forEach((order, i) => {
      const prev = timeline[i - 1]?.created_at ?? null;
      if (writtenIds.has(order.id)) changes.prevOfWritten.set(order.id, prev);
      else if (!sameTime((order as StoredPaidOrder).prev_paid_at, prev))
        changes.prevUpdates.push({ id: order.id, prev_paid_at: prev });
    });
  }
  return changes;
}

/** The gaps of `before` that `after` lacks (sign -1) and those it adds (+1). */
function gapChanges(before: readonly PaidOrder[], after: readonly PaidOrder[]): CustomerGap[] {
  const counts = new Map<string, { gap: Omit<CustomerGap, "sign">; n: number }>();
  const add = (timeline: readonly PaidOrder[], sign: 1 | -1) => {
    for (let i = 1; i < timeline.length; i++) {
      const gap = { prev: timeline[i - 1].created_at, at: timeline[i].created_at, first: i === 1 };
      const key = `${gap.prev.getTime()}|${gap.at.getTime()}|${gap.first}`;
      const entry = counts.get(key) ?? (counts.set(key, { gap, n: 0 }), counts.get(key)!);
      entry.n += sign;
    }
  };
  add(before, -1);
  add(after, 1);
  const changes: CustomerGap[] = [];
  for (const { gap, n } of counts.values())
    for (let k = 0; k < Math.abs(n); k++) changes.push({ ...gap, sign: n > 0 ? 1 : -1 });
  return changes;
}
