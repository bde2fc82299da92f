import { sql } from "kysely";
import { createConnection } from "mysql2/promise";
import {
  createDatabase,
  LAMBDA_LIMITS,
  LOCAL_LIMITS,
  type DatabaseHandle,
  type DatabaseLimits,
} from "../../../functions/db/connection";
import { isDatabaseUnavailable } from "../../../functions/db/errors";
import { migrateToLatest } from "../../../functions/db/migrate";
import { REQUEST_DATABASE_BUDGET_MS, withDatabaseDeadline } from "../../../functions/db/request-deadline";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { toApiError } from "../../../functions/middleware/error-handler";
import { createStore } from "../../../functions/stores/repository";
import { FaultServer, hasServerBinary } from "../../support/fault-server";
import { call, type TestStore } from "../../support/harness";

/**
 * The pool guard (functions/db/guarded-pool.ts) against a private server this file hangs
 * (SIGSTOP), resumes, and whose connections it kills: bounded waits, broken connections
 * destroyed, transactions all-or-nothing, the breaker's trial never stuck, idle connections that
 * died retried once for reads only. Issue 11, items 8, 9 and 11.
 */
const describeWithServer = hasServerBinary ? describe : describe.skip;
const DATABASE = "guard";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithServer("the pool guard", () => {
  const fault = new FaultServer("analytics-guard");
  const handles: DatabaseHandle[] = [];
  let url: string;
  let shop: TestStore;

  function open(overrides: Partial<DatabaseLimits> = {}, base: DatabaseLimits = LOCAL_LIMITS): DatabaseHandle {
    const handle = createDatabase({ kind: "url", url }, { ...base, ...overrides });
    handles.push(handle);
    return handle;
  }

  async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition()) return true;
      await sleep(50);
    }
    return false;
  }

  const order = (id: string, productId = "sku-guard") => ({
    orders: [
      {
        id,
        customerId: `c-${id}`,
        createdAt: "2026-03-10T10:00:00Z",
        currency: "USD",
        status: "paid",
        lines: [
          { productId, productName: "Guarded mug", quantity: 2, unitPrice: "12.50" },
          { productId: `${productId}-b`, productName: "Saucer", quantity: 1, unitPrice: "3.00" },
        ],
      },
    ],
  });

  async function countRows(table: "orders" | "order_lines", orderId: string): Promise<number> {
    const admin = await createConnection({ uri: url });
    try {
      const column = table === "orders" ? "id" : "order_id";
      const [rows] = await admin.query(`select count(*) as n from ${table} where store_id = ? and ${column} = ?`, [
        shop.store.id,
        orderId,
      ]);
      return Number((rows as { n: number }[])[0]!.n);
    } finally {
      await admin.end();
    }
  }

  /**
   * InnoDB's open transactions on the private server, with their connections and states, so a
   * failing wait says what is still open (only this file's tests use the server).
   */
  async function openTransactions(threadId?: number): Promise<string[]> {
    const admin = await createConnection({ uri: url });
    try {
      const [rows] = await admin.query(
        "select trx_mysql_thread_id as thread, trx_state as state, trx_started as started, trx_query as query" +
          " from information_schema.innodb_trx where ? is null or trx_mysql_thread_id = ?",
        [threadId ?? null, threadId ?? null],
      );
      return (rows as { thread: number; state: string; started: Date; query: string | null }[]).map(
        (row) => `thread ${row.thread} ${row.state} since ${row.started.toISOString()}: ${row.query ?? "(idle)"}`,
      );
    } finally {
      await admin.end();
    }
  }

  /** Waits up to `timeoutMs` for no open transaction (on `threadId`, when given); returns those still open. */
  async function transactionsStillOpen(timeoutMs: number, threadId?: number): Promise<string[]> {
    let open: string[] = [];
    await waitUntil(async () => (open = await openTransactions(threadId)).length === 0, timeoutMs);
    return open;
  }

  beforeAll(async () => {
    await fault.start();
    url = await fault.database(DATABASE);
    const setup = open();
    await migrateToLatest(setup.db);
    const created = await createStore(setup.db, { name: "Guarded", currency: "USD", timezone: "UTC" });
    shop = { store: created.store, keyId: created.keyId, apiKey: created.apiKey };
  }, 120_000);

  afterEach(() => {
    fault.resume();
    setSharedDatabase(undefined);
  });

  afterAll(async () => {
    fault.resume();
    for (const handle of handles) await handle.db.destroy().catch(() => undefined);
    await fault.dispose();
  }, 60_000);

  it("a statement timeout on a hung server fails the transaction at once; connection destroyed", async () => {
    const handle = open({ connectionLimit: 2, queryTimeoutMs: 800 });
    const resumeAnyway = setTimeout(() => fault.resume(), 5_000); // bounds the test on code that waits for the server
    let threadId = 0;
    const started = Date.now();
    try {
      const transaction = handle.db.transaction().execute(async (trx) => {
        threadId = Number((await sql<{ id: number }>`select connection_id() as id`.execute(trx)).rows[0]!.id);
        fault.hang();
        await sql`select 1`.execute(trx);
      });
      await expect(transaction).rejects.toMatchObject({ code: "PROTOCOL_SEQUENCE_TIMEOUT" });
      // the statement's 800 ms, not the hang: Kysely's ROLLBACK does not queue behind the hung statement
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      clearTimeout(resumeAnyway);
      fault.resume();
    }
    expect(await waitUntil(async () => !(await fault.connectionIds(DATABASE)).includes(threadId), 5_000)).toBe(true);
    const next = await sql<{ id: number }>`select connection_id() as id`.execute(handle.db);
    expect(Number(next.rows[0]!.id)).not.toBe(threadId);
  }, 20_000);

  it("an ingest timing out mid-transaction stores nothing; an acknowledged one is all there", async () => {
    const handle = open();
    setSharedDatabase(handle);
    expect((await call("POST", "/api/v1/orders", { store: shop, body: order("lock-a") })).status).toBe(200);

    // Another transaction locks the products' rollup rows: the next ingest inserts its order and
    // lines, then waits on the rollup upsert until the request's budget ends.
    const locker = await createConnection({ uri: url });
    await locker.query("begin");
    await locker.query("select * from product_days where store_id = ? for update", [shop.store.id]);
    const unlockAnyway = setTimeout(() => void locker.query("rollback").catch(() => undefined), 8_000);
    const started = Date.now();
    let blocked;
    try {
      blocked = await call("POST", "/api/v1/orders", { store: shop, body: order("lock-b") });
    } finally {
      clearTimeout(unlockAnyway);
      await locker.query("rollback").catch(() => undefined);
      await locker.end();
    }
    const elapsed = Date.now() - started;
    expect(blocked.status).toBe(503);
    expect(Number(blocked.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeLessThan(5_000);
    // its connection was closed: the server rolls its transaction back (once the lock wait ends)
    expect(await transactionsStillOpen(10_000)).toEqual([]);
    expect(await countRows("orders", "lock-b")).toBe(0);
    expect(await countRows("order_lines", "lock-b")).toBe(0);

    const acknowledged = await call("POST", "/api/v1/orders", { store: shop, body: order("lock-c") });
    expect(acknowledged.status).toBe(200);
    expect(await countRows("orders", "lock-c")).toBe(1);
    expect(await countRows("order_lines", "lock-c")).toBe(2);
  }, 30_000);

  it("past the budget a transaction's own error is thrown (ROLLBACK ends the connection); no commit", async () => {
    const handle = open();
    const name = `late-${Date.now()}`;
    let threadId = 0;
    const outcome = withDatabaseDeadline(300, () =>
      handle.db.transaction().execute(async (trx) => {
        threadId = Number((await sql<{ id: number }>`select connection_id() as id`.execute(trx)).rows[0]!.id);
        await trx
          .insertInto("stores")
          .values({ name, currency: "USD", timezone: "UTC", created_at: new Date() })
          .execute();
        await sleep(400);
        throw new Error("refused after checking the batch");
      }),
    );
    await expect(outcome).rejects.toThrow("refused after checking the batch");
    // its connection closed, so the server rolled the insert back
    expect(await waitUntil(async () => !(await fault.connectionIds(DATABASE)).includes(threadId), 10_000)).toBe(true);
    expect(await transactionsStillOpen(10_000, threadId)).toEqual([]);
    expect(await handle.db.selectFrom("stores").select("id").where("name", "=", name).execute()).toEqual([]);
  }, 30_000);

  it("in a request, connection waits are bounded (queue + connect); timeouts count against the breaker", async () => {
    const handle = open({
      connectionLimit: 1,
      acquireTimeoutMs: 300,
      breakerFailureThreshold: 1,
      breakerOpenMs: 60_000,
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const releaseAnyway = setTimeout(() => release(), 4_000);
    const holder = handle.db.connection().execute(async (connection) => {
      await sql`select 1`.execute(connection);
      await held;
    });
    await sleep(100);
    const started = Date.now();
    let error: unknown;
    try {
      await withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => sql`select 1`.execute(handle.db));
    } catch (caught) {
      error = caught;
    }
    const waited = Date.now() - started;
    release();
    clearTimeout(releaseAnyway);
    await holder;
    expect(error).toMatchObject({ code: "DB_ACQUIRE_TIMEOUT" });
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(1_000);
    expect(toApiError(error)).toMatchObject({ status: 503, headers: { "Retry-After": expect.any(String) } });
    expect(handle.breaker.state).toBe("open");
    await expect(
      withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => sql`select 1`.execute(handle.db)),
    ).rejects.toMatchObject({ code: "CIRCUIT_OPEN" });
  }, 20_000);

  it("outside a request (CLIs, loaders, migrations) a connection wait is mysql2's: gets one on release", async () => {
    const handle = open({ connectionLimit: 1, acquireTimeoutMs: 300 });
    const holder = handle.db.connection().execute(async (connection) => {
      await sql`select 1`.execute(connection);
      await sleep(800);
    });
    await sleep(50);
    const started = Date.now();
    await expect(sql`select 1 as one`.execute(handle.db)).resolves.toMatchObject({ rows: [{ one: 1 }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    await holder;
  }, 20_000);

  it("a half-open trial failing with a non-connection error (unknown db) doesn't keep the breaker open", async () => {
    const other = "guard_trial";
    const trialUrl = await fault.database(other);
    const handle = createDatabase(
      { kind: "url", url: trialUrl },
      {
        ...LOCAL_LIMITS,
        connectionLimit: 1,
        connectTimeoutMs: 300,
        acquireTimeoutMs: 300,
        queryTimeoutMs: 300,
        breakerFailureThreshold: 2,
        breakerOpenMs: 400,
      },
    );
    handles.push(handle);
    const admin = await createConnection({ uri: fault.server.url });
    try {
      await sql`select 1`.execute(handle.db);
      fault.hang();
      await expect(sql`select 1`.execute(handle.db)).rejects.toBeDefined(); // statement timeout
      await expect(sql`select 1`.execute(handle.db)).rejects.toBeDefined(); // connect timeout
      fault.resume();
      expect(handle.breaker.state).toBe("open");
      await admin.query(`drop database ${other}`);
      await sleep(500);
      // the trial: a new connection, refused with ER_BAD_DB_ERROR
      const trial = await sql`select 1`.execute(handle.db).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(trial).toMatchObject({ code: "ER_BAD_DB_ERROR" });
      await admin.query(`create database ${other}`);
      // service resumes by itself: the failed trial re-opened the breaker for 400 ms only
      const resumed = await waitUntil(
        () =>
          sql`select 1`.execute(handle.db).then(
            () => true,
            () => false,
          ),
        3_000,
      );
      expect(resumed).toBe(true);
      expect(handle.breaker.state).toBe("closed");
      expect(isDatabaseUnavailable(trial)).toBe(true); // and the trial's own answer was 503, not 500
    } finally {
      fault.resume();
      await admin.end();
    }
  }, 30_000);

  it("Lambda-sized pool, hung server: each keyed request gets 503 + Retry-After within 5 s, then 200", async () => {
    const handle = open({}, LAMBDA_LIMITS);
    setSharedDatabase(handle);
    expect(
      (await call("GET", "/api/v1/reports/summary", { store: shop, query: { from: "2026-03-01", to: "2026-03-31" } }))
        .status,
    ).toBe(200);
    fault.hang();
    const resumeAnyway = setTimeout(() => fault.resume(), 9_000);
    const results: { status: number; ms: number; retryAfter?: string; code?: string }[] = [];
    try {
      const requests = Array.from({ length: 12 }, async (_, i) => {
        await sleep(i * 150);
        const started = Date.now();
        const result =
          i % 2 === 0
            ? await call("GET", "/api/v1/reports/summary", {
                store: shop,
                query: { from: "2026-03-01", to: "2026-03-31" },
              })
            : await call("POST", "/api/v1/orders", { store: shop, body: order(`hung-${i}`) });
        results.push({
          status: result.status,
          ms: Date.now() - started,
          retryAfter: result.headers["Retry-After"],
          code: result.body?.error?.code,
        });
      });
      await Promise.all(requests);
    } finally {
      clearTimeout(resumeAnyway);
      fault.resume();
    }
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(503));
    expect(results.every((r) => Number(r.retryAfter) >= 1 && r.code === "SERVICE_UNAVAILABLE")).toBe(true);
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(5_000);
    const back = Date.now();
    const ok = await waitUntil(
      async () =>
        (await call("GET", "/api/v1/reports/summary", { store: shop, query: { from: "2026-03-01", to: "2026-03-31" } }))
          .status === 200,
      5_000,
    );
    expect(ok).toBe(true);
    expect(Date.now() - back).toBeLessThan(5_000);
  }, 40_000);

  describe("a pooled connection that died while idle", () => {
    it("does not fail a report: the read is sent again on a fresh connection", async () => {
      const handle = open({ connectionLimit: 1 });
      setSharedDatabase(handle);
      const report = () =>
        call("GET", "/api/v1/reports/summary", { store: shop, query: { from: "2026-03-01", to: "2026-03-31" } });
      expect((await report()).status).toBe(200);
      const idle = await fault.connectionIds(DATABASE);
      const ours = (await sql<{ id: number }>`select connection_id() as id`.execute(handle.db)).rows.map((r) =>
        Number(r.id),
      );
      expect(idle).toEqual(expect.arrayContaining(ours));
      fault.killConnectionsWhileFrozen(ours);
      const after = await report();
      expect(after.status).toBe(200);
      expect(after.body.orders).toBeGreaterThanOrEqual(1);
    }, 30_000);

    it("several idle connections killed at once: one retry suffices (ones idle as long are not trusted)", async () => {
      const handle = open({ connectionLimit: 3 });
      // three connections, all idle afterwards
      const ids = await Promise.all(
        [0, 1, 2].map(() =>
          handle.db.connection().execute(async (c) => {
            const id = Number((await sql<{ id: number }>`select connection_id() as id`.execute(c)).rows[0]!.id);
            await sleep(100);
            return id;
          }),
        ),
      );
      expect(new Set(ids).size).toBe(3);
      fault.killConnectionsWhileFrozen(ids);
      const rows = await handle.db.selectFrom("stores").select("id").where("id", "=", shop.store.id).execute();
      expect(rows).toEqual([{ id: shop.store.id }]);
    }, 30_000);

    it("never sends a write again: an INSERT on it fails (503) and is stored once at most", async () => {
      const handle = open({ connectionLimit: 1 });
      const ours = (await sql<{ id: number }>`select connection_id() as id`.execute(handle.db)).rows.map((r) =>
        Number(r.id),
      );
      fault.killConnectionsWhileFrozen(ours);
      const name = `written-once-${Date.now()}`;
      const insert = handle.db
        .insertInto("stores")
        .values({ name, currency: "USD", timezone: "UTC", created_at: new Date() })
        .execute();
      const error = await insert.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeDefined();
      expect(toApiError(error).status).toBe(503);
      const stored = await handle.db.selectFrom("stores").select("id").where("name", "=", name).execute();
      expect(stored).toHaveLength(0);
    }, 30_000);
  });
});
