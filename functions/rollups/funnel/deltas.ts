import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { spanStart, SPANS } from "../spans";
import type { RollupChanges, SessionFunnel, Sign } from "../family";

interface FunnelDelta {
  sessions: number;
  product_viewed: number;
  added_to_cart: number;
  reached_checkout: number;
  converted: number;
}

/**
 * Collects the changes one events ingest makes to `funnel_slots` (a session moved or reached a
 * step), in each span's slot of the session's start.
 */
export class FunnelSlotDeltas implements RollupChanges {
  /** by span, then slot start (ms) */
  private readonly slots = new Map<string, { span: number; start: number; delta: FunnelDelta }>();

  constructor(private readonly storeId: number) {}

  session(session: SessionFunnel, sign: Sign): void {
    for (const span of SPANS) {
      const start = spanStart(session.started_at.getTime(), span);
      const key = `${span}|${start}`;
      let slot = this.slots.get(key);
      if (!slot)
        this.slots.set(
          key,
          (slot = {
            span,
            start,
            delta: { sessions: 0, product_viewed: 0, added_to_cart: 0, reached_checkout: 0, converted: 0 },
          }),
        );
      const d = slot.delta;
      d.sessions += sign;
      d.product_viewed += sign * Number(session.product_viewed);
      d.added_to_cart += sign * Number(session.added_to_cart);
      d.reached_checkout += sign * Number(session.reached_checkout);
      d.converted += sign * Number(session.converted);
    }
  }

  async apply(trx: Transaction<Database>): Promise<void> {
    const storeId = this.storeId;
    const rows = [...this.slots.values()]
      .filter(({ delta }) => Object.values(delta).some((v) => v !== 0))
      .sort((a, b) => a.span - b.span || a.start - b.start)
      .map(({ span, start, delta }) => ({
        store_id: storeId,
        span_minutes: span,
        slot_start: new Date(start),
        ...delta,
      }));
    await addToRollup(trx, "funnel_slots", rows, [
      "sessions",
      "product_viewed",
      "added_to_cart",
      "reached_checkout",
      "converted",
    ]);
  }
}
