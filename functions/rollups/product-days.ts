import type { Transaction } from "kysely";
import type { Database } from "../db/schema";
import { addToRollup } from "./add-to-rollup";
import { parseAmount, toDecimalString, type Amount } from "../money/decimal";

const DAY_MS = 86_400_000;

export interface LineContribution {
  order_id: string;
  product_id: string;
  quantity: number;
  gross: string;
  discount: string;
  created_at: Date;
}

interface ProductDayDelta {
  day: number;
  productId: string;
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  returns: Amount;
}

/** Collects one ingest's changes to `product_days`, then writes them in one upsert (see SalesSlotDeltas). */
export class ProductDayDeltas {
  private readonly cells = new Map<string, ProductDayDelta>();

  private at(instant: Date, productId: string): ProductDayDelta {
    const day = Math.floor(instant.getTime() / DAY_MS) * DAY_MS;
    const key = `${day}|${productId}`;
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = { day, productId, orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
    return cell;
  }

  /** The lines of counted orders; an order counts once per product however many of its lines name it. */
  lines(lines: readonly LineContribution[], sign: 1 | -1): void {
    const seen = new Set<string>();
    for (const line of lines) {
      const cell = this.at(line.created_at, line.product_id);
      const orderProduct = `${line.order_id}|${line.product_id}`;
      if (!seen.has(orderProduct)) {
        seen.add(orderProduct);
        cell.orders += sign;
      }
      cell.units += sign * line.quantity;
      cell.gross += BigInt(sign) * parseAmount(line.gross);
      cell.discounts += BigInt(sign) * parseAmount(line.discount);
    }
  }

  refundLine(line: { product_id: string; created_at: Date; amount: string }, sign: 1 | -1): void {
    this.at(line.created_at, line.product_id).returns += BigInt(sign) * parseAmount(line.amount);
  }

  async apply(trx: Transaction<Database>, storeId: number): Promise<void> {
    const rows = [...this.cells.values()]
      .filter((c) => c.orders !== 0 || c.units !== 0 || c.gross !== 0n || c.discounts !== 0n || c.returns !== 0n)
      .sort((a, b) => a.day - b.day || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
      .map((c) => ({
        store_id: storeId,
        day: new Date(c.day),
        product_id: c.productId,
        orders: c.orders,
        units: c.units,
        gross_sales: toDecimalString(c.gross),
        discounts: toDecimalString(c.discounts),
        returns: toDecimalString(c.returns),
      }));
    await addToRollup(trx, "product_days", rows, ["orders", "units", "gross_sales", "discounts", "returns"]);
  }
}
