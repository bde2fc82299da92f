import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { toDecimalString, type Amount } from "../../money/decimal";
import { DAY_MS } from "../../time";
import type { LineContribution, RefundLineContribution, RollupChanges, Sign } from "../family";

/** One product's changes over one UTC day (or month), `start` its first instant in ms. */
interface ProductDelta {
  start: number;
  productId: string;
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  returns: Amount;
}

/**
 * Collects one ingest's changes to `product_days`, then writes them in one upsert (see
 * SalesDeltas), and the same changes summed by UTC month to `product_months` and by product
 * to `product_totals` in two more.
 */
export class ProductDeltas implements RollupChanges {
  private readonly cells = new Map<string, ProductDelta>();

  constructor(private readonly storeId: number) {}

  private at(instant: Date, productId: string): ProductDelta {
    const start = Math.floor(instant.getTime() / DAY_MS) * DAY_MS;
    const key = `${start}|${productId}`;
    let cell = this.cells.get(key);
    if (!cell)
      this.cells.set(key, (cell = { start, productId, orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
    return cell;
  }

  /** The lines of counted orders; an order counts once per product however many of its lines name it. */
  orderLines(lines: readonly LineContribution[], sign: Sign): void {
    const seen = new Set<string>();
    for (const line of lines) {
      const cell = this.at(line.created_at, line.product_id);
      const orderProduct = `${line.order_id}|${line.product_id}`;
      if (!seen.has(orderProduct)) {
        seen.add(orderProduct);
        cell.orders += sign;
      }
      cell.units += sign * line.quantity;
      cell.gross += BigInt(sign) * line.gross;
      cell.discounts += BigInt(sign) * line.discount;
    }
  }

  refundLine(line: RefundLineContribution, sign: Sign): void {
    this.at(line.created_at, line.product_id).returns += BigInt(sign) * line.amount;
  }

  /**
   * Writes the deltas to `product_days`, summed by month to `product_months` and by product to `product_totals`, in the
   * caller's transaction.
   */
  async apply(trx: Transaction<Database>): Promise<void> {
    const storeId = this.storeId;
    const days = sortedByKey([...this.cells.values()]);
    await addToRollup(
      trx,
      "product_days",
      days.map((c) => ({ store_id: storeId, day: new Date(c.start), ...measuresOf(c) })),
      MEASURES,
    );
    const months = sortedByKey(
      sumBy(days, (start) => Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), 1)),
    );
    await addToRollup(
      trx,
      "product_months",
      months.map((c) => ({ store_id: storeId, month: new Date(c.start), ...measuresOf(c) })),
      MEASURES,
    );
    const totals = sortedByKey(sumBy(days, () => 0));
    await addToRollup(
      trx,
      "product_totals",
      totals.map((c) => ({ store_id: storeId, ...measuresOf(c) })),
      MEASURES,
    );
  }
}

const MEASURES = ["orders", "units", "gross_sales", "discounts", "returns"] as const;

const isZero = (c: ProductDelta) =>
  c.orders === 0 && c.units === 0 && c.gross === 0n && c.discounts === 0n && c.returns === 0n;

/** Non-zero cells in key order, so concurrent transactions lock rollup rows in the same order. */
function sortedByKey(cells: ProductDelta[]): ProductDelta[] {
  return cells
    .filter((c) => !isZero(c))
    .sort((a, b) => a.start - b.start || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/** The same cells summed into coarser ones: their UTC month's first day, or one period (all time). */
function sumBy(days: readonly ProductDelta[], periodStart: (dayStart: number) => number): ProductDelta[] {
  const months = new Map<string, ProductDelta>();
  for (const c of days) {
    const start = periodStart(c.start);
    const key = `${start}|${c.productId}`;
    const m = months.get(key);
    if (!m) months.set(key, { ...c, start });
    else {
      m.orders += c.orders;
      m.units += c.units;
      m.gross += c.gross;
      m.discounts += c.discounts;
      m.returns += c.returns;
    }
  }
  return [...months.values()];
}

function measuresOf(c: ProductDelta) {
  return {
    product_id: c.productId,
    orders: c.orders,
    units: c.units,
    gross_sales: toDecimalString(c.gross),
    discounts: toDecimalString(c.discounts),
    returns: toDecimalString(c.returns),
  };
}
