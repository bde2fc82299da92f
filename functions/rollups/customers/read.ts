import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ratio } from "../../metrics/figures";
import { slotsTiling } from "../sales/read";

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
 * G and H are quadrant counts over an index; both are empty, and instant, for a range that ends
 * at the store's latest data or starts before its first.
 */
export async function customerFigures(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<CustomerFigures> {
  const [prefix, gaps, firstGaps] = await Promise.all([
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
    db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("store_id", "=", storeId)
      .where("status", "=", "paid")
      .where("prev_paid_at", "<", start)
      .where("created_at", ">=", end)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("store_id", "=", storeId)
      .where("first_paid_at", "<", start)
      .where("second_paid_at", ">=", end)
      .executeTakeFirstOrThrow(),
  ]);
  const [firstBeforeA, firstBeforeB, lastBeforeA, secondBeforeB, onlyBeforeA] = [
    prefix.firstBeforeA,
    prefix.firstBeforeB,
    prefix.lastBeforeA,
    prefix.secondBeforeB,
    prefix.onlyBeforeA,
  ].map((n) => Number(n ?? 0));
  const newCustomers = firstBeforeB - firstBeforeA;
  const customers = firstBeforeB - lastBeforeA - Number(gaps.n);
  const returningCustomers = customers - newCustomers;
  const newWithSecondOrder = secondBeforeB - firstBeforeA + onlyBeforeA + Number(firstGaps.n);
  return {
    customers,
    newCustomers,
    returningCustomers,
    returningCustomerRate: ratio(returningCustomers + newWithSecondOrder, customers),
  };
}
