import * as z from "zod";
import type { QuerySchemas } from "../../functions/middleware/http-handler";
import { MAX_BODY_BYTES } from "../../functions/middleware/json-body";
import { externalId, MAX_MONEY_TEXT, money, timestamp } from "../../functions/ingest/fields";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../functions/ingest/schemas";
import { rangeQuery, reportQueries } from "../../functions/reports/query";
import { routes, type FunctionName, type OperationId, type Route } from "../../shared/routes";
import { responseSchemas, type JsonSchema } from "./responses";

/**
 * The API's OpenAPI 3.1 document, built in code from the route table (paths, methods, operation
 * ids, summaries, which routes need a key), the ingestion zod schemas (request bodies), the
 * reports' query zod schemas (query parameters) and responses.ts (response bodies).
 * `npm run openapi` (tools/openapi/write.ts) writes it to openapi.json; the OpenAPI test fails when that file
 * is stale or the document and the handlers disagree.
 */

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: JsonSchema;
  servers: JsonSchema[];
  tags: JsonSchema[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    securitySchemes: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    schemas: Record<string, JsonSchema>;
  };
}

export const API_KEY_SCHEME = "apiKey";
export const BEARER_SCHEME = "bearer";

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });

// ---------------------------------------------------------------------------------------------
// Request bodies: the ingestion zod schemas, as their input (what a client sends) JSON Schema.

/** Money accepted on input, as fields.ts reads it (a transform, which zod cannot describe itself): 0 to 10^12. */
export const MONEY_INPUT_PATTERN =
  `^0*(?:\\d{1,${MAX_MONEY_TEXT.length - 1}}(?:\\.\\d+)?` + `|${MAX_MONEY_TEXT}(?:\\.0+)?)$`;

/** C0 and C1 controls and (with JSON Schema's Unicode patterns) unpaired surrogates. */
const NOT_ALLOWED_IN_TEXT = "\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff";
/** fields.ts's externalId: no white space at either end, no control characters, no unpaired surrogates. */
export const EXTERNAL_ID_PATTERN =
  `^[^\\s${NOT_ALLOWED_IN_TEXT}]` + `(?:[^${NOT_ALLOWED_IN_TEXT}]*[^\\s${NOT_ALLOWED_IN_TEXT}])?$`;

/**
 * Input field schemas the request bodies share by reference: what zod cannot derive from a transform or a refinement.
 */
const inputFieldSchemas: Record<string, JsonSchema> = {
  MoneyInput: {
    description:
      `A non-negative decimal amount: a string (preferred, exact) or a JSON number (read through its shortest ` +
      `decimal form); at most ${MAX_MONEY_TEXT} and no more decimals than the store's currency has per ISO 4217 ` +
      `(USD 2, JPY 0, KWD 3, HUF 2). ` +
      `An order's lines (quantity x unitPrice), shipping and tax may add up to at most ${MAX_MONEY_TEXT}.`,
    oneOf: [
      { type: "string", pattern: MONEY_INPUT_PATTERN },
      { type: "number", minimum: 0, maximum: Number(MAX_MONEY_TEXT) },
    ],
    examples: ["19.99", 19.99],
  },
  Timestamp: {
    type: "string",
    format: "date-time",
    description: "An RFC 3339 time with an offset, from 2000-01-01 up to a day from now.",
    examples: ["2026-03-08T14:03:00Z", "2026-03-08T09:03:00-05:00"],
  },
  ExternalId: {
    type: "string",
    minLength: 1,
    maxLength: 64,
    pattern: EXTERNAL_ID_PATTERN,
    description:
      "The store's own id: 1 to 64 characters, compared exactly (case and every character count). " +
      "It may not start or end with white space and may not contain control characters or unpaired " +
      "UTF-16 surrogates: the database would take " +
      '"X " for "X" and store every unpaired surrogate as U+FFFD.',
  },
};

const sharedFields = new Map<unknown, string>([
  [money, "MoneyInput"],
  [timestamp, "Timestamp"],
  [externalId, "ExternalId"],
]);

/** Replaces the shared field schemas with references to inputFieldSchemas. */
function referToSharedFields(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const name = sharedFields.get(ctx.zodSchema);
  if (name === undefined) return;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  ctx.jsonSchema.$ref = schemaRef(name).$ref;
}

function requestSchema(schema: z.ZodType, description: string): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    override: referToSharedFields,
  }) as JsonSchema;
  return { description, ...json };
}

