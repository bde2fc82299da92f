import type { Transaction } from "kysely";
import type { Database } from "../db/schema";
import { addToRollup } from "./add-to-rollup";
import { parseAmount, toDecimalString, type Amount } from "../money/decimal";
import { slotOf } from "./slot";

interface SlotDelta {
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  shipping: Amount;
  taxes: Amount;
  returns: Amount;
}

/** What a counted order contributes to its slot (negated to take it back out). */
export interface OrderContribution {
  created_at: Date;
  units: number;
  gross_sales: string;
  discounts: string;
  shipping: string;
  taxes: string;
}

/**
 * Collects the changes one ingest makes to `sales_slots`, then writes them in one upsert. The
 * caller holds the locks on the raw rows it changes, so the deltas it computes from them are
 * exact; adding deltas (never overwriting) keeps concurrent writers to one slot correct.
 */
export class SalesSlotDeltas {
  private readonly slots = new Map<number, SlotDelta>();

  private at(instant: Date): SlotDelta {
    const key = slotOf(instant).getTime();
    let delta = this.slots.get(key);
    if (!delta) this.slots.set(key, (delta = { orders: 0, units: 0, gross: 0n, discounts: 0n, shipping: 0n, taxes: 0n, returns: 0n }));
    return delta;
  }

  order(order: OrderContribution, sign: 1 | -1): void {
    const d = this.at(order.created_at);
    const s = BigInt(sign);
    d.orders += sign;
    d.units += sign * order.units;
    d.gross += s * parseAmount(order.gross_sales);
    d.discounts += s * parseAmount(order.discounts);
    d.shipping += s * parseAmount(order.shipping);
    d.taxes += s * parseAmount(order.taxes);
  }

  refund(refund: { created_at: Date; amount: string }, sign: 1 | -1): void {
    this.at(refund.created_at).returns += BigInt(sign) * parseAmount(refund.amount);
  }

  async apply(trx: Transaction<Database>, storeId: number): Promise<void> {
    const rows = [...this.slots.entries()]
      .filter(([, d]) => d.orders !== 0 || d.units !== 0 || d.gross !== 0n || d.discounts !== 0n || d.shipping !== 0n || d.taxes !== 0n || d.returns !== 0n)
      .sort(([a], [b]) => a - b)
      .map(([slot, d]) => ({
        store_id: storeId,
        slot_start: new Date(slot),
        orders: d.orders,
        units: d.units,
        gross_sales: toDecimalString(d.gross),
        discounts: toDecimalString(d.discounts),
        shipping: toDecimalString(d.shipping),
        taxes: toDecimalString(d.taxes),
        returns: toDecimalString(d.returns),
      }));
    await addToRollup(trx, "sales_slots", rows, ["orders", "units", "gross_sales", "discounts", "shipping", "taxes", "returns"]);
  }
}
