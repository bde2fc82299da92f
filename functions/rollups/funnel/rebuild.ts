import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { SLOT_SQL } from "../slot";

/** Recomputes a store's `funnel_slots` from its sessions. The caller holds the store exclusively. */
export async function rebuildFunnel(trx: Transaction<Database>, storeId: number): Promise<Record<string, number>> {
  await trx.deleteFrom("funnel_slots").where("store_id", "=", storeId).execute();
  const funnel = await sql`
    insert into funnel_slots (store_id, slot_start, sessions, product_viewed, added_to_cart, reached_checkout,
                              converted)
    select ${storeId}, ${sql.raw(SLOT_SQL("started_at"))} as slot, count(*), sum(product_viewed), sum(added_to_cart),
           sum(reached_checkout), sum(converted)
    from sessions where store_id = ${storeId}
    group by slot`.execute(trx);
  return { funnelSlots: Number(funnel.numAffectedRows ?? 0n) };
}
