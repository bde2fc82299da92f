import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { sql } from "kysely";
import { serviceUnavailable } from "../http/errors";
import { createHttpHandler, type PublicOperation } from "../middleware/http-handler";
import { toApiError } from "../middleware/error-handler";
import { metrics } from "../observability";

/** Reports whether the database answers; 503 with Retry-After when it does not. */
const health: PublicOperation = async ({ db }) => {
  const started = Date.now();
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    const apiError = toApiError(error);
    throw apiError.status === 503 ? apiError : serviceUnavailable(5);
  }
  metrics.addMetric("HealthChecksPassed", MetricUnit.Count, 1);
  return { body: { status: "ok", database: { reachable: true, latencyMs: Date.now() - started } } };
};

export const handler = createHttpHandler("health", { health });
