import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { toDecimalString, type Amount } from "../../money/decimal";
import { firstOfMonth, formatLocalDate, type LocalCalendar } from "../../time";
import type { LineContribution, RefundLineContribution, RollupChanges, Sign } from "../family";

/** One product's changes over one local day (or month) of the store's zone, `day` its first day's number. */
interface ProductDelta {
  day: number;
  productId: string;
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  returns: Amount;
}

/**
 * Collects one ingest's changes to `product_days` (by local date in the store's zone), then
 * writes them in one upsert (see SalesDeltas), and the same changes summed by local month to
 * `product_months` and by product to `product_totals` in two more.
 */
export class ProductDeltas implements RollupChanges {
  private readonly cells = new Map<string, ProductDelta>();

  constructor(
    private readonly storeId: number,
    private readonly calendar: LocalCalendar,
  ) {}

  private at(instant: Date, productId: string): ProductDelta {
    const day = this.calendar.dayOf(instant);
    const key = `${day}|${productId}`;
    let cell = this.cells.get(key);
    if (!cell)
      this.cells.set(key, (cell = { day, productId, orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
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
      days.map((c) => ({ store_id: storeId, day: formatLocalDate(c.day), ...measuresOf(c) })),
      MEASURES,
    );
    const months = sortedByKey(sumBy(days, firstOfMonth));
    await addToRollup(
      trx,
      "product_months",
      months.map((c) => ({ store_id: storeId, month: formatLocalDate(c.day), ...measuresOf(c) })),
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

/** Non-zero cells by product, then day (`product_days`' key): every writer locks rollup rows in this one order. */
function sortedByKey(cells: ProductDelta[]): ProductDelta[] {
  return cells
    .filter((c) => !isZero(c))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.day - b.day));
}

/** The same cells summed into coarser ones: their month's first day, or one period (all time). */
function sumBy(days: readonly ProductDelta[], periodStart: (day: number) => number): ProductDelta[] {
  const months = new Map<string, ProductDelta>();
  for (const c of days) {
    const day = periodStart(c.day);
    const key = `${day}|${c.productId}`;
    const m = months.get(key);
    if (!m) months.set(key, { ...c, day });
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
