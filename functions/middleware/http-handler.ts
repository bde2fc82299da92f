import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { sharedDatabase } from "../db/shared-database";
import { REQUEST_DATABASE_BUDGET_MS, withDatabaseDeadline } from "../db/request-deadline";
import { notFound } from "../http/errors";
import { logger, metrics, tracer } from "../observability";
import { routeKey, routes, type FunctionName, type OperationId, type Route } from "../routes";
import { header, requestIdOf, type RequestState } from "./context";
import { cors } from "./cors";
import { errorHandler } from "./error-handler";
import { jsonBody } from "./json-body";
import { storeFromApiKey } from "./store-from-key";

export interface PublicInput {
  body: unknown;
  query: Readonly<Record<string, string | undefined>>;
  requestId: string;
  db: Kysely<Database>;
}
export interface KeyedInput extends PublicInput {
  store: Store;
}

export interface OperationOutput {
  status?: number;
  body: unknown;
  /** The same content as CSV, for clients that send `Accept: text/csv`. */
  csv?: () => string;
  headers?: Record<string, string>;
}

export type KeyedOperation = (input: KeyedInput) => Promise<OperationOutput>;
export type PublicOperation = (input: PublicInput) => Promise<OperationOutput>;
export type Operations = Partial<Record<OperationId, KeyedOperation | PublicOperation>>;

function findRoute(event: APIGatewayProxyEvent, functionName: FunctionName): Route | undefined {
  const key = routeKey(event.httpMethod, event.resource ?? event.path);
  return routes.find((route) => route.functionName === functionName && routeKey(route.method, route.path) === key);
}

function wantsCsv(event: APIGatewayProxyEvent): boolean {
  return /\btext\/csv\b/i.test(header(event, "accept") ?? "");
}

function toResponse(event: APIGatewayProxyEvent, output: OperationOutput): APIGatewayProxyResult {
  if (output.csv && wantsCsv(event)) {
    return { statusCode: output.status ?? 200, headers: { "Content-Type": "text/csv; charset=utf-8", ...output.headers }, body: output.csv() };
  }
  return {
    statusCode: output.status ?? 200,
    headers: { "Content-Type": "application/json", ...output.headers },
    body: JSON.stringify(output.body),
  };
}

/**
 * Builds a Lambda function's handler for its routes in the route table: Powertools logging
 * (correlation id = API Gateway request id), tracing and metrics, SPEC error bodies, CORS,
 * JSON bodies, and the key's store for keyed routes. Operations never see the event.
 */
export function createHttpHandler(
  functionName: FunctionName,
  operations: Operations,
  database: () => Kysely<Database> = () => sharedDatabase().db,
) {
  for (const route of routes.filter((r) => r.functionName === functionName)) {
    if (!operations[route.operationId]) throw new Error(`function ${functionName} has no operation for ${route.operationId}`);
  }
  const keyedStore = storeFromApiKey(database);

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestState>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // The API Gateway request id as correlation id (set directly: the JMESPath route needs another package).
    .use({ before: (request) => logger.setCorrelationId(requestIdOf(request.event)) })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(cors())
    .use(errorHandler())
    .use(jsonBody())
    .use({
      before: async (request) => {
        const route = findRoute(request.event, functionName);
        if (route?.apiKeyRequired) await keyedStore.before!(request);
      },
    })
    .handler(async (event: APIGatewayProxyEvent, context: Context & RequestState) => {
      const route = findRoute(event, functionName);
      if (!route) throw notFound(`no route ${event.httpMethod} ${event.path}`);
      const input: PublicInput = {
        body: context.body,
        query: event.queryStringParameters ?? {},
        requestId: requestIdOf(event),
        db: database(),
      };
      const operation = operations[route.operationId]!;
      const output = route.apiKeyRequired
        ? await (operation as KeyedOperation)({ ...input, store: context.store! })
        : await (operation as PublicOperation)(input);
      return toResponse(event, output);
    });
  // Every database wait of the request (key lookup, operation) ends within its budget: 503, not a hang (SPEC §3).
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => handler(event, context));
}
