import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { sql, type Kysely } from "kysely";
import { Migrator } from "kysely/migration";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { migrateToLatest } from "../../../functions/db/migrate";
import { migrations } from "../../../functions/db/migrations";
import type { Database, Store } from "../../../functions/db/schema";
import { ingestEvents } from "../../../functions/ingest/events";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ingestRefunds } from "../../../functions/ingest/refunds";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../../functions/ingest/schemas";
import { verifyRollups } from "../../../functions/rollups/verify";
import { createStore } from "../../../functions/stores/repository";
import { createTestDatabase, dropTestDatabase } from "../../support/test-database";

const MIGRATIONS_DIR = resolve(__dirname, "../../../functions/db/migrations");

describe("migrations are frozen", () => {
  const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith(".ts"));

  /** Every module a file names: static imports and re-exports, dynamic import() and require(). */
  function specifiers(source: string): string[] {
    const found: string[] = [];
    for (const pattern of [
      /\bfrom\s+["']([^"']+)["']/g,
      /\bimport\s+["']([^"']+)["']/g,
      /\b(?:import|require)\s*\(\s*["']([^"']+)["']/g,
    ]) {
      for (const match of source.matchAll(pattern)) found.push(match[1]);
    }
    return found;
  }

  test.each(files)("%s imports nothing from outside functions/db/migrations but kysely", (file) => {
    const source = readFileSync(join(MIGRATIONS_DIR, file), "utf8");
    expect(source).not.toMatch(/\b(?:import|require)\s*\(\s*[^"'\s]/); // no computed module names
    for (const specifier of specifiers(source)) {
      if (specifier === "kysely" || specifier.startsWith("kysely/")) continue;
      expect(specifier.startsWith("./")).toBe(true);
      expect(resolve(MIGRATIONS_DIR, specifier).startsWith(`${MIGRATIONS_DIR}/`)).toBe(true);
      expect(specifier).not.toContain("..");
    }
  });

  test("the check sees every kind of import", () => {
    expect(
      specifiers(
        `import { a } from "../x";\nimport type { B } from './y';\nimport "z";\n` +
          `export * from "w";\nawait import("v"); require("u");`,
      ),
    ).toEqual(["../x", "./y", "w", "z", "v", "u"]);
  });
});

/** Small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Instants where the zone's UTC offset changes between 2019 and 2025 (to the millisecond), by Intl. */
function transitions(timezone: string): number[] {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" });
  const offset = (ms: number) => format.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")!.value;
  const found: number[] = [];
  for (let ms = Date.UTC(2019, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 86_400_000) {
    if (offset(ms) === offset(ms + 86_400_000)) continue;
    let [low, high] = [ms, ms + 86_400_000];
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (offset(mid) === offset(low)) low = mid;
      else high = mid;
    }
    found.push(high);
  }
  return found;
}

/**
 * A store's history through the real ingestion path: paid and cancelled orders (some with no
 * customer, some changed by a later batch), refunds with and without lines, and sessions; its
 * instants at random over 2019-2024 and next to each of the zone's offset changes (and its local
 * midnights there), where a local day, week or month is easiest to get wrong.
 */
async function seedStore(db: Kysely<Database>, store: Store, seed: number): Promise<void> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const instants: number[] = [];
  for (const at of transitions(store.timezone)) instants.push(at - 1, at, at + 59_999, at - 3_600_000, at + 3_600_000);
  while (instants.length < 160) instants.push(Date.UTC(2019, 0, 1) + Math.floor(next() * 6 * 365 * 86_400_000));
  const iso = (ms: number) => new Date(ms).toISOString();

  const orders = instants.map((ms, i) => ({
    id: `o${i}`,
    createdAt: iso(ms),
    currency: "USD",
    status: next() < 0.85 ? "paid" : "cancelled",
    ...(next() < 0.9 ? { customerId: `c${Math.floor(next() * 25)}` } : {}),
    lines: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, line) => ({
      productId: pick(["p1", "p2", "p3", "p4"]),
      productName: `Product ${line}`,
      quantity: 1 + Math.floor(next() * 4),
      unitPrice: `${1 + Math.floor(next() * 300)}.${String(Math.floor(next() * 100)).padStart(2, "0")}`,
      ...(next() < 0.3 ? { discount: "0.50" } : {}),
    })),
    ...(next() < 0.5 ? { shipping: "4.99", tax: "1.25" } : {}),
  }));
  for (let i = 0; i < orders.length; i += 50) {
    await ingestOrders(db, store, ordersRequestSchema.parse({ orders: orders.slice(i, i + 50) }).orders);
  }
  // a later batch changes some orders: status both ways, and a customer's first order moving
  const changed = orders
    .filter(() => next() < 0.1)
    .map((order) => ({ ...order, status: order.status === "paid" ? "cancelled" : "paid" }));
  if (changed.length > 0) await ingestOrders(db, store, ordersRequestSchema.parse({ orders: changed }).orders);

  const refunded = orders.filter(() => next() < 0.25);
  const refunds = refunded.map((order, i) => {
    const ms = Math.min(Date.parse(order.createdAt) + Math.floor(next() * 90 * 86_400_000), Date.now());
    const line = order.lines[0];
    return {
      id: `r${i}`,
      orderId: order.id,
      createdAt: next() < 0.2 ? order.createdAt : iso(ms),
      amount: "3.00",
      ...(next() < 0.5 ? { lines: [{ productId: line.productId, quantity: 1, amount: "3.00" }] } : {}),
    };
  });
  if (refunds.length > 0) await ingestRefunds(db, store, refundsRequestSchema.parse({ refunds }).refunds);

  const steps = ["session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"] as const;
  const events = instants.slice(0, 60).flatMap((ms, session) =>
    steps.slice(0, 1 + Math.floor(next() * steps.length)).map((type, step) => ({
      id: `e${session}-${step}`,
      type,
      sessionId: `s${session}`,
      occurredAt: iso(ms + step * 60_000),
      ...(next() < 0.5 ? { customerId: `c${session % 25}` } : {}),
    })),
  );
  await ingestEvents(db, store, eventsRequestSchema.parse({ events }).events);
}

