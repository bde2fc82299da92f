import { sql, type Transaction } from "kysely";
import type { Database, NewOrder } from "../db/schema";
import { chunk } from "../db/transaction";
import { timelineChanges, type PaidOrder } from "../rollups/customer-timeline";
import type { SalesSlotDeltas } from "../rollups/sales-slots";

/**
 * Keeps the customer timelines (functions/rollups/customer-timeline.ts) in step with an orders
 * ingest, before its deletes and inserts: locks the customers it touches (their rows exist by
 * now: the ingest upserted them), reads their paid orders with a locking read (so a concurrent
 * ingest of the same customer, which waits on that lock, is seen once it has committed), puts
 * the marker deltas into `rollup`, updates the orders and customers whose neighbours moved, and
 * returns the prev_paid_at of each order being written.
 */
export async function maintainCustomerTimelines(
  trx: Transaction<Database>,
  storeId: number,
  replaced: readonly { id: string; customer_id: string | null; status: string }[],
  writing: readonly NewOrder[],
  rollup: SalesSlotDeltas,
): Promise<Map<string, Date | null>> {
  const written: PaidOrder[] = writing.flatMap((o) => (o.status === "paid" && o.customer_id ? [{ id: o.id, customer_id: o.customer_id, created_at: o.created_at }] : []));
  const writtenCustomers = new Set(written.map((o) => o.customer_id));
  const formerCustomers = replaced.flatMap((o) => (o.status === "paid" && o.customer_id && !writtenCustomers.has(o.customer_id) ? [o.customer_id] : []));
  const customers = [...new Set([...writtenCustomers, ...formerCustomers])].sort();
  if (customers.length === 0) return new Map();

  if (formerCustomers.length > 0) {
    await trx.selectFrom("customers").select("id").where("store_id", "=", storeId).where("id", "in", [...new Set(formerCustomers)].sort()).forUpdate().execute();
  }
  const stored = await trx
    .selectFrom("orders")
    .select(["id", "customer_id", "created_at", "prev_paid_at"])
    .where("store_id", "=", storeId)
    .where("customer_id", "in", customers)
    .where("status", "=", "paid")
    .modifyEnd(sql`lock in share mode`)
    .execute();
  const changes = timelineChanges(
    stored.map((o) => ({ ...o, customer_id: o.customer_id! })),
    new Set(replaced.map((o) => o.id)),
    written,
  );

  for (const { marker, at, sign } of changes.markers) rollup.customer(marker, at, sign);
  for (const rows of chunk(changes.customers.sort((a, b) => (a.id < b.id ? -1 : 1)))) {
    await trx
      .insertInto("customers")
      .values(rows.map((c) => ({ store_id: storeId, id: c.id, first_seen_at: c.first_paid_at ?? new Date(0), first_paid_at: c.first_paid_at, second_paid_at: c.second_paid_at })))
      .onDuplicateKeyUpdate({ first_paid_at: sql`values(first_paid_at)`, second_paid_at: sql`values(second_paid_at)` })
      .execute();
  }
  for (const { id, prev_paid_at } of changes.prevUpdates) {
    await trx.updateTable("orders").set({ prev_paid_at }).where("store_id", "=", storeId).where("id", "=", id).execute();
  }
  return changes.prevOfWritten;
}
