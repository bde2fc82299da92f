/**
 * The bench database: a fresh, migrated database holding one generated store, loaded through
 * the real validation and ingestion code (`ingestDemoBatch`) with a few batches in flight at
 * once, and a `bench_meta` row describing what was loaded so `--skip-load` can reuse it.
 */
import { sql, type Kysely } from "kysely";
import { createConnection } from "mysql2/promise";
import { createDatabase, LOCAL_LIMITS, type DatabaseHandle, type DatabaseLimits } from "../functions/db/connection";
import { migrateToLatest } from "../functions/db/migrate";
import type { Database, Store } from "../functions/db/schema";
import {
  createProgress,
  defaultDemoOptions,
  generateDemo,
  type DemoBatch,
  type DemoOptions,
  type ProgressStream,
} from "../tools/demo";
import { ingestDemoBatch, type DemoCounts } from "../tools/demo/seed";
import { ensureDatabase, quoteIdentifier, withDatabase } from "../tools/local/mysql-probe";
import { minorUnits } from "../functions/money/currency";
import { createStore, rotateKey } from "../functions/stores/repository";
import type { BenchOptions } from "./options";
import { DAY_MS } from "../functions/time";

/**
 * Local limits with a long statement timeout: the point is to measure slow reports, not to cut
 * them at Lambda's 10 s (BENCHMARKS.md says which would be cut).
 */
export const BENCH_LIMITS: DatabaseLimits = { ...LOCAL_LIMITS, connectionLimit: 10, queryTimeoutMs: 900_000 };

export interface Scale {
  orders: number;
  lines: number;
  products: number;
  customers: number;
  sessions: number;
  events: number;
  refunds: number;
  loadSeconds: number;
}

export interface BenchMeta {
  storeId: number;
  demo: {
    seed: number;
    orders: number;
    products: number;
    customers: number;
    years: number;
    sessionsPerOrder: number;
    currency: string;
    timezone: string;
    start: string;
    end: string;
  };
  counts: DemoCounts;
  scale: Scale;
  loadedAt: string;
}

export interface LoadedStore {
  meta: BenchMeta;
  store: Store;
  keyId: string;
  apiKey: string;
}

export function databaseUrl(options: Pick<BenchOptions, "serverUrl" | "database">): string {
  return withDatabase(options.serverUrl, options.database);
}

