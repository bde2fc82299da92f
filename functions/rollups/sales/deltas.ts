import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { toDecimalString } from "../../money/decimal";
import { EMPTY_SUMS, type SalesSums } from "../../metrics/figures";
import { formatLocalDate, type LocalCalendar } from "../../time";
import { SPANS, spanStart } from "../spans";
import type { CustomerMarker, OrderContribution, RefundContribution, RollupChanges, Sign } from "../family";

/** A slot's change: the sales sums, and the customer markers (rollups/customers/timeline.ts). */
type SlotDelta = SalesSums & Record<CustomerMarker, number>;

const ZERO: SlotDelta = { ...EMPTY_SUMS, first_orders: 0, second_orders: 0, last_orders: 0, only_orders: 0 };
const COUNTS = ["orders", "units", "first_orders", "second_orders", "last_orders", "only_orders"] as const;
const AMOUNTS = ["gross", "discounts", "shipping", "taxes", "returns"] as const;

/** Sales sums as the rollup tables' columns. */
function salesColumns(d: SalesSums) {
  return {
    orders: d.orders,
    units: d.units,
    gross_sales: toDecimalString(d.gross),
    discounts: toDecimalString(d.discounts),
    shipping: toDecimalString(d.shipping),
    taxes: toDecimalString(d.taxes),
    returns: toDecimalString(d.returns),
  };
}

const SALES_MEASURES = ["orders", "units", "gross_sales", "discounts", "shipping", "taxes", "returns"] as const;

/**
 * Collects the changes one ingest makes to the sales family: `sales_slots` (at each of the three
 * spans, one upsert) and `sales_local_days` (the same sums by local day in the store's zone). The
 * caller holds the locks on the raw rows it changes, so the deltas it computes from them are exact;
 * adding deltas (never overwriting) keeps concurrent writers to one slot correct.
 */
export class SalesDeltas implements RollupChanges {
  /** by "span:start" */
  private readonly slots = new Map<string, { span: number; start: number; delta: SlotDelta }>();
  /** the sales sums by local day number in the store's zone (`sales_local_days`) */
  private readonly localDays = new Map<number, SalesSums>();

  /** `calendar`: the store's zone, for `sales_local_days`. */
  constructor(
    private readonly storeId: number,
    private readonly calendar: LocalCalendar,
  ) {}

  private each(instant: Date, change: (delta: SlotDelta) => void): void {
    for (const span of SPANS) {
      const start = spanStart(instant.getTime(), span);
      const key = `${span}:${start}`;
      let slot = this.slots.get(key);
      if (!slot) this.slots.set(key, (slot = { span, start, delta: { ...ZERO } }));
      change(slot.delta);
    }
  }

  /** Sales sums go to the slots and to the store's local day; customer markers to the slots only. */
  private eachWithLocalDay(instant: Date, change: (delta: SalesSums) => void): void {
    this.each(instant, change);
    const day = this.calendar.dayOf(instant);
    let sums = this.localDays.get(day);
    if (!sums) this.localDays.set(day, (sums = { ...EMPTY_SUMS }));
    change(sums);
  }

  order(order: OrderContribution, sign: Sign): void {
    const s = BigInt(sign);
    const [gross, discounts, shipping, taxes] = [order.gross, order.discounts, order.shipping, order.taxes].map(
      (a) => s * a,
    );
    this.eachWithLocalDay(order.created_at, (d) => {
      d.orders += sign;
      d.units += sign * order.units;
      d.gross += gross;
      d.discounts += discounts;
      d.shipping += shipping;
      d.taxes += taxes;
    });
  }

  refund(refund: RefundContribution, sign: Sign): void {
    const amount = BigInt(sign) * refund.amount;
    this.eachWithLocalDay(refund.created_at, (d) => {
      d.returns += amount;
    });
  }

  customerMarker(marker: CustomerMarker, at: Date, sign: Sign): void {
    this.each(at, (d) => {
      d[marker] += sign;
    });
  }

  async apply(trx: Transaction<Database>): Promise<void> {
    const storeId = this.storeId;
    const rows = [...this.slots.values()]
      .filter(({ delta }) => COUNTS.some((c) => delta[c] !== 0) || AMOUNTS.some((a) => delta[a] !== 0n))
      .sort((a, b) => a.span - b.span || a.start - b.start)
      .map(({ span, start, delta: d }) => ({
        store_id: storeId,
        span_minutes: span,
        slot_start: new Date(start),
        ...salesColumns(d),
        first_orders: d.first_orders,
        second_orders: d.second_orders,
        last_orders: d.last_orders,
        only_orders: d.only_orders,
      }));
    await addToRollup(trx, "sales_slots", rows, [
      ...SALES_MEASURES,
      "first_orders",
      "second_orders",
      "last_orders",
      "only_orders",
    ]);
    const days = [...this.localDays.entries()]
      .filter(([, d]) => d.orders !== 0 || d.units !== 0 || AMOUNTS.some((a) => d[a] !== 0n))
      .sort(([a], [b]) => a - b)
      .map(([day, d]) => ({
        store_id: storeId,
        local_day: formatLocalDate(day),
        ...salesColumns(d),
      }));
    await addToRollup(trx, "sales_local_days", days, SALES_MEASURES);
  }
}
