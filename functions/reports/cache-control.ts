import type { ReportWindow } from "../time";

/**
 * What a report's answer says about its freshness (docs/caching.md). Every answer is `private`:
 * it is one store's, chosen by the caller's key or token, so no shared cache (a proxy, a CDN) may
 * keep it, and it varies on the caller's headers besides Accept. Browsers and other private
 * caches may keep it as long as its data may not change:
 *
 * - realtime: the last 30 minutes, changing with every ingest: never stored;
 * - a range that includes today (or a later day) in the report's zone: new orders and events land
 *   in it, so it is stored but revalidated on every use (read-your-writes holds);
 * - a range that ended before today: it changes only when an order of those days is ingested late
 *   or replaced, so it may be reused for CLOSED_RANGE_MAX_AGE_SECONDS.
 *
 * The API stage cache, when an environment turns it on, keeps answers by its own TTL (the route
 * table's `cache`), whatever these say: API Gateway does not read the integration's Cache-Control.
 */
export const CLOSED_RANGE_MAX_AGE_SECONDS = 3600;

export const REALTIME_CACHE_CONTROL = "private, no-store";
export const OPEN_RANGE_CACHE_CONTROL = "private, no-cache";
export const CLOSED_RANGE_CACHE_CONTROL = `private, max-age=${CLOSED_RANGE_MAX_AGE_SECONDS}`;

/** The request headers that choose a report's answer besides its path and query: Accept, the caller, consistency. */
export const REPORT_VARY = "Accept, x-api-key, Authorization, X-Consistency";

/** The range's last day is over in its zone when its UTC end (exclusive: the next day's midnight) has passed. */
export function rangeCacheControl(window: Pick<ReportWindow, "end">, now: Date = new Date()): string {
  return window.end.getTime() <= now.getTime() ? CLOSED_RANGE_CACHE_CONTROL : OPEN_RANGE_CACHE_CONTROL;
}

/** The freshness headers of a report's answer. */
export function reportCacheHeaders(cacheControl: string): Record<string, string> {
  return { "Cache-Control": cacheControl, Vary: REPORT_VARY };
}
