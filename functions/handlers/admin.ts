/**
 * The private admin function (direct `lambda:InvokeFunction` only, no API Gateway route): store
 * provisioning in AWS, driven by `npm run store -- <command> --env <env>`. It records stores and
 * API Gateway key ids with the keys' SHA-256 hashes; the keys themselves never reach it.
 *
 * Bad input is answered, not thrown: `{ "error": { "field", "message" } }`, so the store command
 * can name the flag and exit 2. Anything else throws (the invoke reports a FunctionError).
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { sharedDatabase } from "../db/shared-database";
import { withPowertools } from "../middleware/powertools";
import { logger, metrics } from "../observability";
import {
  addKeyHash,
  createStoreWithKeyHash,
  listStores,
  revokeKeyIds,
  StoreInputError,
  type StoreSummary,
} from "../stores/repository";

export type AdminEvent =
  | { action: "createStore"; name: string; currency: string; timezone: string; apiKeyId: string; apiKeyHash: string }
  | { action: "listStores" }
  | { action: "revokeKey"; storeId: number; keyId?: string }
  | { action: "addKey"; storeId: number; apiKeyId: string; apiKeyHash: string; revokeOthers?: boolean };

/** A store as the admin function returns it. */
export type AdminStore = StoreSummary;

export type AdminResult =
  | { storeId: number; keyId: string; store: AdminStore }
  | { stores: AdminStore[] }
  | { storeId: number; revokedKeyIds: string[] }
  | { storeId: number; keyId: string; revokedKeyIds: string[] }
  | { error: { field: string; message: string } };

function field(event: Record<string, unknown>, name: string): string {
  const value = event[name];
  if (typeof value !== "string" || value.length === 0) throw new StoreInputError(name, "is required (a string)");
  return value;
}

function storeIdOf(event: Record<string, unknown>): number {
  const value = event.storeId;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1)
    throw new StoreInputError("storeId", "must be a positive integer");
  return value;
}

export async function runAdmin(db: Kysely<Database>, input: unknown): Promise<AdminResult> {
  const event = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  try {
    switch (event.action) {
      case "createStore": {
        const { store, keyId } = await createStoreWithKeyHash(
          db,
          { name: field(event, "name"), currency: field(event, "currency"), timezone: field(event, "timezone") },
          { keyId: field(event, "apiKeyId"), keyHash: field(event, "apiKeyHash") },
        );
        logger.info("store created", { storeId: store.id, keyId });
        return {
          storeId: store.id,
          keyId,
          store: {
            id: store.id,
            name: store.name,
            currency: store.currency,
            timezone: store.timezone,
            createdAt: store.created_at.toISOString(),
            activeKeys: 1,
          },
        };
      }
      case "listStores": {
        return { stores: await listStores(db) };
      }
      case "revokeKey": {
        const storeId = storeIdOf(event);
        const keyId = event.keyId === undefined ? undefined : field(event, "keyId");
        const revokedKeyIds = await revokeKeyIds(db, storeId, keyId);
        logger.info("keys revoked", { storeId, revokedKeyIds });
        return { storeId, revokedKeyIds };
      }
      case "addKey": {
        const storeId = storeIdOf(event);
        const result = await addKeyHash(
          db,
          storeId,
          { keyId: field(event, "apiKeyId"), keyHash: field(event, "apiKeyHash") },
          { revokeOthers: event.revokeOthers === true },
        );
        logger.info("key added", { storeId, keyId: result.keyId, revokedKeyIds: result.revokedKeyIds });
        return { storeId, ...result };
      }
      default:
        throw new StoreInputError(
          "action",
          `must be createStore, listStores, revokeKey or addKey, got ${JSON.stringify(event.action)}`,
        );
    }
  } catch (error) {
    if (error instanceof StoreInputError)
      return { error: { field: error.field, message: error.message.replace(`${error.field}: `, "") } };
    throw error;
  }
}

const ACTIONS: readonly string[] = ["createStore", "listStores", "revokeKey", "addKey"];

/**
 * The function's entry point, with the Powertools middlewares (functions/middleware/powertools.ts):
 * every log line of the invocation carries the Lambda context and the `action`, and each
 * invocation counts once in `AdminActions` by action (`invalid` for an unknown one).
 */
export const handler = withPowertools<AdminEvent, AdminResult>(async (event) => {
  const action = typeof event?.action === "string" && ACTIONS.includes(event.action) ? event.action : "invalid";
  logger.appendKeys({ action });
  metrics.addDimension("action", action);
  metrics.addMetric("AdminActions", MetricUnit.Count, 1);
  return runAdmin(sharedDatabase().db, event);
});
