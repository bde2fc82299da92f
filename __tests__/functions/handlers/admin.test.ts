import { randomBytes } from "node:crypto";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { runAdmin } from "../../../functions/handlers/admin";
import { generateApiKey, hashApiKey } from "../../../functions/stores/api-keys";
import { findKeyIdByApiKey, findStoreByKeyId } from "../../../functions/stores/repository";

/** The private admin function's logic against the real test database. */
describe("admin function", () => {
  let handle: DatabaseHandle;
  beforeAll(() => {
    handle = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  const keyId = () => `agw${randomBytes(5).toString("hex")}`;
  const newKey = () => {
    const apiKey = generateApiKey();
    return { apiKey, apiKeyId: keyId(), apiKeyHash: hashApiKey(apiKey) };
  };

  async function createStore(name = `Admin ${Date.now()}`) {
    const key = newKey();
    const result = await runAdmin(handle.db, {
      action: "createStore",
      name,
      currency: "EUR",
      timezone: "Europe/Berlin",
      apiKeyId: key.apiKeyId,
      apiKeyHash: key.apiKeyHash,
    });
    if (!("storeId" in result) || !("store" in result)) throw new Error(JSON.stringify(result));
    return { ...result, ...key };
  }

  it("createStore records the store and the key's id and hash; the key itself works for lookups", async () => {
    const created = await createStore("Acme admin");
    expect(created.store).toMatchObject({
      id: created.storeId,
      name: "Acme admin",
      currency: "EUR",
      timezone: "Europe/Berlin",
      activeKeys: 1,
    });
    expect(created.keyId).toBe(created.apiKeyId);
    expect(await findKeyIdByApiKey(handle.db, created.apiKey)).toBe(created.apiKeyId);
    expect((await findStoreByKeyId(handle.db, created.apiKeyId))?.id).toBe(created.storeId);
    const row = await handle.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", created.apiKeyId)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(created.apiKeyHash);
  });

  it("answers bad input with the field instead of throwing", async () => {
    const key = newKey();
    expect(
      await runAdmin(handle.db, {
        action: "createStore",
        name: "x",
        currency: "EURO",
        timezone: "UTC",
        apiKeyId: key.apiKeyId,
        apiKeyHash: key.apiKeyHash,
      }),
    ).toEqual({
      error: { field: "currency", message: "EURO is not an ISO 4217 code" },
    });
    expect(
      await runAdmin(handle.db, {
        action: "createStore",
        name: "x",
        currency: "EUR",
        timezone: "UTC",
        apiKeyId: key.apiKeyId,
        apiKeyHash: key.apiKey,
      }),
    ).toMatchObject({
      error: { field: "keyHash" },
    });
    expect(await runAdmin(handle.db, { action: "revokeKey", storeId: 0 })).toMatchObject({
      error: { field: "storeId" },
    });
    expect(await runAdmin(handle.db, { action: "revokeKey", storeId: 999_999_999 })).toEqual({
      error: { field: "storeId", message: "no store 999999999" },
    });
    expect(await runAdmin(handle.db, { action: "dropDatabase" })).toMatchObject({ error: { field: "action" } });
    expect(await runAdmin(handle.db, null)).toMatchObject({ error: { field: "action" } });
  });

  it("listStores lists stores with their active keys", async () => {
    const created = await createStore();
    const result = await runAdmin(handle.db, { action: "listStores" });
    if (!("stores" in result)) throw new Error(JSON.stringify(result));
    expect(result.stores).toContainEqual(
      expect.objectContaining({ id: created.storeId, activeKeys: 1, createdAt: expect.stringMatching(/Z$/) }),
    );
  });

  it("addKey adds a key; with revokeOthers it revokes (and names) the store's other keys", async () => {
    const created = await createStore();
    const second = newKey();
    expect(
      await runAdmin(handle.db, {
        action: "addKey",
        storeId: created.storeId,
        apiKeyId: second.apiKeyId,
        apiKeyHash: second.apiKeyHash,
      }),
    ).toEqual({
      storeId: created.storeId,
      keyId: second.apiKeyId,
      revokedKeyIds: [],
    });
    const third = newKey();
    const rotated = await runAdmin(handle.db, {
      action: "addKey",
      storeId: created.storeId,
      apiKeyId: third.apiKeyId,
      apiKeyHash: third.apiKeyHash,
      revokeOthers: true,
    });
    expect(rotated).toEqual({
      storeId: created.storeId,
      keyId: third.apiKeyId,
      revokedKeyIds: [created.apiKeyId, second.apiKeyId].sort(),
    });
    expect(await findKeyIdByApiKey(handle.db, created.apiKey)).toBeUndefined();
    expect(await findKeyIdByApiKey(handle.db, second.apiKey)).toBeUndefined();
    expect(await findKeyIdByApiKey(handle.db, third.apiKey)).toBe(third.apiKeyId);
  });

  it("revokeKey revokes one key or all, returning the ids (none for a key of another store)", async () => {
    const a = await createStore();
    const b = await createStore();
    expect(await runAdmin(handle.db, { action: "revokeKey", storeId: a.storeId, keyId: b.apiKeyId })).toEqual({
      storeId: a.storeId,
      revokedKeyIds: [],
    });
    expect(await findKeyIdByApiKey(handle.db, b.apiKey)).toBe(b.apiKeyId);
    expect(await runAdmin(handle.db, { action: "revokeKey", storeId: a.storeId, keyId: a.apiKeyId })).toEqual({
      storeId: a.storeId,
      revokedKeyIds: [a.apiKeyId],
    });
    expect(await runAdmin(handle.db, { action: "revokeKey", storeId: b.storeId })).toEqual({
      storeId: b.storeId,
      revokedKeyIds: [b.apiKeyId],
    });
    expect(await findKeyIdByApiKey(handle.db, b.apiKey)).toBeUndefined();
  });
});
