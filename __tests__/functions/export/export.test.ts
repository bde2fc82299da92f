import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { sql } from "kysely";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { migrateToLatest } from "../../../functions/db/migrate";
import type { Store } from "../../../functions/db/schema";
import { exportHistory } from "../../../functions/export/run";
import { unscaledDecimal } from "../../../functions/export/parquet";
import { FolderSink } from "../../../functions/export/sink";
import { EXPORT_TABLES, TABLE_EXPORTS } from "../../../shared/export-tables";
import { HISTORY_QUERIES } from "../../../shared/history-queries";
import { ingestEvents } from "../../../functions/ingest/events";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ingestRefunds } from "../../../functions/ingest/refunds";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../../functions/ingest/schemas";
import { createStore } from "../../../functions/stores/repository";
import { createTestDatabase, dropTestDatabase } from "../../support/test-database";

jest.setTimeout(120_000);

const PREFIX = "raw/";
const DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"];

/** Every file under `root` with its bytes, by path relative to root. */
async function files(root: string): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(relative(root, path), await readFile(path));
  }
  return found;
}

function orders(storeSuffix: string) {
  return DAYS.flatMap((day, d) =>
    Array.from({ length: 4 }, (_, i) => ({
      id: `o${storeSuffix}-${d}-${i}`,
      createdAt: `${day}T${String(3 + i * 5).padStart(2, "0")}:15:00.123Z`,
      currency: "EUR",
      status: i === 3 ? "cancelled" : "paid",
      ...(i === 2 ? {} : { customerId: `c${i}` }),
      lines: Array.from({ length: 1 + (i % 3) }, (_, line) => ({
        productId: `p${line}`,
        productName: `Product ${line}`,
        quantity: 1 + line,
        unitPrice: `${1234567890 + i}.${String(17 + line * 31).padStart(2, "0")}`,
        ...(line === 1 ? { discount: "0.33" } : {}),
      })),
      ...(i % 2 === 0 ? { shipping: "4.99", tax: "1.07" } : {}),
    })),
  );
}

