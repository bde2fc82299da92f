import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { forbidden } from "../http/errors";
import { logger } from "../observability";
import { findStoreByKeyId } from "../stores/repository";
import type { HttpMiddleware, HttpRequest } from "./context";

/**
 * Puts the calling key's store in `context.store`: every read and write is scoped by it.
 * API Gateway has already checked the key and passes its id in `requestContext.identity.apiKeyId`
 * (the local gateway does the same); a key id with no active key behind it is refused.
 *
 * From then on every log line of the request carries `storeId`: a temporary key of the shared
 * logger, which the handler's `injectLambdaContext(logger, { resetKeys: true })` removes when the
 * request ends, so the next request on the same instance starts without it.
 */
export function storeFromApiKey(db: () => Kysely<Database>): HttpMiddleware {
  return {
    before: async (request: HttpRequest) => {
      const keyId = request.event.requestContext?.identity?.apiKeyId;
      if (!keyId) throw forbidden("Missing API key: send it in the x-api-key header");
      const store = await findStoreByKeyId(db(), keyId);
      if (!store) throw forbidden("Forbidden");
      request.context.store = store;
      logger.appendKeys({ storeId: store.id });
    },
  };
}
