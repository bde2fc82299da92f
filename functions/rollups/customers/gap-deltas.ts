import type { Transaction } from "kysely";
import type { Database } from "../../db/schema";
import { addToRollup } from "../add-to-rollup";
import { startOfUtcMonth } from "../../time";
import type { RollupChanges, Sign } from "../family";

/**
 * `gap_months`: per store and pair of UTC months, the gaps between two consecutive paid orders
 * of a customer that start (the earlier order) in the first and end (the later one) in the
 * second; `first_gaps` counts only each customer's first two orders. The customer figures of a
 * past range need the gaps that span it (rollups/customers/read.ts): whole months come from
 * here, the range's two edge months from an index.
 */
export class GapDeltas implements RollupChanges {
  private readonly cells = new Map<string, { prev: number; at: number; gaps: number; first: number }>();

  constructor(private readonly storeId: number) {}

  customerGap(prev: Date, at: Date, first: boolean, sign: Sign): void {
    const [p, a] = [startOfUtcMonth(prev).getTime(), startOfUtcMonth(at).getTime()];
    const key = `${p}|${a}`;
    const cell =
      this.cells.get(key) ?? (this.cells.set(key, { prev: p, at: a, gaps: 0, first: 0 }), this.cells.get(key)!);
    cell.gaps += sign;
    if (first) cell.first += sign;
  }

  async apply(trx: Transaction<Database>): Promise<number> {
    const rows = [...this.cells.values()]
      .filter((c) => c.gaps !== 0 || c.first !== 0)
      .sort((a, b) => a.prev - b.prev || a.at - b.at)
      .map((c) => ({
        store_id: this.storeId,
        prev_month: new Date(c.prev),
        order_month: new Date(c.at),
        gaps: c.gaps,
        first_gaps: c.first,
      }));
    await addToRollup(trx, "gap_months", rows, ["gaps", "first_gaps"]);
    return rows.length;
  }
}
