import { Kysely, MysqlDialect, sql } from "kysely";
import { createPool, type Pool } from "mysql2";
import { CircuitBreaker } from "../../../functions/db/circuit-breaker";
import { readerTargetFromEnv, type DatabaseHandle } from "../../../functions/db/connection";
import type { Database } from "../../../functions/db/schema";
import { setSharedDatabase, sharedDatabase, sharedReaderDatabase } from "../../../functions/db/shared-database";
import { call, newStore, type TestStore } from "../../support/harness";

/**
 * The two pools (docs/read-replicas.md), on the real test server: the writer and the reader are two
 * pools to the one database, as the local server runs them, and each counts the connections taken
 * from it (mysql2's `acquire` event): which pool served a request is a fact of the run, not a mock.
 */
interface CountedHandle extends DatabaseHandle {
  acquired: () => number;
  pool: Pool;
}

/** `readOnly`: every connection in a read-only session, as on an Aurora reader (read_only=ON): a write fails. */
function countedHandle(readOnly = false): CountedHandle {
  const pool = createPool({ uri: process.env.MYSQL_URL!, timezone: "Z", connectionLimit: 2, charset: "utf8mb4_bin" });
  if (readOnly) pool.on("connection", (connection) => connection.query("SET SESSION TRANSACTION READ ONLY"));
  let acquired = 0;
  pool.on("acquire", () => (acquired += 1));
  return {
    db: new Kysely<Database>({ dialect: new MysqlDialect({ pool }) }),
    breaker: new CircuitBreaker({ failureThreshold: 3, openMs: 2_000 }),
    acquired: () => acquired,
    pool,
  };
}

describe("reports read from the reader pool, ingestion writes through the writer's", () => {
  let writer: CountedHandle;
  let reader: CountedHandle;
  let shop: TestStore;
  beforeAll(async () => {
    writer = countedHandle();
    reader = countedHandle(true);
    setSharedDatabase(writer, reader);
    shop = await newStore(writer);
  });
  afterAll(async () => {
    setSharedDatabase(undefined);
    await writer.db.destroy();
    await reader.db.destroy();
  });

  /** Runs `request` and says how many connections each pool handed out meanwhile. */
  async function used(request: () => Promise<{ status: number }>) {
    const before = { writer: writer.acquired(), reader: reader.acquired() };
    const { status } = await request();
    return { status, writer: writer.acquired() - before.writer, reader: reader.acquired() - before.reader };
  }

  it.each(["summary", "sales", "products", "funnel", "cohorts", "realtime"])(
    "the %s report reads through the reader pool (the key is looked up on the writer)",
    async (report) => {
      const result = await used(() => call("GET", `/api/v1/reports/${report}`, { store: shop }));
      expect(result.status).toBe(200);
      expect(result.reader).toBeGreaterThan(0);
      // Only the API key lookup: a revoked key stops at once, never after a replica catches up.
      expect(result.writer).toBe(1);
    },
  );

  it("the reader pool is read-only here, as an Aurora reader is: every report above ran without writing", async () => {
    await expect(
      sql`insert into stores (name, currency, timezone) values ('x', 'USD', 'UTC')`.execute(reader.db),
    ).rejects.toThrow(/READ ONLY/i);
  });

  it.each(["strong", "Strong", " STRONG "])("X-Consistency: %j reads the report from the writer", async (value) => {
    const result = await used(() =>
      call("GET", "/api/v1/reports/summary", { store: shop, headers: { "X-Consistency": value } }),
    );
    expect(result.status).toBe(200);
    expect(result.reader).toBe(0);
    expect(result.writer).toBeGreaterThan(1);
  });

  it("any other X-Consistency value keeps the reader", async () => {
    const result = await used(() =>
      call("GET", "/api/v1/reports/summary", { store: shop, headers: { "x-consistency": "eventual" } }),
    );
    expect(result.reader).toBeGreaterThan(0);
  });

  it("an ingested event goes through the writer only, and a strong read right after it too", async () => {
    const ingested = await used(() =>
      call("POST", "/api/v1/events", {
        store: shop,
        body: {
          events: [{ id: "rw-1", type: "session_start", sessionId: "rw-s1", occurredAt: "2026-05-05T09:00:00Z" }],
        },
      }),
    );
    expect(ingested.status).toBe(200);
    expect(ingested.reader).toBe(0);
    expect(ingested.writer).toBeGreaterThan(0);
    const read = await used(() =>
      call("GET", "/api/v1/reports/funnel", {
        store: shop,
        query: { from: "2026-05-05", to: "2026-05-05" },
        headers: { "x-consistency": "strong" },
      }),
    );
    expect(read.status).toBe(200);
    expect(read.reader).toBe(0);
  });

  it("orders and refunds go to the writer only", async () => {
    for (const path of ["/api/v1/orders", "/api/v1/refunds"]) {
      const result = await used(() => call("POST", path, { store: shop, body: { orders: [], refunds: [] } }));
      expect(result.reader).toBe(0);
    }
  });
});

describe("where the reader pool points", () => {
  const aws = {
    DB_PROXY_ENDPOINT: "app.proxy-abc.eu-west-1.rds.amazonaws.com",
    DB_USER: "app",
    DB_NAME: "analytics",
    AWS_REGION: "eu-west-1",
  };

  it("the proxy's read-only endpoint, with the writer's user, database and IAM auth", () => {
    const reader = "app-read-only.endpoint.proxy-abc.eu-west-1.rds.amazonaws.com";
    expect(readerTargetFromEnv({ ...aws, DB_PROXY_READER_ENDPOINT: reader })).toEqual({
      kind: "iam",
      host: reader,
      port: 3306,
      user: "app",
      database: "analytics",
      region: "eu-west-1",
    });
  });

  it("no reader endpoint, or the writer's own: no reader target", () => {
    expect(readerTargetFromEnv(aws)).toBeUndefined();
    expect(readerTargetFromEnv({ ...aws, DB_PROXY_READER_ENDPOINT: aws.DB_PROXY_ENDPOINT })).toBeUndefined();
    // Locally (a URL) the reader is a second pool the local server sets, never one from the env.
    expect(readerTargetFromEnv({ MYSQL_URL: "mysql://root@127.0.0.1:3306/x" })).toBeUndefined();
  });

  it("without readers, reports share the writer's handle: one pool per Lambda, as before", () => {
    const writer = countedHandle();
    try {
      setSharedDatabase(writer);
      expect(sharedReaderDatabase({})).toBe(sharedDatabase({}));
      expect(sharedReaderDatabase({})).toBe(writer);
    } finally {
      setSharedDatabase(undefined);
      writer.pool.end();
    }
  });
});
