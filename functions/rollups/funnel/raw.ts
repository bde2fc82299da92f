import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { countsOf, type FunnelCounts } from "./read";

/** The funnel's counts from the raw `sessions` rows: the reference `funnel_slots` is checked against. */
export async function rawFunnelCounts(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<FunnelCounts> {
  const row = await db
    .selectFrom("sessions")
    .select(({ fn }) => [
      fn.countAll<string>().as("sessions"),
      fn.sum<string>("product_viewed").as("productViews"),
      fn.sum<string>("added_to_cart").as("addToCart"),
      fn.sum<string>("reached_checkout").as("checkout"),
      fn.sum<string>("converted").as("converted"),
    ])
    .where("store_id", "=", storeId)
    .where("started_at", ">=", start)
    .where("started_at", "<", end)
    .executeTakeFirstOrThrow();
  return countsOf(row);
}
