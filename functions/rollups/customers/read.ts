import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ratio } from "../../metrics/figures";
import { ceilToUtcMonth, startOfUtcMonth } from "../../time";
import { slotsTiling } from "../spans";

export interface CustomerFigures {
  customers: number;
  newCustomers: number;
  returningCustomers: number;
  returningCustomerRate: number;
}

/** Before any order the API accepts (fields.ts: from 2000). */
const BEGINNING = new Date(Date.UTC(1970, 0, 1));

/**
 * SPEC 3.3's customer figures for [A, B) without counting distinct customers over orders. With
 * each customer's paid orders t1 < t2 < ... < tn (rollups/customers/timeline.ts), and F(x), S(x),
 * L(x), O(x) the customers whose first, second, last, only paid order is before x (prefix sums
 * of the slot markers):
 *
 * - new = F(B) - F(A);
 * - customers = F(B) - L(A) - G: a customer who ordered before B and not only before A ordered
 *   in range, unless one gap between two consecutive orders spans it (G: prev < A, order >= B);
 * - with more than one paid order up to B: every returning customer, and the new ones whose t2
 *   is before B: S(B) - F(A) + O(A) + H, H counting customers with t1 < A and t2 >= B.
 *
 * G and H count gaps between two consecutive paid orders (H: a customer's first two only) that
 * span the range: spanningGaps.
 */
export async function customerFigures(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<CustomerFigures> {
  const [prefix, spanning] = await Promise.all([
    db
      .selectFrom("sales_slots")
      .select([
        sql<string | null>`sum(case when slot_start < ${start} then first_orders else 0 end)`.as("firstBeforeA"),
        sql<string | null>`sum(first_orders)`.as("firstBeforeB"),
        sql<string | null>`sum(case when slot_start < ${start} then last_orders else 0 end)`.as("lastBeforeA"),
        sql<string | null>`sum(second_orders)`.as("secondBeforeB"),
        sql<string | null>`sum(case when slot_start < ${start} then only_orders else 0 end)`.as("onlyBeforeA"),
      ])
      .where("store_id", "=", storeId)
      .where(slotsTiling([BEGINNING, start, end]))
      .executeTakeFirstOrThrow(),
    spanningGaps(db, storeId, start, end),
  ]);
  const [firstBeforeA, firstBeforeB, lastBeforeA, secondBeforeB, onlyBeforeA] = [
    prefix.firstBeforeA,
    prefix.firstBeforeB,
    prefix.lastBeforeA,
    prefix.secondBeforeB,
    prefix.onlyBeforeA,
  ].map((n) => Number(n ?? 0));
  const newCustomers = firstBeforeB - firstBeforeA;
  const customers = firstBeforeB - lastBeforeA - spanning.gaps;
  const returningCustomers = customers - newCustomers;
  const newWithSecondOrder = secondBeforeB - firstBeforeA + onlyBeforeA + spanning.firstGaps;
  return {
    customers,
    newCustomers,
    returningCustomers,
    returningCustomerRate: ratio(returningCustomers + newWithSecondOrder, customers),
  };
}

/**
 * Gaps with the earlier order before A and the later one at or after B: G, and H for customers'
 * first two orders. Whole UTC months come from `gap_months`: earlier order before month boundary
 * P, later one from month boundary Q on, where P and Q are the boundaries nearest A and B. The
 * rest lies between each of A and B and its boundary, counted over indexes holding both ends
 * (migration 013) and added or taken away by the side the boundary lies on: gaps starting in
 * [P, A) are added (or in [A, P) taken away), and gaps starting before P that end in [B, Q) are
 * added (or in [Q, B) taken away). So at most half a month of index entries is read at each edge,
 * however much data lies around the range; both edges are empty when A and B start months, and
 * the second when B is past the store's latest data.
 */
async function spanningGaps(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<{ gaps: number; firstGaps: number }> {
  const [p, q] = [nearestUtcMonth(start), nearestUtcMonth(end)];
  const startEdge = async (ends: GapEnds) =>
    p < start
      ? gapsWithin(db, storeId, ends, { earlier: [p, start], later: [end] })
      : p > start
        ? -(await gapsWithin(db, storeId, ends, { earlier: [start, p], later: [end] }))
        : 0;
  const endEdge = async (ends: GapEnds) =>
    q > end
      ? gapsWithin(db, storeId, ends, { earlier: [undefined, p], later: [end, q] })
      : q < end
        ? -(await gapsWithin(db, storeId, ends, { earlier: [undefined, p], later: [q, end] }))
        : 0;
  const [cells, everyFromStart, everyAtEnd, firstFromStart, firstAtEnd] = await Promise.all([
    db
      .selectFrom("gap_months")
      .select(({ fn }) => [fn.sum<string>("gaps").as("gaps"), fn.sum<string>("first_gaps").as("firstGaps")])
      .where("store_id", "=", storeId)
      .where("prev_month", "<", p)
      .where("order_month", ">=", q)
      .executeTakeFirstOrThrow(),
    startEdge(EVERY_GAP),
    endEdge(EVERY_GAP),
    startEdge(FIRST_GAP),
    endEdge(FIRST_GAP),
  ]);
  return {
    gaps: Number(cells.gaps ?? 0) + everyFromStart + everyAtEnd,
    firstGaps: Number(cells.firstGaps ?? 0) + firstFromStart + firstAtEnd,
  };
}

/** The UTC month start nearest an instant: its own month's, or the next one's when that is nearer. */
function nearestUtcMonth(instant: Date): Date {
  const [own, next] = [startOfUtcMonth(instant), ceilToUtcMonth(instant)];
  return next.getTime() - instant.getTime() < instant.getTime() - own.getTime() ? next : own;
}

/** Where a gap's two ends are kept: each paid order and its predecessor, or a customer's first two orders. */
interface GapEnds {
  table: "orders" | "customers";
  earlier: "prev_paid_at" | "first_paid_at";
  later: "created_at" | "second_paid_at";
}
const EVERY_GAP: GapEnds = { table: "orders", earlier: "prev_paid_at", later: "created_at" };
const FIRST_GAP: GapEnds = { table: "customers", earlier: "first_paid_at", later: "second_paid_at" };

/**
 * Gaps with the earlier end in `bounds.earlier` and the later in `bounds.later`, each [from, to)
 * with an open side undefined: a count over the index that leads with the end bounded on both
 * sides and holds the other (migration 013).
 */
async function gapsWithin(
  db: Kysely<Database>,
  storeId: number,
  ends: GapEnds,
  bounds: { earlier: [Date | undefined, Date]; later: [Date, Date?] },
): Promise<number> {
  const [earlier, later] = [sql.ref(ends.earlier), sql.ref(ends.later)];
  let query = db
    .selectFrom(ends.table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("store_id", "=", storeId)
    .where(earlier, "<", bounds.earlier[1])
    .where(later, ">=", bounds.later[0]);
  if (bounds.earlier[0]) query = query.where(earlier, ">=", bounds.earlier[0]);
  if (bounds.later[1]) query = query.where(later, "<", bounds.later[1]);
  // orders_by_time leads with status: every order with a predecessor is paid, so the filter changes nothing else
  if (ends.table === "orders" && bounds.later[1]) query = query.where(sql.ref("status"), "=", "paid");
  return Number((await query.executeTakeFirstOrThrow()).n);
}
