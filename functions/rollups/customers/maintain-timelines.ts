import { sql, type Transaction } from "kysely";
import { insertRows } from "../../db/insert-rows";
import type { Database } from "../../db/schema";
import { parseAmount, type Amount } from "../../money/decimal";
import type { BookedReturn } from "../family";
import type { RollupWriter } from "../index";
import { timelineChanges, type PaidOrder, type TimelineChanges } from "./timeline";

/** An order as the timelines need it: replaced (as stored) or being written. */
export interface TimelineOrderRow {
  id: string;
  customer_id: string | null;
  status: string;
}

/**
 * Keeps the customer timelines (timeline.ts) and the cohort cells in step with an orders ingest,
 * before its deletes and inserts: locks the customers it touches (their rows exist by now: the
 * ingest upserted them), reads their paid orders with a locking read (so a concurrent ingest of the
 * same customer, which waits on that lock, is seen once it has committed), reports the marker and
 * cohort changes to `rollups`, updates the orders and customers whose neighbours moved, and returns
 * the prev_paid_at of each order being written.
 */
export async function maintainCustomerTimelines(
  trx: Transaction<Database>,
  rollups: RollupWriter,
  replaced: readonly TimelineOrderRow[],
  writing: readonly (TimelineOrderRow & { created_at: Date; sales: Amount })[],
): Promise<Map<string, Date | null>> {
  const storeId = rollups.store.id;
  const written: PaidOrder[] = writing.flatMap((o) =>
    o.status === "paid" && o.customer_id
      ? [{ id: o.id, customer_id: o.customer_id, created_at: o.created_at, sales: o.sales }]
      : [],
  );
  const writtenCustomers = new Set(written.map((o) => o.customer_id));
  const formerCustomers = replaced.flatMap((o) =>
    o.status === "paid" && o.customer_id && !writtenCustomers.has(o.customer_id) ? [o.customer_id] : [],
  );
  const customers = [...new Set([...writtenCustomers, ...formerCustomers])].sort();
  if (customers.length === 0) return new Map();

  if (formerCustomers.length > 0) {
    await trx
      .selectFrom("customers")
      .select("id")
      .where("store_id", "=", storeId)
      .where("id", "in", [...new Set(formerCustomers)].sort())
      .forUpdate()
      .execute();
  }
  const stored = await trx
    .selectFrom("orders")
    .select(["id", "customer_id", "created_at", "prev_paid_at", "gross_sales", "discounts"])
    .where("store_id", "=", storeId)
    .where("customer_id", "in", customers)
    .where("status", "=", "paid")
    .modifyEnd(sql`lock in share mode`)
    .execute();
  const replacedIds = new Set(replaced.map((o) => o.id));
  const changes = timelineChanges(
    stored.map(({ id, customer_id, created_at, prev_paid_at, gross_sales, discounts }) => ({
      id,
      customer_id: customer_id!,
      created_at,
      prev_paid_at,
      sales: parseAmount(gross_sales) - parseAmount(discounts),
    })),
    replacedIds,
    written,
  );

  for (const { marker, at, sign } of changes.markers) rollups.customerMarker(marker, at, sign);
  for (const { prev, at, first, sign } of changes.gaps) rollups.customerGap(prev, at, first, sign);
  await moveCohortCells(trx, rollups, changes, replacedIds);
  await insertRows(
    trx,
    "customers",
    changes.customers
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((c) => ({
        store_id: storeId,
        id: c.id,
        first_seen_at: c.first_paid_at ?? new Date(0),
        first_paid_at: c.first_paid_at,
        second_paid_at: c.second_paid_at,
      })),
    { first_paid_at: "replace", second_paid_at: "replace" },
  );
  for (const { id, prev_paid_at } of changes.prevUpdates) {
    await trx
      .updateTable("orders")
      .set({ prev_paid_at })
      .where("store_id", "=", storeId)
      .where("id", "=", id)
      .execute();
  }
  return changes.prevOfWritten;
}

/**
 * A customer's cells before and after: from their orders alone while their cohort stays and
 * none of their orders is re-sent (the usual new order); otherwise with the returns booked on
 * their orders too, which then move with the cohort or the order.
 */
async function moveCohortCells(
  trx: Transaction<Database>,
  rollups: RollupWriter,
  changes: TimelineChanges,
  replacedIds: ReadonlySet<string>,
): Promise<void> {
  const cohortDay = (timeline: readonly PaidOrder[]) =>
    timeline.length > 0 ? rollups.cohortDayOf(timeline[0].created_at) : null;
  const moved: string[] = [];
  for (const [customer, { before, after }] of changes.timelines) {
    const day = cohortDay(before);
    if (day !== null && day === cohortDay(after) && ![...before, ...after].some((o) => replacedIds.has(o.id))) {
      rollups.cohortOrders(day, before, -1);
      rollups.cohortOrders(day, after, 1);
    } else {
      moved.push(customer);
    }
  }
  if (moved.length === 0) return;
  const orderIds = new Set(moved.flatMap((customer) => changes.timelines.get(customer)!.before.map((o) => o.id)));
  for (const id of replacedIds) orderIds.add(id);
  const returns = new Map<string, BookedReturn[]>();
  if (orderIds.size > 0) {
    const rows = await trx
      .selectFrom("refunds")
      .select(["order_id", "created_at", "amount"])
      .where("store_id", "=", rollups.store.id)
      .where("order_id", "in", [...orderIds].sort())
      .modifyEnd(sql`lock in share mode`)
      .execute();
    for (const row of rows) {
      const booked = { created_at: row.created_at, amount: parseAmount(row.amount) };
      returns.set(row.order_id, [...(returns.get(row.order_id) ?? []), booked]);
    }
  }
  const returnsOn = (timeline: readonly PaidOrder[]) => timeline.flatMap((o) => returns.get(o.id) ?? []);
  for (const customer of moved) {
    const { before, after } = changes.timelines.get(customer)!;
    rollups.cohortCustomer(before, returnsOn(before), -1);
    rollups.cohortCustomer(after, returnsOn(after), 1);
  }
}
