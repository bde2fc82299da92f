import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { isCurrencyCode } from "../money/currency";
import { isValidTimeZone } from "../time";
import { generateApiKey, generateLocalKeyId, hashApiKey } from "./api-keys";

export interface NewStore {
  name: string;
  currency: string;
  timezone: string;
}

export interface IssuedKey {
  keyId: string;
  apiKey: string;
}

export class StoreInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export function validateNewStore(input: NewStore): void {
  if (!input.name || input.name.trim().length === 0 || input.name.length > 200) {
    throw new StoreInputError("name", "must be 1 to 200 characters");
  }
  if (!isCurrencyCode(input.currency))
    throw new StoreInputError("currency", `${input.currency} is not an ISO 4217 code`);
  if (!isValidTimeZone(input.timezone))
    throw new StoreInputError("timezone", `${input.timezone} is not an IANA time zone`);
}

/**
 * Creates a store and its first key. `apiKey` and `keyId` may be supplied (API Gateway issues
 * them in AWS); otherwise they are generated here. The key itself is returned once, never stored.
 */
export async function createStore(
  db: Kysely<Database>,
  input: NewStore,
  key: Partial<IssuedKey> = {},
): Promise<{ store: Store } & IssuedKey> {
  validateNewStore(input);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const result = await trx
      .insertInto("stores")
      .values({ name: input.name.trim(), currency: input.currency, timezone: input.timezone, created_at: now })
      .executeTakeFirstOrThrow();
    const storeId = Number(result.insertId);
    const issued = await insertKey(trx, storeId, key);
    const store = await trx.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirstOrThrow();
    return { store, ...issued };
  });
}

async function insertKey(db: Kysely<Database>, storeId: number, key: Partial<IssuedKey>): Promise<IssuedKey> {
  const apiKey = key.apiKey ?? generateApiKey();
  const keyId = key.keyId ?? generateLocalKeyId();
  await insertKeyHash(db, storeId, { keyId, keyHash: hashApiKey(apiKey) });
  return { keyId, apiKey };
}

/** A key known only by its id and SHA-256 hash (issued elsewhere: API Gateway in AWS, by the store command). */
export interface RecordedKey {
  keyId: string;
  keyHash: string;
}

export function validateRecordedKey(key: RecordedKey): void {
  if (typeof key.keyId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(key.keyId))
    throw new StoreInputError("keyId", "must be 1 to 64 letters, digits, _ or -");
  if (typeof key.keyHash !== "string" || !/^[0-9a-f]{64}$/.test(key.keyHash))
    throw new StoreInputError("keyHash", "must be a lower-case hex SHA-256");
}

async function insertKeyHash(db: Kysely<Database>, storeId: number, key: RecordedKey): Promise<void> {
  await db
    .insertInto("api_keys")
    .values({ id: key.keyId, store_id: storeId, key_hash: key.keyHash, created_at: new Date() })
    .execute();
}

/** Creates a store with a key given by id and hash (the admin function; the key itself never reaches it). */
export async function createStoreWithKeyHash(
  db: Kysely<Database>,
  input: NewStore,
  key: RecordedKey,
): Promise<{ store: Store; keyId: string }> {
  validateNewStore(input);
  validateRecordedKey(key);
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .insertInto("stores")
      .values({ name: input.name.trim(), currency: input.currency, timezone: input.timezone, created_at: new Date() })
      .executeTakeFirstOrThrow();
    const storeId = Number(result.insertId);
    await insertKeyHash(trx, storeId, key);
    const store = await trx.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirstOrThrow();
    return { store, keyId: key.keyId };
  });
}

/**
 * Adds a key given by id and hash to a store; with `revokeOthers` (rotation) every other active
 * key of the store is revoked in the same transaction. Returns the revoked keys' ids.
 */
export async function addKeyHash(
  db: Kysely<Database>,
  storeId: number,
  key: RecordedKey,
  options: { revokeOthers?: boolean } = {},
): Promise<{ keyId: string; revokedKeyIds: string[] }> {
  validateRecordedKey(key);
  return db.transaction().execute(async (trx) => {
    await requireStore(trx, storeId);
    let revokedKeyIds: string[] = [];
    if (options.revokeOthers) {
      revokedKeyIds = await activeKeyIds(trx, storeId);
      if (revokedKeyIds.length > 0) {
        await trx
          .updateTable("api_keys")
          .set({ revoked_at: new Date() })
          .where("store_id", "=", storeId)
          .where("id", "in", revokedKeyIds)
          .execute();
      }
    }
    await insertKeyHash(trx, storeId, key);
    return { keyId: key.keyId, revokedKeyIds };
  });
}