/** Every row a migration derives from the raw rows: the rollup tables and the customer timeline columns. */
async function derivedRows(db: Kysely<Database>): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    sales_slots: "store_id, span_minutes, slot_start",
    funnel_slots: "store_id, span_minutes, slot_start",
    product_days: "store_id, day, product_id",
    product_months: "store_id, month, product_id",
    product_totals: "store_id, product_id",
    cohort_cells: "store_id, interval_name, cohort_day, period",
    cohort_days: "store_id, local_day, cohort_day",
    gap_months: "store_id, prev_month, order_month",
    sales_local_days: "store_id, local_day",
  };
  const rows: Record<string, unknown[]> = {};
  for (const [table, key] of Object.entries(tables)) {
    const all = (await sql.raw<Record<string, unknown>>(`select * from ${table} order by ${key}`).execute(db)).rows;
    // Ingestion leaves a row of zeros where everything in it was taken back out (a paid order
    // cancelled); a backfill writes no such row. Both read the same, so compare without them.
    const keyColumns = key.split(", ");
    rows[table] = all.filter((row) =>
      Object.entries(row).some(([column, value]) => !keyColumns.includes(column) && Number(value) !== 0),
    );
  }
  rows.orders = (await sql`select store_id, id, prev_paid_at from orders order by store_id, id`.execute(db)).rows;
  rows.customers = (
    await sql`select store_id, id, first_paid_at, second_paid_at from customers order by store_id, id`.execute(db)
  ).rows;
  return rows;
}

describe("the migrations' backfills on a fresh database", () => {
  let url: string;
  let handle: DatabaseHandle;
  const stores: Store[] = [];

  beforeAll(async () => {
    url = await createTestDatabase(process.env.MYSQL_URL);
    handle = createDatabase({ kind: "url", url });
    await migrateToLatest(handle.db);
    const zones = [
      "UTC",
      "Asia/Kolkata",
      "America/Santiago",
      "Australia/Lord_Howe",
      "America/New_York",
      "Pacific/Chatham",
    ];
    for (const [i, timezone] of zones.entries()) {
      const { store } = await createStore(handle.db, { name: `Migrated ${timezone}`, currency: "USD", timezone });
      await seedStore(handle.db, store, 1000 + i);
      stores.push(store);
    }
    await createStore(handle.db, { name: "Empty store", currency: "USD", timezone: "Europe/Berlin" });
  }, 120_000);

  afterAll(async () => {
    await handle?.db.destroy();
    if (url) await dropTestDatabase(url);
  });

  test("the seeded stores' rollups, kept by ingestion, agree with their raw rows", async () => {
    for (const store of stores) expect(await verifyRollups(handle.db, store.id)).toEqual([]);
  });

  test("migrating down to the raw tables and up again derives exactly what ingestion kept", async () => {
    const kept = await derivedRows(handle.db);
    expect(kept.cohort_cells.length).toBeGreaterThan(100);
    expect(kept.cohort_days.length).toBeGreaterThan(100);
    expect(kept.gap_months.length).toBeGreaterThan(10);
    expect(kept.sales_local_days.length).toBeGreaterThan(100);

    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo("001-initial-schema");
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toEqual(Object.keys(migrations).slice(1).reverse());
    await migrateToLatest(handle.db);

    expect(await derivedRows(handle.db)).toEqual(kept);
    for (const store of stores) expect(await verifyRollups(handle.db, store.id)).toEqual([]);
  }, 120_000);
});
