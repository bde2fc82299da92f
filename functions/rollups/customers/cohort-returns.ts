import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import type { BookedReturn } from "../family";
import type { RollupWriter } from "../index";

/**
 * Returns on a customer's paid order also count in their cohort's cell for the refund's period.
 * The customer's row is read with a lock, so an orders ingest that moves their cohort (and
 * reads these refunds to move them along) runs wholly before or after this one.
 */
export async function bookCohortReturns(
  trx: Transaction<Database>,
  rollups: RollupWriter,
  replaced: readonly (BookedReturn & { order_id: string })[],
  written: readonly (BookedReturn & { order_id: string })[],
  orderById: ReadonlyMap<string, { customer_id: string | null; status: string }>,
): Promise<void> {
  const customerOf = (orderId: string) => {
    const order = orderById.get(orderId);
    return order?.status === "paid" ? order.customer_id : null;
  };
  const customers = [...new Set([...replaced, ...written].flatMap((r) => customerOf(r.order_id) ?? []))].sort();
  if (customers.length === 0) return;
  const firsts = await trx
    .selectFrom("customers")
    .select(["id", "first_paid_at"])
    .where("store_id", "=", rollups.store.id)
    .where("id", "in", customers)
    .modifyEnd(sql`lock in share mode`)
    .execute();
  const cohortDay = new Map(
    firsts.flatMap((c) => (c.first_paid_at ? [[c.id, rollups.cohortDayOf(c.first_paid_at)] as const] : [])),
  );
  const book = (refund: BookedReturn & { order_id: string }, sign: 1 | -1) => {
    const day = cohortDay.get(customerOf(refund.order_id) ?? "");
    if (day !== undefined) rollups.cohortReturn(day, refund, sign);
  };
  for (const refund of replaced) book(refund, -1);
  for (const refund of written) book(refund, 1);
}
