/**
 * Loads the demo generator's data into the database through the same zod schemas and
 * ingestion functions as the HTTP API (no HTTP, no keys involved). Used by `npm run dev` and
 * reusable by the benchmark.
 */
import type { Kysely } from "kysely";
import type { Database, Store } from "../../functions/db/schema";
import { ingestEvents } from "../../functions/ingest/events";
import { ingestOrders } from "../../functions/ingest/orders";
import { ingestRefunds } from "../../functions/ingest/refunds";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../functions/ingest/schemas";
import { minorUnits } from "../../functions/money/currency";
import {
  createStore,
  findKeyIdByApiKey,
  findStoreByKeyId,
  rotateKey,
  type IssuedKey,
} from "../../functions/stores/repository";
import { defaultDemoOptions, generateDemo } from "./generate";
import { createProgress, type ProgressStream } from "./progress";
import type { DemoBatch, DemoOptions } from "./types";

export const DEMO_STORE_NAME = "Demo store";

export interface DemoCounts {
  ordersCreated: number;
  ordersUpdated: number;
  refunds: number;
  eventsAccepted: number;
  eventsDuplicate: number;
}

export interface SeedDemoOptions {
  /** Default "Demo store". */
  name?: string;
  /** Overrides of `defaultDemoOptions()`; the store gets their currency and timezone. */
  demo?: Partial<DemoOptions>;
  /** Where progress goes (default stderr); `false` for none. */
  progress?: ProgressStream | false;
  /**
   * ensureDemoStore: the key the demo store should have (npm run dev keeps one per checkout):
   * kept when it is already an active key of the store, else issued to it. Default: a new key.
   */
  apiKey?: string;
}

export interface SeededStore extends IssuedKey {
  store: Store;
  /** false when the store already existed (nothing loaded). */
  created: boolean;
  /** ensureDemoStore: true when the store's other keys were revoked for this one. */
  rotated?: boolean;
  counts?: DemoCounts;
}

/** Ingests one generator batch for `store`, validated exactly as the API validates a request body. */
export async function ingestDemoBatch(
  db: Kysely<Database>,
  store: Store,
  batch: DemoBatch,
  counts: DemoCounts,
): Promise<void> {
  switch (batch.kind) {
    case "orders": {
      const result = await ingestOrders(db, store, ordersRequestSchema.parse({ orders: batch.items }).orders);
      counts.ordersCreated += result.created;
      counts.ordersUpdated += result.updated;
      return;
    }
    case "refunds": {
      const result = await ingestRefunds(db, store, refundsRequestSchema.parse({ refunds: batch.items }).refunds);
      counts.refunds += result.created + result.updated;
      return;
    }
    case "events": {
      const result = await ingestEvents(db, store, eventsRequestSchema.parse({ events: batch.items }).events);
      counts.eventsAccepted += result.accepted;
      counts.eventsDuplicate += result.duplicates;
      return;
    }
  }
}

/** Streams the whole demo into `store`, one transaction per batch. */
export async function loadDemoData(
  db: Kysely<Database>,
  store: Store,
  demo: DemoOptions,
  progressStream: ProgressStream | false = process.stderr,
): Promise<DemoCounts> {
  const counts: DemoCounts = { ordersCreated: 0, ordersUpdated: 0, refunds: 0, eventsAccepted: 0, eventsDuplicate: 0 };
  const progress =
    progressStream === false
      ? undefined
      : createProgress({ total: demo.orders, label: "demo orders", stream: progressStream });
  for (const batch of generateDemo(demo)) {
    const before = counts.ordersCreated;
    await ingestDemoBatch(db, store, batch, counts);
    progress?.add(counts.ordersCreated - before);
  }
  progress?.done();
  return counts;
}

function demoOptionsFor(options: SeedDemoOptions): DemoOptions {
  const demo = defaultDemoOptions(options.demo);
  if (options.demo?.minorUnits === undefined) demo.minorUnits = minorUnits(demo.currency);
  return demo;
}

/** Creates a new store named `options.name` and loads the demo into it; returns its first key. */
export async function seedDemoStore(db: Kysely<Database>, options: SeedDemoOptions = {}): Promise<SeededStore> {
  const demo = demoOptionsFor(options);
  const created = await createStore(db, {
    name: options.name ?? DEMO_STORE_NAME,
    currency: demo.currency,
    timezone: demo.timezone,
  });
  const counts = await loadDemoData(db, created.store, demo, options.progress ?? process.stderr);
  return { store: created.store, keyId: created.keyId, apiKey: created.apiKey, created: true, counts };
}

async function storeNamed(db: Kysely<Database>, name: string): Promise<Store | undefined> {
  return db.selectFrom("stores").selectAll().where("name", "=", name).orderBy("id").executeTakeFirst();
}

/** `apiKey` when it is an active key of the store (no write); else a rotation to it (or to a new key). */
async function keyOf(
  db: Kysely<Database>,
  storeId: number,
  apiKey: string | undefined,
): Promise<IssuedKey & { rotated: boolean }> {
  if (apiKey) {
    const keyId = await findKeyIdByApiKey(db, apiKey);
    if (keyId && (await findStoreByKeyId(db, keyId))?.id === storeId) return { keyId, apiKey, rotated: false };
  }
  return { ...(await rotateKey(db, storeId, apiKey ? { apiKey } : {})), rotated: true };
}

/**
 * The demo store for `npm run dev`. Seeded on first run under a provisional name and renamed
 * when complete, so an interrupted load is resumed next time (ingestion is idempotent) instead
 * of passing for a finished store. Keys are stored only as hashes: the caller that wants the
 * same key across runs keeps it and passes it as `apiKey`; without one, an existing store's key
 * is rotated (the old one cannot be shown again).
 */
export async function ensureDemoStore(db: Kysely<Database>, options: SeedDemoOptions = {}): Promise<SeededStore> {
  const name = options.name ?? DEMO_STORE_NAME;
  const existing = await storeNamed(db, name);
  if (existing) return { store: existing, ...(await keyOf(db, existing.id, options.apiKey)), created: false };

  const demo = demoOptionsFor(options);
  const loadingName = `${name} (loading)`;
  const partial = await storeNamed(db, loadingName);
  const { store, keyId, apiKey } = partial
    ? { store: partial, ...(await keyOf(db, partial.id, options.apiKey)) }
    : await createStore(
        db,
        { name: loadingName, currency: demo.currency, timezone: demo.timezone },
        options.apiKey ? { apiKey: options.apiKey } : {},
      );
  const counts = await loadDemoData(db, store, demo, options.progress ?? process.stderr);
  await db.updateTable("stores").set({ name }).where("id", "=", store.id).execute();
  return { store: { ...store, name }, keyId, apiKey, created: true, counts };
}
