import { Segment } from "aws-xray-sdk-core";
import { sql } from "kysely";
import { createDatabase, LOCAL_LIMITS, type DatabaseHandle } from "../../../functions/db/connection";
import { setSharedDatabase } from "../../../functions/db/shared-database";
import { describeStatement } from "../../../functions/db/statements";
import { tracer } from "../../../functions/observability";
import { call, newStore } from "../../support/harness";

/**
 * X-Ray subsegments around database statements (issue 11, Observability): one per statement,
 * named by its operation, with operation and table as annotations, and never a parameter value
 * (nor an error message, which can quote one). Inspected on a real X-Ray SDK segment handed to
 * the pool as the current segment (no daemon: nothing is sent, the segment is never closed).
 */
interface SubsegmentJson {
  name: string;
  annotations?: Record<string, unknown>;
  metadata?: Record<string, Record<string, unknown>>;
  error?: boolean;
  fault?: boolean;
  in_progress?: boolean;
  end_time?: number;
}

describe("X-Ray subsegments around statements", () => {
  let segment: Segment;
  let handle: DatabaseHandle;

  beforeEach(() => {
    segment = new Segment("analytics-test");
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! }, LOCAL_LIMITS, undefined, {
      tracer: { isTracingEnabled: () => true, getSegment: () => segment },
    });
  });

  afterEach(async () => {
    setSharedDatabase(undefined);
    await handle.db.destroy();
  });

  const subsegments = () =>
    (JSON.parse(JSON.stringify(segment)) as { subsegments?: SubsegmentJson[] }).subsegments ?? [];

  it("one closed subsegment per statement, with the operation and table, no parameter values anywhere", async () => {
    const secret = `secret-store-name-${Date.now()}`;
    await handle.db.selectFrom("stores").select("id").where("name", "=", secret).execute();
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto("stores")
          .values({ name: secret, currency: "USD", timezone: "UTC", created_at: new Date() })
          .execute();
        throw new Error("roll it back");
      }),
    ).rejects.toThrow("roll it back");
    await expect(sql`select * from no_such_table where name = ${secret}`.execute(handle.db)).rejects.toMatchObject({
      code: "ER_NO_SUCH_TABLE",
    });

    const subs = subsegments();
    expect(subs.map((s) => s.name)).toEqual([
      "mysql.select",
      "mysql.begin",
      "mysql.insert",
      "mysql.rollback",
      "mysql.select",
    ]);
    expect(subs.every((s) => s.end_time !== undefined && !s.in_progress)).toBe(true);
    expect(subs[0]!.annotations).toEqual({ db_operation: "SELECT", db_table: "stores" });
    expect(subs[0]!.metadata).toEqual({
      db: { statement: { operation: "SELECT", table: "stores", parameters: 1, rows: 0, errorCode: null } },
    });
    expect(subs[2]!.annotations).toEqual({ db_operation: "INSERT", db_table: "stores" });
    expect(subs[2]!.metadata?.db?.statement).toMatchObject({ parameters: 4, rows: 1 });
    const failed = subs[4]!;
    expect(failed.error).toBe(true);
    expect(failed.fault).toBeUndefined();
    expect(failed.annotations).toMatchObject({
      db_operation: "SELECT",
      db_table: "no_such_table",
      db_error_code: "ER_NO_SUCH_TABLE",
    });
    expect(JSON.stringify(segment)).not.toContain(secret);
  });

  it("a real request: the key's store lookup and the report's statements each get one", async () => {
    setSharedDatabase(handle);
    const shop = await newStore(handle);
    segment = new Segment("reports"); // only the request's statements
    const result = await call("GET", "/api/v1/reports/summary", {
      store: shop,
      query: { from: "2026-01-01", to: "2026-01-31" },
    });
    expect(result.status).toBe(200);
    const subs = subsegments();
    expect(subs.length).toBeGreaterThanOrEqual(2);
    expect(subs[0]).toMatchObject({
      name: "mysql.select",
      annotations: { db_operation: "SELECT", db_table: "api_keys" },
    });
    expect(subs.every((s) => s.name === "mysql.select" && s.end_time !== undefined)).toBe(true);
    expect(JSON.stringify(segment)).not.toContain(shop.keyId);
  });

  it("with Powertools' Tracer disabled (as outside Lambda), statements run and nothing is traced", async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const plain = createDatabase({ kind: "url", url: process.env.MYSQL_URL! }, LOCAL_LIMITS, undefined, { tracer });
    try {
      const rows = await sql<{ one: number }>`select 1 as one`.execute(plain.db);
      expect(rows.rows).toEqual([{ one: 1 }]);
    } finally {
      await plain.db.destroy();
    }
  });

  it("names operations and tables from the SQL alone", () => {
    expect(describeStatement("select `id` from `stores` where `name` = ?")).toEqual({
      operation: "SELECT",
      table: "stores",
      repeatable: true,
    });
    expect(describeStatement("insert into `orders` (`id`) values (?)")).toEqual({
      operation: "INSERT",
      table: "orders",
      repeatable: false,
    });
    expect(describeStatement("update `api_keys` set `revoked_at` = ?")).toMatchObject({
      operation: "UPDATE",
      table: "api_keys",
    });
    expect(describeStatement("begin")).toEqual({ operation: "BEGIN", table: undefined, repeatable: true });
    expect(describeStatement("  (select 1)")).toMatchObject({ operation: "SELECT", repeatable: true });
    expect(describeStatement("select id from stores where id = ? for update")).toMatchObject({
      operation: "SELECT",
      repeatable: false,
    });
    expect(describeStatement("select get_lock('x', 1)")).toMatchObject({ repeatable: false });
    expect(describeStatement("with t as (select 1) delete from orders")).toMatchObject({
      operation: "OTHER",
      repeatable: false,
    });
  });
});