const EXAMPLE_TIME = "2026-03-08T14:03:00Z";

const requestBodies: Partial<Record<OperationId, { schema: string; description: string; example: unknown }>> = {
  ingestOrders: {
    schema: "OrdersRequest",
    description:
      "1 to 500 orders in the store's currency (else 422). " +
      "An order id sent again replaces that order (e.g. to cancel it). " +
      "Any invalid order rejects the whole request (400) and nothing is stored.",
    example: {
      orders: [
        {
          id: "1001",
          customerId: "c-42",
          createdAt: EXAMPLE_TIME,
          currency: "USD",
          status: "paid",
          lines: [
            {
              productId: "mug-01",
              productName: "Mug",
              category: "Kitchen",
              quantity: 2,
              unitPrice: "12.50",
              discount: "2.00",
            },
          ],
          discount: "0.00",
          shipping: "4.90",
          tax: "3.80",
          channel: "web",
        },
      ],
    },
  },
  ingestRefunds: {
    schema: "RefundsRequest",
    description:
      "1 to 500 refunds of this store's orders (else 422). An amount must be greater than 0, " +
      "a refund's lines may not add up to more than its amount (400), " +
      "and an order's refunds may not exceed what was paid (422).",
    example: {
      refunds: [
        {
          id: "r-7",
          orderId: "1001",
          createdAt: "2026-03-10T09:00:00+01:00",
          amount: "11.50",
          lines: [{ productId: "mug-01", quantity: 1, amount: "11.50" }],
        },
      ],
    },
  },
  ingestEvents: {
    schema: "EventsRequest",
    description: "1 to 1000 storefront events; an id already stored is skipped and counted as a duplicate.",
    example: {
      events: [
        { id: "e-1", type: "session_start", sessionId: "s-9", occurredAt: EXAMPLE_TIME },
        { id: "e-2", type: "product_view", sessionId: "s-9", occurredAt: "2026-03-08T14:04:10Z", productId: "mug-01" },
      ],
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Query parameters of the reports: reports/query.ts's zod schemas, each field as a parameter.

/** A stable key order for a parameter's schema (zod emits metadata first). */
const SCHEMA_KEYS = ["type", "format", "pattern", "enum", "minimum", "maximum", "minLength", "maxLength", "default"];

/**
 * One query parameter from its zod schema: `description` and `example` (its metadata) are the
 * parameter's, the rest its schema, as the handler reads it (the output side: `limit` is an
 * integer, sent as digits).
 */
function queryParameter(name: string, schema: z.ZodType): JsonSchema {
  const {
    $schema: _dialect,
    description,
    example,
    ...json
  } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" }) as JsonSchema;
  if (typeof description !== "string") throw new Error(`the query parameter ${name} has no description`);
  const unknown = Object.keys(json).filter((key) => !SCHEMA_KEYS.includes(key));
  if (unknown.length > 0)
    throw new Error(
      `the query parameter ${name} has schema keywords the document does not order: ${unknown.join(", ")}`,
    );
  const ordered = Object.fromEntries(SCHEMA_KEYS.filter((key) => key in json).map((key) => [key, json[key]]));
  return { name, in: "query", description, schema: ordered, ...(example === undefined ? {} : { example }) };
}

/** The range's parameters, which every ranged report shares by reference. */
const queryParameters: Record<string, JsonSchema> = Object.fromEntries(
  Object.entries(rangeQuery).map(([name, schema]) => [name, queryParameter(name, schema)]),
);

// ---------------------------------------------------------------------------------------------
// Responses.

const responseBodies: Record<OperationId, { schema: string; description: string }> = {
  ingestOrders: {
    schema: "OrdersResult",
    description: "All orders stored: how many were new and how many replaced an earlier one.",
  },
  ingestRefunds: { schema: "RefundsResult", description: "All refunds stored." },
  ingestEvents: { schema: "EventsResult", description: "All new events stored; repeated ids skipped." },
  summaryReport: { schema: "SummaryReport", description: "The summary." },
  salesReport: { schema: "SalesReport", description: "Sales per period." },
  productsReport: { schema: "ProductsReport", description: "Sales per product." },
  funnelReport: { schema: "FunnelReport", description: "The funnel." },
  cohortsReport: { schema: "CohortsReport", description: "The cohorts." },
  realtimeReport: { schema: "RealtimeReport", description: "The last 30 minutes." },
  health: { schema: "Health", description: "The database is reachable." },
};

const retryAfter = {
  "Retry-After": {
    description: "Seconds to wait before retrying.",
    schema: { type: "integer", minimum: 1 },
  },
};

const errorResponse = (description: string, headers?: JsonSchema): JsonSchema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { "application/json": { schema: schemaRef("Error") } },
});

/** SPEC 3's error statuses, each with the one `Error` body. */
const errorResponses: Record<string, JsonSchema> = {
  BadRequest: errorResponse(
    "The request is invalid (VALIDATION_FAILED: `details` names each field, and for ingestion the item's `index`; " +
      "nothing was stored), has a query parameter the route does not take or one twice " +
      "(VALIDATION_FAILED naming it), or its body is not JSON (MALFORMED_JSON).",
  ),
  Unauthorized: errorResponse(
    "The sign-in token (`Authorization: Bearer`) is not a valid, unexpired ID token of the dashboard's user pool " +
      "(UNAUTHORIZED): refresh it or sign in again.",
  ),
  Forbidden: errorResponse(
    "The API key is missing, unknown or revoked; or a sign-in token was sent to a route that takes API keys only.",
  ),
  NotAcceptable: errorResponse(
    "The Accept header accepts none of the route's media types (NOT_ACCEPTABLE; `details` names them). " +
      "Without Accept, and for `*/*` or `application/*`, the answer is JSON.",
  ),
  NotFound: errorResponse("No such route."),
  Conflict: errorResponse("The request conflicts with a concurrent change; retry it."),
  PayloadTooLarge: errorResponse(`The body is over ${MAX_BODY_BYTES} bytes (1 MiB).`),
  UnsupportedMediaType: errorResponse("The body is not sent as application/json."),
  UnprocessableContent: errorResponse(
    "Well-formed but not acceptable for this store " +
      "(CURRENCY_MISMATCH, INVALID_REFERENCE, REFUND_EXCEEDS_PAID, BELOW_REFUNDED, " +
      "OUT_OF_RANGE: a figure it would store does not fit the database); nothing was stored.",
  ),
  TooManyRequests: errorResponse("Over the key's rate limit (1000 requests per minute).", retryAfter),
  InternalError: errorResponse("An unexpected error; the requestId finds it in the logs."),
  ServiceUnavailable: errorResponse("The database is unavailable; retry later.", retryAfter),
};

/** Which errors each kind of route can answer with. */
function errorsOf(route: Route): Record<string, JsonSchema> {
  const errors: Record<string, string> = {};
  errors["400"] = "BadRequest";
  if (route.people) errors["401"] = "Unauthorized";
  if (route.apiKeyRequired) errors["403"] = "Forbidden";
  errors["406"] = "NotAcceptable";
  if (route.method === "POST") {
    errors["413"] = "PayloadTooLarge";
    errors["415"] = "UnsupportedMediaType";
  }
  if (route.functionName === "ingest") errors["422"] = "UnprocessableContent";
  errors["429"] = "TooManyRequests";
  errors["500"] = "InternalError";
  errors["503"] = "ServiceUnavailable";
  return Object.fromEntries(Object.entries(errors).map(([status, name]) => [status, responseRef(name)]));
}

// ---------------------------------------------------------------------------------------------
// Operations.

const tagOf: Record<FunctionName, { name: string; description: string }> = {
  ingest: {
    name: "ingestion",
    description: "Send orders, refunds and storefront events. All-or-nothing per request, idempotent.",
  },
  reports: {
    name: "reports",
    description:
      "Read the store's analytics. Every report is also available as CSV (Accept: text/csv). Where the " +
      "environment has database readers, reports read from them and may trail an ingest by their lag " +
      "(usually well under 100 ms); send `X-Consistency: strong` to read from the writer and see your own " +
      "writes at once (docs/read-replicas.md).",
  },
  health: { name: "health", description: "Service health, without an API key." },
};

/** The route's query parameters, in its schema's order: the range's by reference, the others described inline. */
function parametersOf(route: Route, queries: QuerySchemas): JsonSchema[] | undefined {
  const schema = queries[route.operationId];
  const fields = Object.entries(schema?.shape ?? {});
  if (fields.length === 0) return undefined;
  return fields.map(([name, field]) =>
    (rangeQuery as Record<string, z.ZodType>)[name] === field
      ? parameterRef(name)
      : queryParameter(name, field as z.ZodType),
  );
}

function requestBodyOf(route: Route): JsonSchema | undefined {
  if (route.method !== "POST") return undefined;
  const body = requestBodies[route.operationId];
  if (!body) throw new Error(`the OpenAPI document has no request body for ${route.operationId}`);
  return {
    required: true,
    description: body.description,
    content: { "application/json": { schema: schemaRef(body.schema), example: body.example } },
  };
}

/** Either credential on the routes people may call (the reports), else the API key alone. */
function securityOf(route: Route): Array<Record<string, string[]>> {
  return route.people ? [{ [API_KEY_SCHEME]: [] }, { [BEARER_SCHEME]: [] }] : [{ [API_KEY_SCHEME]: [] }];
}

function operationOf(route: Route, queries: QuerySchemas): OpenApiOperation {
  const response = responseBodies[route.operationId];
  const json = { "application/json": { schema: schemaRef(response.schema) } };
  const csv = {
    "text/csv": {
      schema: {
        type: "string",
        description:
          "The same report as CSV, with a header row: send `Accept: text/csv` " +
          "(or weigh it above JSON, e.g. `text/csv, application/json;q=0.5`). " +
          "Responses carry `Vary: Accept`.",
      },
    },
  };
  const parameters = parametersOf(route, queries);
  const requestBody = requestBodyOf(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [tagOf[route.functionName].name],
    ...(route.apiKeyRequired ? { security: securityOf(route) } : {}),
    ...(parameters ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      "200": { description: response.description, content: route.csv ? { ...json, ...csv } : json },
      ...errorsOf(route),
    },
  };
}

function pathsOf(table: readonly Route[], queries: QuerySchemas): OpenApiDocument["paths"] {
  const paths: OpenApiDocument["paths"] = {};
  for (const route of table) {
    const method = route.method.toLowerCase();
    paths[route.path] ??= {};
    if (paths[route.path][method]) throw new Error(`the route table has ${route.method} ${route.path} twice`);
    paths[route.path][method] = operationOf(route, queries);
  }
  return paths;
}

/** The document for a route table and its operations' query schemas (the API's by default). */
export function buildOpenApiDocument(
  table: readonly Route[] = routes,
  queries: QuerySchemas = reportQueries,
): OpenApiDocument {
  const usedTags = new Set(table.map((route) => route.functionName));
  return {
    openapi: "3.1.0",
    info: {
      title: "E-commerce analytics API",
      version: "1.0.0",
      description:
        "Send a store's orders, refunds and storefront events; " +
        "read its sales, products, funnel, cohorts and a near-real-time view. " +
        "Every request acts for one store only: the API key's, or on the reports a signed-in person's " +
        "(a Cognito ID token in `Authorization: Bearer`, as the dashboard sends it). " +
        "Money is a decimal string, rounded on output to the currency's minor units. " +
        'Errors share one body: {"error": {"code", "message", "details"}, "requestId"}.',
    },
    servers: [
      { url: "/", description: "This host (the local server, or a deployment's base URL)." },
      {
        url: "https://{restApiId}.execute-api.{region}.amazonaws.com/{stage}",
        description: "A deployed stage of the API Gateway REST API.",
        variables: {
          restApiId: { default: "restApiId", description: "The REST API's id (see the deploy output)." },
          region: { default: "us-east-1", description: "The AWS region it is deployed in." },
          stage: { default: "dev", enum: ["dev", "staging", "prod"] },
        },
      },
    ],
    tags: (Object.keys(tagOf) as FunctionName[]).filter((name) => usedTags.has(name)).map((name) => tagOf[name]),
    paths: pathsOf(table, queries),
    components: {
      securitySchemes: {
        [API_KEY_SCHEME]: {
          type: "apiKey",
          in: "header",
          name: "x-api-key",
          description: "The store's API key; it selects the store.",
        },
        [BEARER_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A signed-in person's ID token from the dashboard's Cognito user pool (locally, the stand-in at " +
            "/local/cognito/); their store is its `custom:store_id`. The reports only; a key wins when both are sent.",
        },
      },
      parameters: queryParameters,
      responses: errorResponses,
      schemas: {
        OrdersRequest: requestSchema(ordersRequestSchema, "An ingestion request of orders."),
        RefundsRequest: requestSchema(refundsRequestSchema, "An ingestion request of refunds."),
        EventsRequest: requestSchema(eventsRequestSchema, "An ingestion request of storefront events."),
        ...inputFieldSchemas,
        ...responseSchemas,
      },
    },
  };
}

/** openapi.json's exact text. */
export function renderOpenApiJson(document: OpenApiDocument = buildOpenApiDocument()): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
