/**
 * The local stand-in for the API stage cache (docs/caching.md), built from the same route table
 * and environment setting as the deployed one (shared/stage-cache.ts): the same routes cached for
 * the same TTL, keyed by the same request parts (the caller's `x-api-key` and `Authorization`,
 * Accept, X-Consistency, and every query parameter the route takes), and `Cache-Control: max-age=0` from a
 * client refused with 403 as `FAIL_WITH_403` does. Like API Gateway, it is consulted only after
 * the caller is admitted (key or token checked, request counted), and keeps successful answers only.
 */
import { queryParameterNames } from "../../shared/routes";
import type { Route } from "../../shared/routes";
import { CACHE_KEY_HEADERS, cacheTtlSeconds, type StageCacheSettings } from "../../shared/stage-cache";

/** What the cache keeps of an answer (the gateway's Reply). */
export interface CachedReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

/** Entries kept at most (the deployed cluster's size bounds it instead); the oldest go first. */
export const LOCAL_CACHE_MAX_ENTRIES = 1000;

export const CACHE_INVALIDATION_MESSAGE =
  "Cache-Control: max-age=0 asks to invalidate the API cache, which this caller is not authorized to do";

/** `Cache-Control: max-age=0` in a request: API Gateway's per-entry invalidation. */
export function asksInvalidation(cacheControl: string | string[] | undefined): boolean {
  const values = Array.isArray(cacheControl) ? cacheControl : cacheControl === undefined ? [] : [cacheControl];
  return values.some((value) => value.split(",").some((directive) => /^\s*max-age\s*=\s*0\s*$/i.test(directive)));
}

export class LocalStageCache {
  private readonly entries = new Map<string, { expires: number; reply: CachedReply }>();

  constructor(
    readonly settings: StageCacheSettings,
    private readonly now: () => number = Date.now,
    private readonly queryNames: (route: Route) => readonly string[] = (route) =>
      queryParameterNames(route.operationId),
  ) {}

  /** The route's TTL in seconds, or undefined when it is not cached. */
  ttlOf(route: Route): number | undefined {
    return cacheTtlSeconds(route, this.settings);
  }

  /**
   * The entry's key: the route and the value (or absence) of each cache key parameter. Header
   * names are matched case-insensitively (`headers` as Node gives them: lower-case names).
   */
  keyOf(route: Route, headers: Record<string, string | string[] | undefined>, query: URLSearchParams): string {
    const header = (name: string) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : (value ?? null);
    };
    return JSON.stringify([
      route.method,
      route.path,
      CACHE_KEY_HEADERS.map(header),
      this.queryNames(route).map((name) => query.getAll(name)),
    ]);
  }

  get(key: string): CachedReply | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.reply;
  }

  /** Keeps a successful answer for the route's TTL; anything else is not kept. */
  set(key: string, route: Route, reply: CachedReply): void {
    const ttl = this.ttlOf(route);
    if (ttl === undefined || reply.status < 200 || reply.status > 299) return;
    this.entries.delete(key);
    this.entries.set(key, { expires: this.now() + ttl * 1000, reply });
    while (this.entries.size > LOCAL_CACHE_MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