export function openDatabase(url: string): DatabaseHandle {
  return createDatabase({ kind: "url", url }, BENCH_LIMITS);
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  if (!database.startsWith("analytics_bench")) throw new Error(`refusing to drop ${database}`);
  const connection = await createConnection(serverUrl);
  try {
    await connection.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)}`);
  } finally {
    await connection.end();
  }
}

/** Drops and recreates the bench database, migrated to the latest schema. */
export async function freshDatabase(options: Pick<BenchOptions, "serverUrl" | "database">): Promise<void> {
  await dropDatabase(options.serverUrl, options.database);
  const url = databaseUrl(options);
  await ensureDatabase(url);
  const handle = openDatabase(url);
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.db.destroy();
  }
}

export function demoOptionsFor(options: BenchOptions, end: Date): DemoOptions {
  const demo = defaultDemoOptions({
    seed: options.seed,
    orders: options.orders,
    products: options.products,
    customers: options.customers,
    sessionsPerOrder: options.sessionsPerOrder,
    start: new Date(end.getTime() - options.years * 365 * DAY_MS),
    end,
  });
  demo.minorUnits = minorUnits(demo.currency);
  return demo;
}

/** The number at the end of a generator id ("ord-000123" -> 123); Infinity when there is none. */
function sequenceOf(id: string): number {
  const match = /(\d+)$/.exec(id);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/**
 * The order batches an item must wait for: a refund needs its order stored, and a cancellation
 * re-send must land after the original. The generator numbers orders in sequence, so a batch
 * waits for the in-flight orders batches holding a sequence number up to the highest it refers to.
 */
function dependsOnOrdersUpTo(batch: DemoBatch, highestIssued: number): number {
  if (batch.kind === "refunds") return Math.max(...batch.items.map((r) => sequenceOf(r.orderId)));
  if (batch.kind === "orders") {
    let highest = 0;
    for (const order of batch.items) {
      const seq = sequenceOf(order.id);
      if (seq <= highestIssued) highest = Math.max(highest, seq);
    }
    return highest;
  }
  return 0; // events refer to orders by id, but ingestion does not check them
}

/**
 * Streams the generator into `store` with up to `concurrency` batches in flight, each through
 * `ingestDemoBatch` (the API's zod schemas, then the real ingestion functions, one transaction
 * per batch), keeping the order-before-refund and original-before-re-send dependencies.
 */
export async function loadDemoConcurrently(
  db: Kysely<Database>,
  store: Store,
  demo: DemoOptions,
  concurrency: number,
  progressStream: ProgressStream | false,
): Promise<DemoCounts> {
  const counts: DemoCounts = { ordersCreated: 0, ordersUpdated: 0, refunds: 0, eventsAccepted: 0, eventsDuplicate: 0 };
  const progress =
    progressStream === false
      ? undefined
      : createProgress({ total: demo.orders, label: "load orders", stream: progressStream });
  const inFlight = new Set<Promise<void>>();
  const ordersInFlight = new Map<Promise<void>, number>(); // -> lowest sequence number in the batch
  let failure: { error: unknown } | undefined;
  let highestIssued = 0;

  for (const batch of generateDemo(demo)) {
    if (failure) break;
    const needs = dependsOnOrdersUpTo(batch, highestIssued);
    if (needs > 0) {
      const blockers = [...ordersInFlight].filter(([, lowest]) => lowest <= needs).map(([promise]) => promise);
      await Promise.all(blockers);
    }
    let lowest = Number.POSITIVE_INFINITY;
    if (batch.kind === "orders") {
      for (const order of batch.items) {
        const seq = sequenceOf(order.id);
        lowest = Math.min(lowest, seq);
        if (Number.isFinite(seq)) highestIssued = Math.max(highestIssued, seq);
      }
    }
    const mine: DemoCounts = { ordersCreated: 0, ordersUpdated: 0, refunds: 0, eventsAccepted: 0, eventsDuplicate: 0 };
    const promise: Promise<void> = ingestDemoBatch(db, store, batch, mine).then(
      () => {
        for (const key of Object.keys(counts) as (keyof DemoCounts)[]) counts[key] += mine[key];
        progress?.add(mine.ordersCreated);
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const tracked = promise.finally(() => {
      inFlight.delete(tracked);
      ordersInFlight.delete(tracked);
    });
    inFlight.add(tracked);
    if (batch.kind === "orders") ordersInFlight.set(tracked, lowest);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  progress?.done();
  return counts;
}

async function countRows(db: Kysely<Database>, storeId: number, loadSeconds: number): Promise<Scale> {
  const count = async (
    table: "orders" | "order_lines" | "products" | "customers" | "sessions" | "events" | "refunds",
  ) => {
    const row = await db
      .selectFrom(table)
      .select(({ fn }) => fn.countAll<string>().as("n"))
      .where("store_id", "=", storeId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    orders: await count("orders"),
    lines: await count("order_lines"),
    products: await count("products"),
    customers: await count("customers"),
    sessions: await count("sessions"),
    events: await count("events"),
    refunds: await count("refunds"),
    loadSeconds,
  };
}

const META_TABLE = "bench_meta";

async function writeMeta(db: Kysely<Database>, meta: BenchMeta): Promise<void> {
  await sql`create table if not exists ${sql.table(META_TABLE)} (id int primary key, body longtext not null)`.execute(
    db,
  );
  await sql`replace into ${sql.table(META_TABLE)} (id, body) values (1, ${JSON.stringify(meta)})`.execute(db);
}

async function readMeta(db: Kysely<Database>): Promise<BenchMeta | undefined> {
  try {
    const result = await sql<{ body: string }>`select body from ${sql.table(META_TABLE)} where id = 1`.execute(db);
    return result.rows[0] ? (JSON.parse(result.rows[0].body) as BenchMeta) : undefined;
  } catch {
    return undefined;
  }
}

/** Loads a fresh store (the database must be fresh and migrated); prints the load time. */
export async function loadBenchStore(
  db: Kysely<Database>,
  options: BenchOptions,
  log: (line: string) => void,
): Promise<LoadedStore> {
  const end = new Date();
  const demo = demoOptionsFor(options, end);
  const created = await createStore(db, { name: "Bench store", currency: demo.currency, timezone: demo.timezone });
  log(
    `loading ${options.orders.toLocaleString("en-US")} orders over ${options.years} years ` +
      `(${options.products} products, ${options.customers} customers, ` +
      `${options.sessionsPerOrder} browsing sessions per order, seed ${options.seed}), ` +
      `${options.concurrency} batches at once`,
  );
  const started = performance.now();
  const counts = await loadDemoConcurrently(
    db,
    created.store,
    demo,
    options.concurrency,
    options.verbose ? process.stderr : false,
  );
  const loadSeconds = Math.round((performance.now() - started) / 100) / 10;
  log(`loaded in ${loadSeconds} s; counting rows`);
  const scale = await countRows(db, created.store.id, loadSeconds);
  const meta: BenchMeta = {
    storeId: created.store.id,
    demo: {
      seed: demo.seed,
      orders: demo.orders,
      products: demo.products,
      customers: demo.customers,
      years: options.years,
      sessionsPerOrder: options.sessionsPerOrder,
      currency: demo.currency,
      timezone: demo.timezone,
      start: demo.start.toISOString(),
      end: demo.end.toISOString(),
    },
    counts,
    scale,
    loadedAt: new Date().toISOString(),
  };
  await writeMeta(db, meta);
  return { meta, store: created.store, keyId: created.keyId, apiKey: created.apiKey };
}

/** The store a previous run loaded, with a new key (keys are stored only as hashes). */
export async function reuseBenchStore(db: Kysely<Database>, database: string): Promise<LoadedStore> {
  const meta = await readMeta(db);
  if (!meta) throw new Error(`${database} holds no loaded bench store: run without --skip-load first`);
  const store = await db.selectFrom("stores").selectAll().where("id", "=", meta.storeId).executeTakeFirst();
  if (!store) throw new Error(`${database}: the bench store ${meta.storeId} is gone: run without --skip-load`);
  const key = await rotateKey(db, store.id);
  return { meta, store, ...key };
}
