import { CircuitOpenError } from "../db/circuit-breaker";
import { isDatabaseUnavailable } from "../db/errors";
import { ApiError, errorBody, serviceUnavailable } from "../http/errors";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger, metrics } from "../observability";
import { requestIdOf, type HttpMiddleware, type HttpRequest } from "./context";

/**
 * Retry-After for a database failure other than the open breaker (which says how long it stays open): its open time,
 * LAMBDA_LIMITS.breakerOpenMs.
 */
const DEFAULT_RETRY_AFTER_SECONDS = 2;

/** Maps any error to SPEC's error body: ApiErrors as they are, an unreachable database to 503, the rest to 500. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof CircuitOpenError) return serviceUnavailable(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  if (isDatabaseUnavailable(error)) return serviceUnavailable(DEFAULT_RETRY_AFTER_SECONDS);
  return new ApiError(500, "INTERNAL_ERROR", "an unexpected error occurred");
}

export function errorHandler(): HttpMiddleware {
  return {
    onError: (request: HttpRequest) => {
      const apiError = toApiError(request.error);
      if (apiError.status >= 500) {
        logger.error("request failed", { error: request.error as Error, status: apiError.status });
        metrics.addMetric("RequestsFailed", MetricUnit.Count, 1);
      } else {
        logger.info("request rejected", { status: apiError.status, code: apiError.code });
        metrics.addMetric("RequestsRejected", MetricUnit.Count, 1);
      }
      request.response = {
        statusCode: apiError.status,
        headers: { "Content-Type": "application/json", ...apiError.headers },
        body: JSON.stringify(errorBody(apiError, requestIdOf(request.event))),
      };
    },
  };
}
