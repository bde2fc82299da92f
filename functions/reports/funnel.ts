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

/** Sessions that started in range, and how many of them had each kind of event. */
export async function funnelReport(db: Kysely<Database>, store: Store, window: ReportWindow): Promise<FunnelReport> {
  const { start, end, range } = window;
  const row = await db
    .selectFrom("sessions")
    .select(({ fn }) => [
      fn.countAll<string>().as("sessions"),
      fn.sum<string>("product_viewed").as("productViews"),
      fn.sum<string>("added_to_cart").as("addToCart"),
      fn.sum<string>("reached_checkout").as("checkout"),
      fn.sum<string>("converted").as("converted"),
    ])
    .where("store_id", "=", store.id)
    .where("started_at", ">=", start)
    .where("started_at", "<", end)
    .executeTakeFirstOrThrow();
  const counts = {
    sessions: Number(row.sessions),
    productViews: Number(row.productViews ?? 0),
    addToCart: Number(row.addToCart ?? 0),
    checkout: Number(row.checkout ?? 0),
    converted: Number(row.converted ?? 0),
  };
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
