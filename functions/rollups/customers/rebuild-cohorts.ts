import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { CohortCellDeltas } from "./cohort-deltas";
import type { BookedReturn, TimelineOrder } from "../family";
import { LocalCalendar } from "../../time";
import { parseAmount } from "../../money/decimal";
import { rebuildGapMonths } from "./rebuild-gaps";

/**
 * Recomputes a store's `cohort_cells` and `cohort_days` from its raw paid orders and their refunds, streaming the
 * orders customer by customer (a store's history need not fit in memory at once). The caller
 * holds the store exclusively. Returns the cells and days written.
 */
export async function rebuildCohortCells(trx: Transaction<Database>, storeId: number): Promise<number> {
  const store = await trx.selectFrom("stores").select("timezone").where("id", "=", storeId).executeTakeFirstOrThrow();
  await trx.deleteFrom("cohort_cells").where("store_id", "=", storeId).execute();
  await trx.deleteFrom("cohort_days").where("store_id", "=", storeId).execute();
  const returnsByOrder = new Map<string, BookedReturn[]>();
  const refunds = await trx
    .selectFrom("refunds")
    .select(["order_id", "created_at", "amount"])
    .where("store_id", "=", storeId)
    .execute();
  for (const r of refunds) {
    const booked = { created_at: r.created_at, amount: parseAmount(r.amount) };
    returnsByOrder.set(r.order_id, [...(returnsByOrder.get(r.order_id) ?? []), booked]);
  }

  const cells = new CohortCellDeltas(storeId, LocalCalendar.of(store.timezone));
  let customer: string | null = null;
  let timeline: TimelineOrder[] = [];
  let returns: BookedReturn[] = [];
  const flush = () => cells.cohortCustomer(timeline, returns, 1);
  const orders = trx
    .selectFrom("orders")
    .select(["id", "customer_id", "created_at", "gross_sales", "discounts"])
    .where("store_id", "=", storeId)
    .where("status", "=", "paid")
    .where("customer_id", "is not", null)
    .orderBy(sql`customer_id, created_at, id`)
    .stream(2000);
  for await (const order of orders) {
    if (order.customer_id !== customer) {
      flush();
      customer = order.customer_id;
      timeline = [];
      returns = [];
    }
    timeline.push({
      created_at: order.created_at,
      sales: parseAmount(order.gross_sales) - parseAmount(order.discounts),
    });
    returns.push(...(returnsByOrder.get(order.id) ?? []));
  }
  flush();
  return cells.apply(trx);
}

/**
 * The customers family's rebuild: `cohort_cells`, `cohort_days` and `gap_months` (the timeline
 * columns they follow are the sales family's, rebuilt before).
 */
export async function rebuildCustomers(trx: Transaction<Database>, storeId: number): Promise<Record<string, number>> {
  return { cohortCells: await rebuildCohortCells(trx, storeId), gapMonths: await rebuildGapMonths(trx, storeId) };
}
