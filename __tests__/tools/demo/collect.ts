/** Test helpers: run the demo generator to the end and index what it emitted. */
import { generateDemo } from "../../../tools/demo";
import type { DemoBatch, DemoEvent, DemoOptions, DemoOrder, DemoRefund } from "../../../tools/demo";

export interface Emitted<T> {
  item: T;
  /** position of the batch that carried it */
  batch: number;
}

export interface DemoRun {
  options: DemoOptions;
  batches: DemoBatch[];
  /** every order as sent, re-sends included, in emission order */
  orderEmissions: Emitted<DemoOrder>[];
  /** the last version of each order, by id */
  orders: Map<string, DemoOrder>;
  /** batch of each order id's first emission */
  firstOrderBatch: Map<string, number>;
  refunds: Emitted<DemoRefund>[];
  events: Emitted<DemoEvent>[];
  /** the events of each session, in emission order */
  sessions: Map<string, DemoEvent[]>;
}

export function collect(options: DemoOptions): DemoRun {
  const run: DemoRun = {
    options,
    batches: [],
    orderEmissions: [],
    orders: new Map(),
    firstOrderBatch: new Map(),
    refunds: [],
    events: [],
    sessions: new Map(),
  };
  for (const batch of generateDemo(options)) {
    const index = run.batches.length;
    run.batches.push(batch);
    if (batch.kind === "orders") {
      for (const order of batch.items) {
        run.orderEmissions.push({ item: order, batch: index });
        run.orders.set(order.id, order);
        if (!run.firstOrderBatch.has(order.id)) run.firstOrderBatch.set(order.id, index);
      }
    } else if (batch.kind === "refunds") {
      for (const refund of batch.items) run.refunds.push({ item: refund, batch: index });
    } else {
      for (const event of batch.items) {
        run.events.push({ item: event, batch: index });
        let session = run.sessions.get(event.sessionId);
        if (session === undefined) run.sessions.set(event.sessionId, (session = []));
        session.push(event);
      }
    }
  }
  return run;
}

/** "24.99" with 2 minor units → 2499, exactly (no floats). */
export function toMinor(amount: string, minorUnits: number): number {
  const [whole, fraction = ""] = amount.split(".");
  return Number(whole) * 10 ** minorUnits + Number(fraction.padEnd(minorUnits, "0") || "0");
}

/** What the customer paid for an order: lines - line discounts - order discount + shipping + tax. */
export function orderTotal(order: DemoOrder, minorUnits: number): number {
  let total = 0;
  for (const line of order.lines) {
    total += line.quantity * toMinor(line.unitPrice, minorUnits);
    if (line.discount !== undefined) total -= toMinor(line.discount, minorUnits);
  }
  if (order.discount !== undefined) total -= toMinor(order.discount, minorUnits);
  if (order.shipping !== undefined) total += toMinor(order.shipping, minorUnits);
  if (order.tax !== undefined) total += toMinor(order.tax, minorUnits);
  return total;
}

/** RFC 3339 date-time with a numeric offset or Z. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The "YYYY-MM-DDTHH:MM" local part of an RFC 3339 string, as written. */
export function localPart(timestamp: string): { date: string; hour: number; weekday: number } {
  const date = timestamp.slice(0, 10);
  return { date, hour: Number(timestamp.slice(11, 13)), weekday: new Date(`${date}T00:00:00Z`).getUTCDay() };
}

export function countBy<T>(items: Iterable<T>, key: (item: T) => string | number): Map<string | number, number> {
  const counts = new Map<string | number, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
