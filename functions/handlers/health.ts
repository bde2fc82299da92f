import { sql } from "kysely";
import { serviceUnavailable } from "../http/errors";
import { createHttpHandler } from "../middleware/http-handler";
import { toApiError } from "../middleware/error-handler";

export const handler = createHttpHandler("health", {
  health: async ({ db }) => {
    const started = Date.now();
    try {
      await sql`select 1`.execute(db);
    } catch (error) {
      const apiError = toApiError(error);
      throw apiError.status === 503 ? apiError : serviceUnavailable(5);
    }
    return { body: { status: "ok", database: { reachable: true, latencyMs: Date.now() - started } } };
  },
});
