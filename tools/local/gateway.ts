/**
 * The local stand-in for API Gateway (REST, v1 proxy integration): routes by the route table,
 * checks API keys, throttles per key like the usage plan, caps bodies, and invokes the same
 * Lambda handlers the deployed API does. The handlers read the shared database handle, so the
 * caller points `setSharedDatabase` at the same database as `options.db`.
 *
 * With `cognito` it also plays the Lambda authorizer's part for people: on a `people` route a
 * request without `x-api-key` may carry an ID token in `Authorization: Bearer`, checked with the
 * authorizer's code, and reaches the handler with the person's store in
 * `requestContext.authorizer` (docs/sign-in.md); and it serves the stand-in itself under
 * /local/cognito/. Paths outside the API may be answered by `site` (the dashboard, /docs).
 *
 * With `stageCache` (an environment's `api.stageCache`) it caches the report routes as the API
 * stage cache does, keyed the same way (stage-cache.ts, docs/caching.md).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyResult } from "aws-lambda";
import type { Kysely } from "kysely";
import type { Database } from "../../functions/db/schema";
import { REQUEST_DATABASE_BUDGET_MS, withDatabaseDeadline } from "../../functions/db/request-deadline";
import { ApiError, errorBody } from "../../functions/http/errors";
import { CORS_HEADERS } from "../../shared/cors-headers";
import { toApiError } from "../../functions/middleware/error-handler";
import { MAX_BODY_BYTES } from "../../functions/middleware/json-body";
import { routes, type FunctionName, type Route } from "../../shared/routes";
import { findKeyIdByApiKey } from "../../functions/stores/repository";
import {
  bearerToken,
  PersonTokenError,
  PersonTokenIssuerUnavailable,
  type Person,
} from "../../functions/auth/person-token";
import type { PersonAuthorizerContext } from "../../functions/middleware/store-from-key";
import { apiGatewayEvent, lambdaContext } from "./api-gateway-event";
import { functionHandlers, type ProxyHandler } from "./handlers";
import type { LocalCognito } from "./auth/cognito";
import { COGNITO_MAX_BODY_BYTES, cognitoReply, isCognitoPath } from "./auth/cognito-http";
import type { StageCacheSettings } from "../../shared/stage-cache";
import { asksInvalidation, CACHE_INVALIDATION_MESSAGE, LocalStageCache } from "./stage-cache";

type RequestId = ReturnType<typeof randomUUID>;

export const DEFAULT_THROTTLE = { limit: 1000, windowMs: 60_000 } as const;
export const MISSING_KEY_MESSAGE = "Missing API key: send it in the x-api-key header";
export const KEY_ONLY_MESSAGE =
  "this route takes API keys only (x-api-key); a sign-in token (Authorization: Bearer) is accepted on the reports";
export const UNAUTHORIZED_MESSAGE = "the sign-in token is missing, invalid or expired: refresh it or sign in again";
/** How long the rest of an oversized body is read and discarded before the connection is cut. */
const DISCARD_AFTER_413_MS = 5_000;

export interface GatewayOptions {
  db: Kysely<Database>;
  throttle?: { limit: number; windowMs: number };
  /** Milliseconds clock for the throttle (tests). Default Date.now. */
  now?: () => number;
  /** One access-log line per request. Default: none. */
  log?: (line: string) => void;
  /** Replaces the Lambda handlers (tests). Default `functionHandlers`. */
  handlers?: Partial<Record<FunctionName, ProxyHandler>>;
  maxBodyBytes?: number;
  /** The local stand-in for Cognito: people sign in there and call `people` routes with its ID tokens. */
  cognito?: LocalCognito;
  /** Answers a request outside the API and /local/cognito/ (the dashboard, /docs), or undefined: 404. */
  site?: (request: SiteRequest) => Promise<Reply | undefined>;
  /** The API stage cache as an environment configures it (`api.stageCache`). Default: none. */
  stageCache?: StageCacheSettings;
}

export interface SiteRequest {
  method: string;
  pathname: string;
  headers: IncomingMessage["headers"];
}

/** A fixed window per key: `limit` requests per `windowMs`, counted from the window's first request. */
export class FixedWindowThrottle {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; undefined when it is allowed, else the seconds until the key's window resets. */
  take(key: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.limit) return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
    window.count += 1;
    return undefined;
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

function errorReply(error: ApiError, requestId: string): Reply {
  return {
    status: error.status,
    headers: { ...CORS_HEADERS, "Content-Type": "application/json", ...error.headers },
    body: JSON.stringify(errorBody(error, requestId)),
  };
}

/** 401, as the authorizer's refusal of a token: the browser refreshes it or signs in again. */
function unauthorized(): ApiError {
  return new ApiError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGE, [], { "WWW-Authenticate": "Bearer" });
}

