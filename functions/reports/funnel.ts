import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { ratio } from "../metrics/figures";
import { funnelCounts } from "../rollups/funnel/read";
import type { ReportWindow } from "../time";

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
