/**
 * The local gateway's stand-in for the API stage cache (docs/caching.md), from the same route
 * table and config setting as API Gateway's and keyed the same way: real HTTP, real sign-ins at
 * the Cognito stand-in, a real database. Above all: one store never receives another's answer.
 */
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { queryParameterNames } from "../../../shared/routes";
import { createStore, revokeKeys } from "../../../functions/stores/repository";
import { routes } from "../../../shared/routes";
import { CACHE_KEY_HEADERS, cacheKeyParameters, type StageCacheSettings } from "../../../shared/stage-cache";
import { asksInvalidation, CACHE_INVALIDATION_MESSAGE, LocalStageCache } from "../../../tools/local/stage-cache";
import { signIn, startPeopleServer, type PeopleServer } from "./auth/people-server";

const PASSWORD = "a long enough password";
const TTL = 60;
const ON: StageCacheSettings = { enabled: true, clusterSizeGb: "0.5", ttlSeconds: TTL };
const summary = "/api/v1/reports/summary?from=2026-03-01&to=2026-03-31";

let handle: DatabaseHandle;
let cached: PeopleServer;
let uncached: PeopleServer;
let clock = Date.now();
let counter = 0;

async function ingest(server: PeopleServer, apiKey: string, amount: string) {
  counter += 1;
  const order = {
    id: `cache-o-${counter}`,
    customerId: `cache-c-${counter}`,
    createdAt: "2026-03-10T10:00:00Z",
    currency: "USD",
    status: "paid",
    lines: [{ productId: "p-1", productName: "Mug", quantity: 1, unitPrice: amount }],
  };
  const response = await fetch(`${server.url}/api/v1/orders`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: JSON.stringify({ orders: [order] }),
  });
  expect(response.status).toBe(200);
}

/** A store with one paid order of `amount`, and a person of it (signed in at `server`'s stand-in). */
async function storeWithPerson(server: PeopleServer, amount: string) {
  counter += 1;
  const { store, apiKey } = await createStore(handle.db, {
    name: `Cache ${counter} ${Date.now()}`,
    currency: "USD",
    timezone: "UTC",
  });
  await ingest(server, apiKey, amount);
  const email = `cache${counter}@example.com`;
  await server.cognito.users.add({ email, password: PASSWORD, storeId: store.id });
  const tokens = await signIn(server, email, PASSWORD);
  return { store, apiKey, bearer: { authorization: `Bearer ${tokens.IdToken}` } };
}

const get = (server: PeopleServer, path: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, { headers });
const grossOf = async (response: Response) => {
  expect(response.status).toBe(200);
  return ((await response.json()) as { grossSales: string }).grossSales;
};

beforeAll(async () => {
  handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  setSharedDatabase(handle);
  cached = await startPeopleServer(handle.db, { gateway: { stageCache: ON, now: () => clock } });
  uncached = await startPeopleServer(handle.db, { gateway: { stageCache: { ...ON, enabled: false } } });
});
afterAll(async () => {
  await cached.close();
  await uncached.close();
  await handle.db.destroy();
});

describe("one store never receives another's cached answer", () => {
  it("by API key: the same URL, two stores, each their own figures, before and after both are cached", async () => {
    const a = await storeWithPerson(cached, "11.00");
    const b = await storeWithPerson(cached, "22.00");
    for (let round = 0; round < 2; round++) {
      expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("11.00");
      expect(await grossOf(await get(cached, summary, { "x-api-key": b.apiKey }))).toBe("22.00");
    }
  });

  it("by sign-in token (no x-api-key at all): two people of two stores, each their own figures", async () => {
    const a = await storeWithPerson(cached, "33.00");
    const b = await storeWithPerson(cached, "44.00");
    for (let round = 0; round < 2; round++) {
      expect(await grossOf(await get(cached, summary, a.bearer))).toBe("33.00");
      expect(await grossOf(await get(cached, summary, b.bearer))).toBe("44.00");
    }
  });

  it("a key and a token of different stores, taking turns on every cached report", async () => {
    const a = await storeWithPerson(cached, "55.00");
    const b = await storeWithPerson(cached, "66.00");
    for (const route of routes.filter((r) => r.cache)) {
      const path = `${route.path}?from=2026-03-01&to=2026-03-31`;
      const answers = [];
      for (const headers of [{ "x-api-key": a.apiKey }, b.bearer, { "x-api-key": a.apiKey }, b.bearer]) {
        const response = await get(cached, path, headers);
        expect(response.status).toBe(200);
        answers.push(await response.text());
      }
      expect(answers[2]).toBe(answers[0]);
      expect(answers[3]).toBe(answers[1]);
      // No events: both funnels are empty, the same for both stores.
      if (route.operationId !== "funnelReport") expect(answers[1]).not.toBe(answers[0]);
    }
  });

  it("a revoked key is refused before the cache is asked", async () => {
    const a = await storeWithPerson(cached, "77.00");
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("77.00");
    await revokeKeys(handle.db, a.store.id);
    expect((await get(cached, summary, { "x-api-key": a.apiKey })).status).toBe(403);
  });
});

