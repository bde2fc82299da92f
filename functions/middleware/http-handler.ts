import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { Kysely } from "kysely";
import type { z } from "zod";
import type { Database, Store } from "../db/schema";
import { sharedDatabase, sharedReaderDatabase } from "../db/shared-database";
import { REQUEST_DATABASE_BUDGET_MS, withDatabaseDeadline } from "../db/request-deadline";
import { ApiError, badRequest, notFound, type ErrorDetail } from "../http/errors";
import { CSV_MEDIA_TYPE, JSON_MEDIA_TYPE, negotiate } from "../http/negotiation";
import { logger, metrics, tracer } from "../observability";
import { routeKey, routes, type FunctionName, type OperationId, type Route } from "../../shared/routes";
import { header, requestIdOf, type HttpMiddleware, type HttpRequest, type RequestState } from "./context";
import { cors } from "./cors";
import { errorHandler } from "./error-handler";
import { jsonBody } from "./json-body";
import { storeOfCaller } from "./store-from-key";

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

/** The media types a route answers with, the first preferred. */
export function offeredMediaTypes(route: Route): string[] {
  return route.csv ? [JSON_MEDIA_TYPE, CSV_MEDIA_TYPE] : [JSON_MEDIA_TYPE];
}

/** Every Accept header the client sent, as one list (API Gateway keeps repeated headers in multiValueHeaders). */
function acceptHeader(event: APIGatewayProxyEvent): string | undefined {
  const values = Object.entries(event.multiValueHeaders ?? {})
    .filter(([name]) => name.toLowerCase() === "accept")
    .flatMap(([, list]) => list ?? []);
  return values.length > 0 ? values.join(", ") : header(event, "accept");
}

/** The representation to answer with (RFC 9110 negotiation on Accept), or 406 before the operation runs. */
function chooseMediaType(event: APIGatewayProxyEvent, route: Route): string {
  const offers = offeredMediaTypes(route);
  const accept = acceptHeader(event);
  const chosen = negotiate(accept, offers);
  if (chosen === undefined) {
    throw new ApiError(406, "NOT_ACCEPTABLE", `this route answers ${offers.join(" or ")}`, [
      { field: "Accept", message: `accepts none of ${offers.join(", ")} (got ${accept})` },
    ]);
  }
  return chosen;
}

/** Each operation's query schema (reports/query.ts): its keys are the parameters its route takes. */
export type QuerySchemas = Partial<Record<OperationId, z.ZodObject>>;

/**
 * Refuses query parameters the operation's schema does not declare (none without one), and any
 * given twice: one check for every route, so a typo or a stray `storeId` is never silently ignored.
 */
function checkQuery(event: APIGatewayProxyEvent, query: z.ZodObject | undefined): void {
  const allowed = new Set(Object.keys(query?.shape ?? {}));
  const given = new Map<string, number>();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {}))
    given.set(name, values?.length ?? 1);
  for (const name of Object.keys(event.queryStringParameters ?? {})) if (!given.has(name)) given.set(name, 1);
  const details: ErrorDetail[] = [];
  for (const [name, count] of given) {
    if (!allowed.has(name)) {
      const hint = allowed.size > 0 ? `allowed: ${[...allowed].join(", ")}` : "this route takes no query parameters";
      details.push({ field: name, message: `is not a query parameter of this route (${hint})` });
    } else if (count > 1) {
      details.push({ field: name, message: "is given more than once" });
    }
  }
  if (details.length > 0) throw badRequest("the query string is invalid; nothing was done", details);
}

function toResponse(mediaType: string, output: OperationOutput): APIGatewayProxyResult {
  if (mediaType === CSV_MEDIA_TYPE && output.csv) {
    return {
      statusCode: output.status ?? 200,
      headers: { "Content-Type": "text/csv; charset=utf-8", ...output.headers },
      body: output.csv(),
    };
  }
  return {
    statusCode: output.status ?? 200,
    headers: { "Content-Type": "application/json", ...output.headers },
    body: JSON.stringify(output.body),
  };
}

