import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";

/**
 * One Logger, Tracer and Metrics per process (Powertools' recommended pattern): created at
 * module load so the cold start pays for them once. Service name and namespace come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE when set.
 */
const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? "ecommerce-analytics";

export const logger = new Logger({ serviceName });
export const tracer = new Tracer({ serviceName });
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "EcommerceAnalytics",
});
