import { sql, type Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { SLOT_SQL } from "../slot";

/** Recomputes a store's `funnel_slots` (every span) from its sessions. The caller holds the store exclusively. */
export async function rebuildFunnel(trx: Transaction<Database>, storeId: number): Promise<Record<string, number>> {
  await trx.deleteFrom("funnel_slots").where("store_id", "=", storeId).execute();
  const funnel = await sql`
    insert into funnel_slots (store_id, span_minutes, slot_start, sessions, product_viewed, added_to_cart,
                              reached_checkout, converted)
    select ${storeId}, 15, ${sql.raw(SLOT_SQL("started_at"))} as slot, count(*), sum(product_viewed),
           sum(added_to_cart), sum(reached_checkout), sum(converted)
    from sessions where store_id = ${storeId}
    group by slot`.execute(trx);
  let written = Number(funnel.numAffectedRows ?? 0n);
  // hours and days summed from the quarter hours just written, as migration 015 does
  for (const [span, start] of [
    [60, sql`date_format(slot_start, '%Y-%m-%d %H:00:00')`],
    [1440, sql`date(slot_start)`],
  ] as const) {
    const coarser = await sql`
      insert into funnel_slots (store_id, span_minutes, slot_start, sessions, product_viewed, added_to_cart,
                                reached_checkout, converted)
      select store_id, ${span}, ${start} as span_start, sum(sessions), sum(product_viewed), sum(added_to_cart),
             sum(reached_checkout), sum(converted)
      from funnel_slots where store_id = ${storeId} and span_minutes = 15
      group by store_id, span_start`.execute(trx);
    written += Number(coarser.numAffectedRows ?? 0n);
  }
  return { funnelSlots: written };
}