/** Revokes one key, or every active key of the store, and returns the revoked keys' ids. */
export async function revokeKeyIds(db: Kysely<Database>, storeId: number, keyId?: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await requireStore(trx, storeId);
    const ids = (await activeKeyIds(trx, storeId)).filter((id) => keyId === undefined || id === keyId);
    if (ids.length > 0) {
      await trx
        .updateTable("api_keys")
        .set({ revoked_at: new Date() })
        .where("store_id", "=", storeId)
        .where("id", "in", ids)
        .execute();
    }
    return ids;
  });
}

async function activeKeyIds(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("api_keys")
    .select("id")
    .where("store_id", "=", storeId)
    .where("revoked_at", "is", null)
    .orderBy("id")
    .forUpdate()
    .execute();
  return rows.map((r) => r.id);
}

/** A store as the store command and the admin function list it. */
export interface StoreSummary {
  id: number;
  name: string;
  currency: string;
  timezone: string;
  createdAt: string;
  activeKeys: number;
}

export async function listStores(db: Kysely<Database>): Promise<StoreSummary[]> {
  const rows = await db
    .selectFrom("stores")
    .leftJoin("api_keys", (join) =>
      join.onRef("api_keys.store_id", "=", "stores.id").on("api_keys.revoked_at", "is", null),
    )
    .select(({ fn }) => [
      "stores.id",
      "stores.name",
      "stores.currency",
      "stores.timezone",
      "stores.created_at",
      fn.count<string>("api_keys.id").as("activeKeys"),
    ])
    .groupBy(["stores.id", "stores.name", "stores.currency", "stores.timezone", "stores.created_at"])
    .orderBy("stores.id")
    .execute();
  return rows.map((s) => ({
    id: s.id,
    name: s.name,
    currency: s.currency,
    timezone: s.timezone,
    createdAt: s.created_at.toISOString(),
    activeKeys: Number(s.activeKeys),
  }));
}

async function requireStore(db: Kysely<Database>, storeId: number): Promise<Store> {
  const store = await db.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirst();
  if (!store) throw new StoreInputError("storeId", `no store ${storeId}`);
  return store;
}

/** Issues a new key and revokes every other active key of the store, in one transaction. */
export async function rotateKey(
  db: Kysely<Database>,
  storeId: number,
  key: Partial<IssuedKey> = {},
): Promise<IssuedKey> {
  return db.transaction().execute(async (trx) => {
    await requireStore(trx, storeId);
    await trx
      .updateTable("api_keys")
      .set({ revoked_at: new Date() })
      .where("store_id", "=", storeId)
      .where("revoked_at", "is", null)
      .execute();
    return insertKey(trx, storeId, key);
  });
}

/** Revokes one key by id, or every active key of the store when no id is given; returns how many. */
export async function revokeKeys(db: Kysely<Database>, storeId: number, keyId?: string): Promise<number> {
  await requireStore(db, storeId);
  let update = db
    .updateTable("api_keys")
    .set({ revoked_at: new Date() })
    .where("store_id", "=", storeId)
    .where("revoked_at", "is", null);
  if (keyId) update = update.where("id", "=", keyId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The store of an active key id (API Gateway's `requestContext.identity.apiKeyId`). */
export async function findStoreByKeyId(db: Kysely<Database>, keyId: string): Promise<Store | undefined> {
  return db
    .selectFrom("api_keys")
    .innerJoin("stores", "stores.id", "api_keys.store_id")
    .selectAll("stores")
    .where("api_keys.id", "=", keyId)
    .where("api_keys.revoked_at", "is", null)
    .executeTakeFirst();
}

/**
 * A store by its id (a signed-in person's `custom:store_id`). Stores have no state of their own:
 * one that exists is active, whatever its keys.
 */
export async function findStoreById(db: Kysely<Database>, storeId: number): Promise<Store | undefined> {
  return db.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirst();
}

/** The active key id for a presented key (the local gateway's check). */
export async function findKeyIdByApiKey(db: Kysely<Database>, apiKey: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("api_keys")
    .select("id")
    .where("key_hash", "=", hashApiKey(apiKey))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row?.id;
}
