import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { slotsTiling } from "../spans";

export interface FunnelCounts {
  sessions: number;
  productViews: number;
  addToCart: number;
  checkout: number;
  converted: number;
}

type CountsRow = {
  sessions: string | null;
  productViews: string | null;
  addToCart: string | null;
  checkout: string | null;
  converted: string | null;
};

export function countsOf(row: CountsRow): FunnelCounts {
  return {
    sessions: Number(row.sessions ?? 0),
    productViews: Number(row.productViews ?? 0),
    addToCart: Number(row.addToCart ?? 0),
    checkout: Number(row.checkout ?? 0),
    converted: Number(row.converted ?? 0),
  };
}

/**
 * Sessions that started in [start, end) and how many reached each step, from the `funnel_slots`
 * rollup: whole days, whole hours, then quarter hours at the edges.
 */
export async function funnelCounts(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<FunnelCounts> {
  const row = await db
    .selectFrom("funnel_slots")
    .select(({ fn }) => [
      fn.sum<string>("sessions").as("sessions"),
      fn.sum<string>("product_viewed").as("productViews"),
      fn.sum<string>("added_to_cart").as("addToCart"),
      fn.sum<string>("reached_checkout").as("checkout"),
      fn.sum<string>("converted").as("converted"),
    ])
    .where("store_id", "=", storeId)
    .where(slotsTiling([start, end]))
    .executeTakeFirstOrThrow();
  return countsOf(row);
}