/** What the authorizer passes on for a person (API Gateway turns every context value into a string). */
function personContext(person: Person): PersonAuthorizerContext {
  return { principal: "person", storeId: String(person.storeId), userId: person.userId, username: person.username };
}

function routesByPath(): Map<string, Map<string, Route>> {
  const byPath = new Map<string, Map<string, Route>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Map<string, Route>();
    methods.set(route.method, route);
    byPath.set(route.path, methods);
  }
  return byPath;
}

/**
 * Headers as the client sent them (case kept); a repeated header keeps its last value, as API Gateway's `headers` does.
 */
function rawHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
  return headers;
}

type BodyResult = { kind: "body"; body: Buffer } | { kind: "too-large" };

/** Reads the body up to `maxBytes`; past that it stops keeping chunks and says so at once. */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve({ kind: "too-large" });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        resolve({ kind: "too-large" });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ kind: "body", body: Buffer.concat(chunks) });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => onError(new Error("the client closed the connection before sending the whole body"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * After a 413 the rest of the body is drained (not kept) so the client can read the answer;
 * a client that keeps sending past the grace period loses the connection.
 */
function discardRest(req: IncomingMessage): void {
  if (req.readableEnded) return;
  const timer = setTimeout(() => req.socket.destroy(), DISCARD_AFTER_413_MS);
  timer.unref();
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

function resultReply(result: APIGatewayProxyResult): Reply {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? "", "base64") : (result.body ?? "");
  return { status: result.statusCode, headers, body };
}

function write(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader("x-amzn-RequestId", requestId);
  res.setHeader("Content-Length", Buffer.byteLength(reply.body));
  res.writeHead(reply.status);
  res.end(reply.body);
}

export function createGateway(options: GatewayOptions): Server {
  const { db } = options;
  const log = options.log ?? (() => undefined);
  const handlers = { ...functionHandlers, ...options.handlers };
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const throttleSettings = options.throttle ?? DEFAULT_THROTTLE;
  const throttle = new FixedWindowThrottle(throttleSettings.limit, throttleSettings.windowMs, options.now);
  const byPath = routesByPath();
  const cache = options.stageCache && new LocalStageCache(options.stageCache, options.now);

  async function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
    const read = await readBody(req, limit);
    if (read.kind === "body") return read.body;
    discardRest(req);
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `the body exceeds the limit of ${limit} bytes`);
  }

  function countRequest(key: string): void {
    const retryAfter = throttle.take(key);
    if (retryAfter !== undefined) {
      throw new ApiError(429, "TOO_MANY_REQUESTS", "Too Many Requests", [], { "Retry-After": String(retryAfter) });
    }
  }

  /** A person on a `people` route, as the authorizer lets them through; else 401 (the token) or 403 (the route). */
  async function admitPerson(route: Route, authorization: string): Promise<PersonAuthorizerContext> {
    if (!route.people) throw new ApiError(403, "FORBIDDEN", KEY_ONLY_MESSAGE);
    const token = bearerToken(authorization);
    if (!token || !options.cognito) throw unauthorized();
    let person: Person;
    try {
      person = await options.cognito.verify(token);
    } catch (error) {
      if (error instanceof PersonTokenIssuerUnavailable) {
        // As the authorizer: the issuer's keys out of reach says nothing about the token.
        log(`gateway: ${route.method} ${route.path}: ${error.message}`);
        throw new ApiError(503, "SERVICE_UNAVAILABLE", "the sign-in service is unavailable; retry later", [], {
          "Retry-After": "2",
        });
      }
      if (!(error instanceof PersonTokenError)) throw error;
      log(`gateway: ${route.method} ${route.path}: ${error.message}`); // why, never the token
      throw unauthorized();
    }
    // People are throttled apart from the keys, each person on their own (the people key's plan in AWS).
    countRequest(`person:${person.userId}`);
    return personContext(person);
  }

  async function handle(req: IncomingMessage, requestId: RequestId): Promise<Reply> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://localhost");
    if (options.cognito && isCognitoPath(url.pathname)) {
      const body = method === "POST" ? await readCapped(req, COGNITO_MAX_BODY_BYTES) : Buffer.alloc(0);
      const reply = await cognitoReply(options.cognito, { method, pathname: url.pathname, headers: req.headers, body });
      if (reply) return reply;
      throw new ApiError(404, "NOT_FOUND", `no route for ${method} ${url.pathname}`);
    }
    const methods = byPath.get(url.pathname);
    if (!methods) {
      const page = await options.site?.({ method, pathname: url.pathname, headers: req.headers });
      if (page) return page;
      throw new ApiError(404, "NOT_FOUND", `no route for ${method} ${url.pathname}`);
    }
    if (method === "OPTIONS") return { status: 204, headers: { ...CORS_HEADERS }, body: "" };
    const route = methods.get(method);
    if (!route) {
      const allowed = [...methods.keys(), "OPTIONS"].join(", ");
      throw new ApiError(405, "METHOD_NOT_ALLOWED", `${url.pathname} does not accept ${method}`, [], {
        Allow: allowed,
      });
    }

    let apiKeyId: string | undefined;
    let authorizer: PersonAuthorizerContext | undefined;
    let lookupMs = 0;
    const apiKey = req.headers["x-api-key"];
    const authorization = req.headers.authorization;
    if (route.apiKeyRequired) {
      if (typeof apiKey === "string" && apiKey !== "") {
        // A key wins over a token, as with the authorizer.
        // Looked up on every request (an indexed query) so a revoked key stops working at once.
        // A database failure here is 503 with Retry-After, like the handlers' (toApiError below);
        // the lookup's database time counts against the request's budget, the body upload does not.
        const lookupStarted = Date.now();
        apiKeyId = await withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => findKeyIdByApiKey(db, apiKey));
        lookupMs = Date.now() - lookupStarted;
        if (!apiKeyId) throw new ApiError(403, "FORBIDDEN", "Forbidden");
        countRequest(apiKeyId);
      } else if (authorization !== undefined) {
        // Any Authorization header is a token presented, as for the authorizer: not a Bearer JWT is 401.
        authorizer = await admitPerson(route, authorization);
      } else {
        throw new ApiError(403, "FORBIDDEN", MISSING_KEY_MESSAGE);
      }
    }

    // The stage cache answers after the caller is admitted and counted, before the function runs.
    let cacheKey: string | undefined;
    if (cache?.ttlOf(route) !== undefined) {
      if (asksInvalidation(req.headers["cache-control"]))
        throw new ApiError(403, "FORBIDDEN", CACHE_INVALIDATION_MESSAGE);
      cacheKey = cache.keyOf(route, req.headers, url.searchParams);
      const hit = cache.get(cacheKey);
      if (hit) return hit;
    }

    const body = await readCapped(req, maxBodyBytes);
    const event = apiGatewayEvent({
      method,
      path: route.path,
      query: Object.fromEntries(url.searchParams),
      headers: rawHeaders(req),
      body: body.length > 0 ? body.toString("utf8") : undefined,
      apiKeyId,
      apiKey: typeof apiKey === "string" ? apiKey : undefined,
      authorizer,
      sourceIp: req.socket.remoteAddress,
      stage: "local",
      requestId,
    });
    const handler = handlers[route.functionName];
    const context = lambdaContext(route.functionName, requestId);
    const reply = resultReply(
      await withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS - lookupMs, () => handler(event, context)),
    );
    if (cache && cacheKey !== undefined) cache.set(cacheKey, route, reply);
    return reply;
  }

  return createServer((req, res) => {
    const requestId = randomUUID();
    const started = Date.now();
    handle(req, requestId)
      .catch((error: unknown) => {
        if (error instanceof ApiError) return errorReply(error, requestId);
        // the key lookup's database errors: 503 with Retry-After; anything else stays a 500
        const apiError = toApiError(error);
        if (apiError.status === 503) {
          const { code, message } = error as { code?: string; message?: string };
          log(
            `gateway: ${req.method} ${req.url}: ` +
              `the database is unavailable (${[code, message].filter(Boolean).join(": ")})`,
          );
        } else {
          log(`gateway: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? String(error)}`);
        }
        return errorReply(apiError, requestId);
      })
      .then((reply) => {
        write(res, reply, requestId);
        log(`${req.method} ${req.url} ${reply.status} ${Date.now() - started}ms ${requestId}`);
      })
      .catch((error: unknown) => log(`gateway: could not answer ${req.method} ${req.url}: ${String(error)}`));
  });
}
