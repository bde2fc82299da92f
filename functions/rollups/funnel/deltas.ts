import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { slotOf } from "../slot";
import type { RollupChanges, SessionFunnel, Sign } from "../family";

interface FunnelDelta {
  sessions: number;
  product_viewed: number;
  added_to_cart: number;
  reached_checkout: number;
  converted: number;
}

/** Collects the changes one events ingest makes to `funnel_slots` (a session moved or reached a step). */
export class FunnelSlotDeltas implements RollupChanges {
  private readonly slots = new Map<number, FunnelDelta>();

  constructor(private readonly storeId: number) {}

  session(session: SessionFunnel, sign: Sign): void {
    const key = slotOf(session.started_at).getTime();
    let d = this.slots.get(key);
    if (!d)
      this.slots.set(
        key,
        (d = { sessions: 0, product_viewed: 0, added_to_cart: 0, reached_checkout: 0, converted: 0 }),
      );
    d.sessions += sign;
    d.product_viewed += sign * Number(session.product_viewed);
    d.added_to_cart += sign * Number(session.added_to_cart);
    d.reached_checkout += sign * Number(session.reached_checkout);
    d.converted += sign * Number(session.converted);
  }

  async apply(trx: Transaction<Database>): Promise<void> {
    const storeId = this.storeId;
    const rows = [...this.slots.entries()]
      .filter(([, d]) => Object.values(d).some((v) => v !== 0))
      .sort(([a], [b]) => a - b)
      .map(([slot, d]) => ({ store_id: storeId, slot_start: new Date(slot), ...d }));
    await addToRollup(trx, "funnel_slots", rows, [
      "sessions",
      "product_viewed",
      "added_to_cart",
      "reached_checkout",
      "converted",
    ]);
  }
}
