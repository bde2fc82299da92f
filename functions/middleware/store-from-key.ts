import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { forbidden } from "../http/errors";
import { logger } from "../observability";
import { findStoreById, findStoreByKeyId } from "../stores/repository";
import type { Route } from "../../shared/routes";
import type { HttpRequest } from "./context";

/**
 * What the Lambda authorizer (and the local gateway in its place) puts in
 * `requestContext.authorizer` for a signed-in person: API Gateway passes every value as a string.
 * (A type, not an interface, so that it is a `Record<string, string>` as the event's context is.)
 */
export type PersonAuthorizerContext = {
  principal: "person";
  /** The person's store: their ID token's `custom:store_id`. */
  storeId: string;
  /** Their `sub`. */
  userId: string;
  username: string;
};

const MISSING_KEY_MESSAGE = "Missing API key: send it in the x-api-key header";

/** The authorizer's context when it let a person through, else undefined (a key, or no authorizer). */
function personOf(request: HttpRequest): Record<string, unknown> | undefined {
  const authorizer = request.event.requestContext?.authorizer as Record<string, unknown> | null | undefined;
  return authorizer?.principal === "person" ? authorizer : undefined;
}

/** A store id as the authorizer passes it (a string of digits; a number is taken too), else undefined. */
function storeIdOf(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}

async function personStore(db: Kysely<Database>, route: Route, person: Record<string, unknown>): Promise<Store> {
  // The authorizer lets people through on people routes only; refused here too, should it ever not.
  if (!route.people) throw forbidden("this route takes API keys only (x-api-key)");
  const storeId = storeIdOf(person.storeId);
  const store = storeId === undefined ? undefined : await findStoreById(db, storeId);
  if (!store) throw forbidden("Forbidden");
  return store;
}

async function keyStore(db: Kysely<Database>, request: HttpRequest): Promise<Store> {
  const keyId = request.event.requestContext?.identity?.apiKeyId;
  if (!keyId) throw forbidden(MISSING_KEY_MESSAGE);
  const store = await findStoreByKeyId(db, keyId);
  if (!store) throw forbidden("Forbidden");
  return store;
}

/**
 * Puts the caller's store in `context.store`: every read and write is scoped by it.
 *
 * - A signed-in person (`requestContext.authorizer.principal` "person"): the store the authorizer
 *   read from their verified ID token, on `people` routes only; a store that does not exist is
 *   refused. Checked before the key: in AWS a person's requests carry the people key's id too.
 * - Otherwise a key: API Gateway has already checked it and passes its id in
 *   `requestContext.identity.apiKeyId` (the local gateway does the same); a key id with no active
 *   key behind it is refused.
 *
 * From then on every log line of the request carries `storeId` (and `principal` for a person): a
 * temporary key of the shared logger, which the handler's `injectLambdaContext(logger,
 * { resetKeys: true })` removes when the request ends, so the next request on the same instance
 * starts without it. Tokens are never logged: the authorizer context holds none.
 */
export async function storeOfCaller(db: Kysely<Database>, request: HttpRequest, route: Route): Promise<void> {
  const person = personOf(request);
  const store = person ? await personStore(db, route, person) : await keyStore(db, request);
  request.context.store = store;
  logger.appendKeys(person ? { storeId: store.id, principal: "person" } : { storeId: store.id });
}
