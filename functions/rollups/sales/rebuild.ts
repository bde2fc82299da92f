import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { rebuildSalesLocalDays } from "./rebuild-local-days";
import { rebuildSalesSlots } from "./rebuild-slots";

/**
 * Recomputes a store's `sales_slots` and `sales_local_days`; the slots' rebuild also recomputes
 * the customer timeline columns behind the markers (orders.prev_paid_at,
 * customers.first/second_paid_at). The caller holds the store exclusively.
 */
export async function rebuildSales(trx: Transaction<Database>, storeId: number): Promise<Record<string, number>> {
  await trx.deleteFrom("sales_slots").where("store_id", "=", storeId).execute();
  const salesSlots = await rebuildSalesSlots(trx, storeId);
  const salesLocalDays = await rebuildSalesLocalDays(trx, storeId);
  return { salesSlots, salesLocalDays };
}
