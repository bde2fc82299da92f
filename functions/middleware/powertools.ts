import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { Context } from "aws-lambda";
import { logger, metrics, tracer } from "../observability";

/** A function invoked directly (`lambda:InvokeFunction`, `aws_lambda_invocation`), not through API Gateway. */
export type DirectHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * Wraps a directly invoked function (admin, migrate) in Middy with the Powertools middlewares
 * the HTTP handlers use, in the same order: the Lambda context and cold start on every log line
 * of the shared logger (keys appended during the invocation are dropped after it), the
 * invocation traced (its response is not recorded: it may name stores and keys), and the
 * invocation's metrics flushed as EMF at the end, with the ColdStart metric.
 *
 * The handler's result is returned as it is and a thrown error is thrown again unchanged after
 * the middlewares' onError (the logs and metrics are flushed first): an invocation that fails
 * still fails, which is what makes Terraform's `aws_lambda_invocation` fail the deploy.
 */
export function withPowertools<TEvent, TResult>(handler: DirectHandler<TEvent, TResult>) {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(handler);
}
