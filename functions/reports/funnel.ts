import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { ratio } from "./figures";
import type { ReportWindow } from "./params";

export interface FunnelStep {
  step: "sessions" | "productViews" | "addToCart" | "checkout" | "converted";
  sessions: number;
  /** Share of the previous step's sessions (1 for the first step). */
  rateFromPrevious: number;
  /** Share of all sessions. */
  rateFromStart: number;
}

export interface FunnelReport {
  from: string;
  to: string;
  timezone: string;
  sessions: number;
  sessionsWithProductViews: number;
  sessionsWithAddToCart: number;
  sessionsReachedCheckout: number;
  sessionsConverted: number;
  conversionRate: number;
  steps: FunnelStep[];
}

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

function countsOf(row: CountsRow): FunnelCounts {
  return {
    sessions: Number(row.sessions ?? 0),
    productViews: Number(row.productViews ?? 0),
    addToCart: Number(row.addToCart ?? 0),
    checkout: Number(row.checkout ?? 0),
    converted: Number(row.converted ?? 0),
  };
}

/** Sessions that started in [start, end) and how many reached each step, from the `funnel_slots` rollup. */
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
    .where("slot_start", ">=", start)
    .where("slot_start", "<", end)
    .executeTakeFirstOrThrow();
  return countsOf(row);
}

/** The same from the raw `sessions` rows: the reference the rollup is checked against. */
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

/** Sessions that started in range, and how many of them had each kind of event. */
export async function funnelReport(db: Kysely<Database>, store: Store, window: ReportWindow): Promise<FunnelReport> {
  const { start, end, range } = window;
  const counts = await funnelCounts(db, store.id, start, end);
  const order = ["sessions", "productViews", "addToCart", "checkout", "converted"] as const;
  const steps = order.map((step, i) => ({
    step,
    sessions: counts[step],
    rateFromPrevious: i === 0 ? 1 : ratio(counts[step], counts[order[i - 1]]),
    rateFromStart: ratio(counts[step], counts.sessions),
  }));
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    sessions: counts.sessions,
    sessionsWithProductViews: counts.productViews,
    sessionsWithAddToCart: counts.addToCart,
    sessionsReachedCheckout: counts.checkout,
    sessionsConverted: counts.converted,
    conversionRate: ratio(counts.converted, counts.sessions),
    steps,
  };
}
