/**
 * The API stage cache (docs/caching.md): which routes it may keep, for how long, and what selects
 * a cached answer. Data and pure functions only: one source for the API Gateway stack
 * (stacks/constructs/api/rest-api.ts), the environment config's validation and the local gateway
 * (tools/local/stage-cache.ts), so the cache is keyed the same way in both.
 */
import type { Route } from "./routes";

/** API Gateway's cache cluster sizes, in GB (`cache_cluster_size`). */
export const CACHE_CLUSTER_SIZES = ["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"] as const;
export type CacheClusterSize = (typeof CACHE_CLUSTER_SIZES)[number];

/** API Gateway keeps a cached answer at most an hour; 0 would mean no caching (say `enabled: false` instead). */
export const MAX_CACHE_TTL_SECONDS = 3600;

/** An environment's stage cache (`api.stageCache` of its config). */
export interface StageCacheSettings {
  /** Off by default everywhere: a cached report bends read-your-writes by up to its TTL. */
  enabled: boolean;
  clusterSizeGb: CacheClusterSize;
  /** The environment's TTL; a route whose own `cache.ttlSeconds` is shorter keeps its own. */
  ttlSeconds: number;
}

/**
 * The callers' headers: an API key (`x-api-key`) or a person's ID token (`Authorization`), each
 * bound to one store. Both are in every cached method's key, as either may be the one that
 * identifies the store.
 */
export const CALLER_HEADERS = ["x-api-key", "Authorization"] as const;

/**
 * Every header that selects a cached answer: the caller's, Accept (JSON or CSV), and X-Consistency
 * (`strong` reads the writer instead of a replica: functions/middleware/http-handler.ts).
 */
export const CACHE_KEY_HEADERS = [...CALLER_HEADERS, "Accept", "X-Consistency"] as const;

/** `method.request.header.<name>` / `method.request.querystring.<name>`: API Gateway's names for request parts. */
export const headerParameter = (name: string) => `method.request.header.${name}`;
export const queryParameter = (name: string) => `method.request.querystring.${name}`;

/**
 * The cache key parameters of a cached route: the caller's headers, Accept, and every query
 * parameter the route takes (`queryNames`: its schema's, functions/reports/query.ts), so that
 * nothing that changes the answer is left out of the key.
 */
export function cacheKeyParameters(queryNames: readonly string[]): string[] {
  return [...CACHE_KEY_HEADERS.map(headerParameter), ...queryNames.map(queryParameter)];
}

/**
 * How long the stage cache keeps the route's answers in an environment: the shorter of the
 * route's TTL and the environment's; undefined when the route is not cached (the cache off, a
 * route without `cache`, or anything but GET).
 */
export function cacheTtlSeconds(route: Route, settings: StageCacheSettings): number | undefined {
  if (!settings.enabled || !route.cache || route.method !== "GET") return undefined;
  return Math.min(route.cache.ttlSeconds, settings.ttlSeconds);
}

/** The method settings path of a route: `/api/v1/reports/summary` GET -> `api/v1/reports/summary/GET`. */
export function methodSettingsPath(route: Pick<Route, "method" | "path">): string {
  return `${route.path.replace(/^\//, "")}/${route.method}`;
}
