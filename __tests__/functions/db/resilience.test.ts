import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase, LOCAL_LIMITS, type DatabaseHandle } from "../../../functions/db/connection";
import { migrateToLatest } from "../../../functions/db/migrate";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { createGateway } from "../../../tools/local/gateway";
import { defaultServerSearchDirs, findServerBinary } from "../../../tools/local/mysql-binaries";
import { PrivateMysqlServer } from "../../../tools/local/mysql-private-server";
import { ensureDatabase } from "../../../tools/local/mysql-probe";
import { createStore } from "../../../functions/stores/repository";
import { call, type TestStore } from "../../support/harness";

/**
 * The database goes away and comes back: handlers answer 503 with Retry-After within a bounded
 * time, the circuit breaker then fails fast without touching the network, and service recovers
 * by itself once the server is back. Uses a private server it can stop and start.
 */
const binary = findServerBinary(defaultServerSearchDirs());
const describeWithServer = binary ? describe : describe.skip;

describeWithServer("when the database is down", () => {
  let dir: string;
  let server: PrivateMysqlServer;
  let handle: DatabaseHandle;
  let shop: TestStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "analytics-resilience-"));
    server = new PrivateMysqlServer({ dataDir: dir, port: 0 });
    await server.start();
    const url = `${server.url}/resilience`;
    await ensureDatabase(url);
    handle = createDatabase(
      { kind: "url", url },
      {
        ...LOCAL_LIMITS,
        connectTimeoutMs: 1_000,
        queryTimeoutMs: 2_000,
        breakerFailureThreshold: 2,
        breakerOpenMs: 1_500,
      },
    );
    await migrateToLatest(handle.db);
    const created = await createStore(handle.db, { name: "Resilient", currency: "USD", timezone: "UTC" });
    shop = { store: created.store, keyId: created.keyId, apiKey: created.apiKey };
    setSharedDatabase(handle);
  }, 60_000);

  afterAll(async () => {
    await handle?.db.destroy().catch(() => undefined);
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("answers 503 with Retry-After, fails fast while open, and recovers when the server returns", async () => {
    expect((await call("GET", "/health")).status).toBe(200);
    await server.stop();

    const started = Date.now();
    const down = await call("GET", "/api/v1/reports/summary", { store: shop });
    expect(down.status).toBe(503);
    expect(Number(down.headers["Retry-After"])).toBeGreaterThan(0);
    expect(down.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(Date.now() - started).toBeLessThan(5_000);

    expect((await call("GET", "/health")).status).toBe(503); // second failure opens the breaker
    expect(handle.breaker.state).toBe("open");
    const fastStart = Date.now();
    const fast = await call("GET", "/health");
    expect(fast.status).toBe(503);
    expect(Date.now() - fastStart).toBeLessThan(200); // no connection attempt while open

    await server.start();
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await call("GET", "/health")).status;
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(status).toBe(200);
    expect(handle.breaker.state).toBe("closed");
    expect((await call("GET", "/api/v1/reports/summary", { store: shop })).status).toBe(200);
  }, 60_000);

  it("local gateway: 503 + Retry-After (not 500) for keyed requests while the db is down, 200 once back", async () => {
    const gateway = createGateway({ db: handle.db });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const report = () =>
      fetch(`${base}/api/v1/reports/summary?from=2026-01-01&to=2026-01-31`, { headers: { "x-api-key": shop.apiKey } });
    const ingest = () =>
      fetch(`${base}/api/v1/events`, {
        method: "POST",
        headers: { "x-api-key": shop.apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          events: [
            { id: `e-${Date.now()}`, type: "session_start", sessionId: "s1", occurredAt: "2026-01-10T10:00:00Z" },
          ],
        }),
      });
    try {
      expect((await report()).status).toBe(200);
      await server.stop();
      for (const request of [report, ingest, report]) {
        const started = Date.now();
        const response = await request();
        expect(response.status).toBe(503);
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
        const body = (await response.json()) as { error: { code: string }; requestId: string };
        expect(body.error.code).toBe("SERVICE_UNAVAILABLE");
        expect(body.requestId).toBe(response.headers.get("x-amzn-requestid"));
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      await server.start();
      const back = Date.now();
      let status = 0;
      while (Date.now() - back < 5_000 && status !== 200) {
        status = (await report()).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      gateway.closeAllConnections();
      await new Promise((resolve) => gateway.close(resolve));
    }
  }, 60_000);
});