describe("history export against the real MySQL, read back with DuckDB", () => {
  let url: string;
  let handle: DatabaseHandle;
  let store: Store;
  let root: string;
  let instance: DuckDBInstance;
  let duck: DuckDBConnection;

  beforeAll(async () => {
    url = await createTestDatabase();
    handle = createDatabase({ kind: "url", url });
    await migrateToLatest(handle.db);
    ({ store } = await createStore(handle.db, { name: "Export", currency: "EUR", timezone: "Europe/Berlin" }));
    const { db } = handle;
    await ingestOrders(db, store, ordersRequestSchema.parse({ orders: orders("a") }).orders);
    const refunds = [
      { id: "r1", orderId: "oa-0-0", createdAt: "2026-11-02T10:00:00.000Z", amount: "3.25" },
      {
        id: "r2",
        orderId: "oa-1-1",
        createdAt: "2026-11-03T11:00:00.000Z",
        amount: "1234567890.18",
        lines: [{ productId: "p0", quantity: 1, amount: "1234567890.18" }],
      },
    ];
    await ingestRefunds(db, store, refundsRequestSchema.parse({ refunds }).refunds);
    const events = DAYS.flatMap((day, d) =>
      (["session_start", "product_view", "add_to_cart"] as const).map((type, i) => ({
        id: `e${d}-${i}`,
        type,
        sessionId: `s${d}`,
        occurredAt: `${day}T12:0${i}:00.000Z`,
        ...(i > 0 ? { productId: "p0" } : {}),
      })),
    );
    await ingestEvents(db, store, eventsRequestSchema.parse({ events }).events);
    root = await mkdtemp(join(tmpdir(), "history-export-"));
    instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    duck = await instance.connect();
  });

  afterAll(async () => {
    duck?.closeSync();
    instance?.closeSync();
    await handle?.db.destroy();
    if (url) await dropTestDatabase(url);
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** The table's files as DuckDB reads them, every value as text (decimals exact, times as ISO UTC). */
  async function parquetRows(table: string): Promise<string[]> {
    const spec = TABLE_EXPORTS[table as keyof typeof TABLE_EXPORTS];
    const columns = spec.columns.map((c) =>
      c.kind === "timestamp"
        ? `strftime(${c.name} at time zone 'UTC', '%Y-%m-%dT%H:%M:%S.%g') as ${c.name}`
        : `cast(${c.name} as varchar) as ${c.name}`,
    );
    const reader = await duck.runAndReadAll(
      `select cast(store_id as varchar) as store_id, ${columns.join(", ")} ` +
        `from read_parquet('${root}/${PREFIX}table=${table}/*/*/*.parquet', hive_partitioning = true) ` +
        `order by ${spec.orderBy.join(", ")}`,
    );
    return reader.getRowObjectsJS().map((row) => JSON.stringify(row));
  }

  async function mysqlRows(table: string): Promise<string[]> {
    const spec = TABLE_EXPORTS[table as keyof typeof TABLE_EXPORTS];
    const columns = spec.columns.map((c) =>
      c.kind === "timestamp"
        ? sql`date_format(${sql.ref(c.name)}, '%Y-%m-%dT%H:%i:%s.%f') as ${sql.ref(c.name)}`
        : sql`cast(${sql.ref(c.name)} as char) as ${sql.ref(c.name)}`,
    );
    const { rows } = await sql<Record<string, string | null>>`
      select cast(store_id as char) as store_id, ${sql.join(columns)} from ${sql.table(table)}
      order by ${sql.join(spec.orderBy.map((c) => sql.ref(c)))}`.execute(handle.db);
    return rows.map((row) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            // microseconds in MySQL's text, milliseconds in DuckDB's; DATETIME(3) has no more
            typeof v === "string" && spec.columns.find((c) => c.name === k)?.kind === "timestamp" ? v.slice(0, 23) : v,
          ]),
        ),
      ),
    );
  }

  test("writes one Hive-style file per table, store and UTC day", async () => {
    const summary = await exportHistory(handle.db, new FolderSink(root), { prefix: PREFIX });
    expect(summary.deleted).toEqual([]);
    const keys = [...(await files(root)).keys()].sort();
    expect(keys).toEqual(summary.written.slice().sort());
    expect(keys).toContain(`${PREFIX}table=orders/store_id=${store.id}/day=2026-11-03/part-0.parquet`);
    expect(keys.filter((k) => k.includes("table=orders/"))).toHaveLength(3);
    expect(keys.filter((k) => k.includes("table=order_lines/"))).toHaveLength(3);
    expect(keys.filter((k) => k.includes("table=events/"))).toHaveLength(3);
    expect(keys.filter((k) => k.includes("table=refunds/"))).toHaveLength(2);
    expect(keys.filter((k) => k.includes("table=refund_lines/"))).toHaveLength(1);
  });

  test.each(EXPORT_TABLES)("%s read back with DuckDB equals the MySQL rows (decimals exact, UTC times)", async (t) => {
    const fromMysql = await mysqlRows(t);
    expect(fromMysql.length).toBeGreaterThan(0);
    expect(await parquetRows(t)).toEqual(fromMysql);
  });

  test("money is a DECIMAL(19,4) column and times are UTC timestamps in the Parquet schema", async () => {
    const reader = await duck.runAndReadAll(
      `select name, type from parquet_schema('${root}/${PREFIX}table=orders/*/*/*.parquet') ` +
        `where name in ('total', 'created_at') group by all order by name`,
    );
    expect(reader.getRowObjectsJS()).toEqual([
      { name: "created_at", type: "INT64" },
      { name: "total", type: "FIXED_LEN_BYTE_ARRAY" },
    ]);
    const types = await duck.runAndReadAll(
      `describe select total, created_at from read_parquet('${root}/${PREFIX}table=orders/*/*/*.parquet')`,
    );
    expect(types.getRowObjectsJS().map((r) => r.column_type)).toEqual(["DECIMAL(19,4)", "TIMESTAMP WITH TIME ZONE"]);
    expect(unscaledDecimal("-12.3")).toBe(-123000n);
    expect(unscaledDecimal("1234567890.1234")).toBe(12345678901234n);
  });

  test("a run past its deadline stops before the next day; the next run carries on", async () => {
    const partial = await mkdtemp(join(tmpdir(), "history-export-partial-"));
    const db = handle.db;
    try {
      const saved = await db.selectFrom("export_days").selectAll().execute();
      await db.deleteFrom("export_days").execute();
      const stopped = await exportHistory(db, new FolderSink(partial), { prefix: PREFIX, deadline: Date.now() - 1 });
      expect(stopped).toMatchObject({ complete: false, written: [] });
      const resumed = await exportHistory(db, new FolderSink(partial), { prefix: PREFIX });
      expect(resumed.complete).toBe(true);
      expect(resumed.written.length).toBe(saved.length);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  });

  test("a re-run writes nothing, and a fresh export writes the same bytes", async () => {
    const before = await files(root);
    const again = await exportHistory(handle.db, new FolderSink(root), { prefix: PREFIX });
    expect(again.written).toEqual([]);
    expect(again.deleted).toEqual([]);

    const fresh = await mkdtemp(join(tmpdir(), "history-export-fresh-"));
    try {
      await handle.db.deleteFrom("export_days").execute();
      const rewritten = await exportHistory(handle.db, new FolderSink(fresh), { prefix: PREFIX });
      expect(rewritten.written.sort()).toEqual([...before.keys()].sort());
      const after = await files(fresh);
      for (const [key, bytes] of before) expect(after.get(key)?.equals(bytes)).toBe(true);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  test("a late event, a changed order and a re-sent refund rewrite only the days they change", async () => {
    const before = await files(root);
    const { db } = handle;
    await ingestEvents(
      db,
      store,
      eventsRequestSchema.parse({
        events: [{ id: "late", type: "page_view", sessionId: "s0", occurredAt: "2026-11-01T23:59:59.999Z" }],
      }).events,
    );
    const changed = orders("a").filter((o) => o.id === "oa-1-0");
    await ingestOrders(
      db,
      store,
      ordersRequestSchema.parse({ orders: changed.map((o) => ({ ...o, status: "cancelled" })) }).orders,
    );
    // r2 re-sent with another amount: ingest replaces it (same count, same day)
    await ingestRefunds(
      db,
      store,
      refundsRequestSchema.parse({
        refunds: [
          {
            id: "r2",
            orderId: "oa-1-1",
            createdAt: "2026-11-03T11:00:00.000Z",
            amount: "1234567890.19",
            lines: [{ productId: "p0", quantity: 1, amount: "1234567890.19" }],
          },
        ],
      }).refunds,
    );
    const summary = await exportHistory(db, new FolderSink(root), { prefix: PREFIX });
    const day = (d: string, t: string) => `${PREFIX}table=${t}/store_id=${store.id}/day=${d}/part-0.parquet`;
    // cancelling c0's 2 Nov order moves prev_paid_at of c0's 3 Nov order (ingest does not touch its updated_at)
    expect(summary.written.sort()).toEqual(
      [
        day("2026-11-01", "events"),
        day("2026-11-02", "orders"),
        day("2026-11-02", "order_lines"),
        day("2026-11-03", "orders"),
        day("2026-11-03", "order_lines"),
        day("2026-11-03", "refunds"),
        day("2026-11-03", "refund_lines"),
      ].sort(),
    );
    const after = await files(root);
    for (const [key, bytes] of before) {
      if (!summary.written.includes(key)) expect([key, after.get(key)?.equals(bytes)]).toEqual([key, true]);
    }
    for (const t of EXPORT_TABLES) expect(await parquetRows(t)).toEqual(await mysqlRows(t));
  });

  test.each(HISTORY_QUERIES.map((q) => [q.name, q] as const))(
    "the Athena named query %s runs with DuckDB over the exported files",
    async (_name, query) => {
      await duck.run("set TimeZone = 'UTC'");
      for (const table of EXPORT_TABLES) {
        // As Glue declares them: the partitions store_id and day are strings.
        await duck.run(
          `create or replace view ${table} as select * from ` +
            `read_parquet('${root}/${PREFIX}table=${table}/*/*/*.parquet', hive_partitioning = true, ` +
            `hive_types_autocast = false)`,
        );
      }
      const values = { store_id: String(store.id), from_day: "2026-11-01", to_day: "2026-11-03" };
      const reader = await duck.runAndReadAll(
        query.sql,
        query.parameters.map((p) => values[p]),
      );
      // decimals as their exact text (getRowObjectsJS would make them numbers)
      const rows = reader.getRowObjectsJson() as Record<string, string | number | null>[];
      expect(rows.length).toBeGreaterThan(0);
      if (query.name === "summary") {
        const { rows: mysql } = await sql<{ orders: number; gross: string; discounts: string }>`
          select count(*) as orders, cast(sum(gross_sales) as char) as gross, cast(sum(discounts) as char) as discounts
          from orders where store_id = ${store.id} and status = 'paid'`.execute(handle.db);
        const returns = await sql<{ returns: string }>`
          select cast(coalesce(sum(r.amount), 0) as char) as returns from refunds r
          join orders o on o.store_id = r.store_id and o.id = r.order_id and o.status = 'paid'
          where r.store_id = ${store.id}`.execute(handle.db);
        const row = rows[0];
        expect(Number(row.orders)).toBe(Number(mysql[0].orders));
        expect(unscaledDecimal(String(row.gross_sales))).toBe(unscaledDecimal(mysql[0].gross));
        expect(unscaledDecimal(String(row.discounts))).toBe(unscaledDecimal(mysql[0].discounts));
        expect(unscaledDecimal(String(row.returns))).toBe(unscaledDecimal(returns.rows[0].returns));
      }
    },
  );
});