/** `Vary: Accept` on every response: what (and whether, 406) it answers depends on Accept. */
function varyOnAccept(): HttpMiddleware {
  const add = (request: HttpRequest) => {
    if (!request.response) return;
    const headers = { ...request.response.headers };
    const existing = Object.keys(headers).find((name) => name.toLowerCase() === "vary");
    const values = existing
      ? String(headers[existing])
          .split(",")
          .map((v) => v.trim())
          .filter(Boolean)
      : [];
    if (existing) delete headers[existing];
    if (!values.some((v) => v.toLowerCase() === "accept" || v === "*")) values.push("Accept");
    request.response.headers = { ...headers, Vary: values.join(", ") };
  };
  return { after: add, onError: add };
}

export interface HttpHandlerOptions {
  /** The query each operation takes; an operation without one takes no query parameters. */
  queries?: QuerySchemas;
  /** The database the requests use; the shared one by default. */
  database?: () => Kysely<Database>;
  /**
   * Where the operations read (docs/read-replicas.md): "writer" (the default) or "reader", the pool
   * on the Aurora readers, which may lag the writer. A request sending `X-Consistency: strong` reads
   * from the writer all the same (read-your-writes). The caller's key is always looked up on the
   * writer: a revoked key stops working at once, not after the replica catches up.
   */
  reads?: "writer" | "reader";
  /** The reader database; the shared one by default (the writer's when there are no readers). */
  readerDatabase?: () => Kysely<Database>;
}

/** The request header a client sends to read its own writes from the writer: `X-Consistency: strong`. */
export const CONSISTENCY_HEADER = "x-consistency";

/** Whether the request asks to read from the writer (`X-Consistency: strong`, any case). */
export function wantsStrongConsistency(event: APIGatewayProxyEvent): boolean {
  return header(event, CONSISTENCY_HEADER)?.trim().toLowerCase() === "strong";
}

/**
 * Builds a Lambda function's handler for its routes in the route table: Powertools logging
 * (correlation id = API Gateway request id), tracing and metrics, SPEC error bodies, CORS,
 * JSON bodies, query parameters checked against the operation's schema, and the caller's store
 * (the key's, or a signed-in person's on `people` routes) for keyed routes. Operations never see
 * the event.
 */
export function createHttpHandler(
  functionName: FunctionName,
  operations: Operations,
  options: HttpHandlerOptions = {},
) {
  const {
    queries = {},
    database = () => sharedDatabase().db,
    reads = "writer",
    readerDatabase = () => sharedReaderDatabase().db,
  } = options;
  for (const route of routes.filter((r) => r.functionName === functionName)) {
    if (!operations[route.operationId])
      throw new Error(`function ${functionName} has no operation for ${route.operationId}`);
  }

  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestState>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // The API Gateway request id as correlation id (set directly: the JMESPath route needs another package).
    .use({ before: (request) => logger.setCorrelationId(requestIdOf(request.event)) })
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(cors())
    .use(varyOnAccept())
    .use(errorHandler())
    .use(jsonBody())
    .use({
      before: async (request) => {
        const route = findRoute(request.event, functionName);
        if (route?.apiKeyRequired) await storeOfCaller(database(), request, route);
      },
    })
    .handler(async (event: APIGatewayProxyEvent, context: Context & RequestState) => {
      const route = findRoute(event, functionName);
      if (!route) throw notFound(`no route ${event.httpMethod} ${event.path}`);
      checkQuery(event, queries[route.operationId]);
      const mediaType = chooseMediaType(event, route);
      const input: PublicInput = {
        body: context.body,
        query: event.queryStringParameters ?? {},
        requestId: requestIdOf(event),
        db: reads === "reader" && !wantsStrongConsistency(event) ? readerDatabase() : database(),
      };
      const operation = operations[route.operationId]!;
      const output = route.apiKeyRequired
        ? await (operation as KeyedOperation)({ ...input, store: context.store! })
        : await (operation as PublicOperation)(input);
      return toResponse(mediaType, output);
    });
  // Every database wait of the request (key lookup, operation) ends within its budget: 503, not a hang (SPEC §3).
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => handler(event, context));
}