describe("what the cache keeps, and for how long", () => {
  it("bends read-your-writes by the TTL: a new order shows once the answer expires", async () => {
    const a = await storeWithPerson(cached, "10.00");
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("10.00");
    await ingest(cached, a.apiKey, "5.00");
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("10.00");
    // Another query is another entry: answered fresh.
    expect(await grossOf(await get(cached, `${summary}&timezone=UTC`, { "x-api-key": a.apiKey }))).toBe("15.00");
    clock += TTL * 1000;
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("15.00");
  });

  it("with the cache off (every environment's default) the next report includes the ingest", async () => {
    const a = await storeWithPerson(uncached, "10.00");
    expect(await grossOf(await get(uncached, summary, { "x-api-key": a.apiKey }))).toBe("10.00");
    await ingest(uncached, a.apiKey, "5.00");
    expect(await grossOf(await get(uncached, summary, { "x-api-key": a.apiKey }))).toBe("15.00");
  });

  it("keys by X-Consistency: a strong read is its own entry, read from the writer when first asked", async () => {
    const a = await storeWithPerson(cached, "4.00");
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey }))).toBe("4.00");
    await ingest(cached, a.apiKey, "1.00");
    expect(await grossOf(await get(cached, summary, { "x-api-key": a.apiKey, "x-consistency": "strong" }))).toBe(
      "5.00",
    );
  });

  it("keys by Accept: JSON and CSV are two entries", async () => {
    const a = await storeWithPerson(cached, "8.00");
    const json = await get(cached, summary, { "x-api-key": a.apiKey });
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    const csv = await get(cached, summary, { "x-api-key": a.apiKey, accept: "text/csv" });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
  });

  it("never caches realtime or a refused request", async () => {
    const a = await storeWithPerson(cached, "9.00");
    const realtime = async () =>
      ((await (await get(cached, "/api/v1/reports/realtime", { "x-api-key": a.apiKey })).json()) as { asOf: string })
        .asOf;
    const first = await realtime();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await realtime()).not.toBe(first);
    const bad = "/api/v1/reports/summary?from=2026-13-01";
    expect((await get(cached, bad, { "x-api-key": a.apiKey })).status).toBe(400);
    expect((await get(cached, bad, { "x-api-key": a.apiKey })).status).toBe(400);
  });

  it("refuses Cache-Control: max-age=0 (invalidation) on a cached route with 403, as FAIL_WITH_403 does", async () => {
    const a = await storeWithPerson(cached, "3.00");
    const refused = await get(cached, summary, { "x-api-key": a.apiKey, "cache-control": "max-age=0" });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(CACHE_INVALIDATION_MESSAGE);
    const realtime = await get(cached, "/api/v1/reports/realtime", {
      "x-api-key": a.apiKey,
      "cache-control": "max-age=0",
    });
    expect(realtime.status).toBe(200);
    // A browser's revalidation (no-cache) is not an invalidation.
    expect((await get(cached, summary, { "x-api-key": a.apiKey, "cache-control": "no-cache" })).status).toBe(200);
  });
});

describe("LocalStageCache", () => {
  const cache = new LocalStageCache(ON, () => 0);
  const route = routes.find((r) => r.operationId === "productsReport")!;
  const base = {
    "x-api-key": "k1",
    authorization: "Bearer t1",
    accept: "application/json",
    "x-consistency": "strong",
    "user-agent": "a",
  };
  const query = new URLSearchParams("from=2026-03-01&to=2026-03-31&timezone=UTC&sort=units&limit=5&category=c");
  const key = cache.keyOf(route, base, query);

  it("is keyed by exactly the stack's cache key parameters: each key header, each query parameter", () => {
    const names = queryParameterNames(route.operationId);
    expect(cacheKeyParameters(names)).toEqual([
      ...CACHE_KEY_HEADERS.map((h) => `method.request.header.${h}`),
      ...names.map((q) => `method.request.querystring.${q}`),
    ]);
    for (const header of CACHE_KEY_HEADERS) {
      const name = header.toLowerCase();
      expect(cache.keyOf(route, { ...base, [name]: "other" }, query)).not.toBe(key);
      expect(cache.keyOf(route, { ...base, [name]: undefined }, query)).not.toBe(key);
    }
    for (const name of names) {
      const changed = new URLSearchParams(query);
      changed.set(name, "other");
      expect(cache.keyOf(route, base, changed)).not.toBe(key);
    }
    // What selects nothing is not in the key.
    expect(cache.keyOf(route, { ...base, "user-agent": "b" }, query)).toBe(key);
  });

  it("tells an invalidation request from other Cache-Control", () => {
    expect(asksInvalidation("max-age=0")).toBe(true);
    expect(asksInvalidation("no-cache, Max-Age = 0")).toBe(true);
    expect(asksInvalidation(["no-store", "max-age=0"])).toBe(true);
    expect(asksInvalidation("max-age=60")).toBe(false);
    expect(asksInvalidation("no-cache")).toBe(false);
    expect(asksInvalidation(undefined)).toBe(false);
  });
});
