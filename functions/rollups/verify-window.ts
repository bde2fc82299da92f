import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import type { SalesSums } from "../metrics/figures";
import { DAY_MS, periodOf } from "../time";

/** All of a store's history in UTC, for the checks that need no zone: from 1970 to a year from now. */
export function allTime(): { start: Date; end: Date } {
  return { start: new Date(0), end: new Date(Math.ceil(Date.now() / DAY_MS + 366) * DAY_MS) };
}

/** The store, today in its zone, and the local date of its first order (today when it has none). */
export async function storeHistory(
  db: Kysely<Database>,
  storeId: number,
): Promise<{ store: Store; today: string; history: string }> {
  const store = await db.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirstOrThrow();
  const today = periodOf(new Date(), store.timezone, "day");
  const first = await db
    .selectFrom("orders")
    .select(({ fn }) => fn.min("created_at").as("at"))
    .where("store_id", "=", storeId)
    .executeTakeFirst();
  const history = first?.at ? periodOf(new Date(first.at), store.timezone, "day") : today;
  return { store, today, history };
}

export const describeSums = (s: SalesSums) =>
  `orders ${s.orders} units ${s.units} gross ${s.gross} discounts ${s.discounts} ` +
  `shipping ${s.shipping} taxes ${s.taxes} returns ${s.returns}`;

/** A JSON replacer for bigint amounts. */
export const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
