/**
 * The local stand-in for API Gateway (REST, v1 proxy integration): routes by the route table,
 * checks API keys, throttles per key like the usage plan, caps bodies, and invokes the same
 * Lambda handlers the deployed API does. The handlers read the shared database handle, so the
 * caller points `setSharedDatabase` at the same database as `options.db`.
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
import { apiGatewayEvent, lambdaContext } from "./api-gateway-event";
import { functionHandlers, type ProxyHandler } from "./handlers";

type RequestId = ReturnType<typeof randomUUID>;

export const DEFAULT_THROTTLE = { limit: 1000, windowMs: 60_000 } as const;
export const MISSING_KEY_MESSAGE = "Missing API key: send it in the x-api-key header";
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

interface Reply {
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

  async function handle(req: IncomingMessage, requestId: RequestId): Promise<Reply> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://localhost");
    const methods = byPath.get(url.pathname);
    if (!methods) throw new ApiError(404, "NOT_FOUND", `no route for ${method} ${url.pathname}`);
    if (method === "OPTIONS") return { status: 204, headers: { ...CORS_HEADERS }, body: "" };
    const route = methods.get(method);
    if (!route) {
      const allowed = [...methods.keys(), "OPTIONS"].join(", ");
      throw new ApiError(405, "METHOD_NOT_ALLOWED", `${url.pathname} does not accept ${method}`, [], {
        Allow: allowed,
      });
    }

    let apiKeyId: string | undefined;
    let lookupMs = 0;
    const apiKey = req.headers["x-api-key"];
    if (route.apiKeyRequired) {
      if (typeof apiKey !== "string" || apiKey === "") throw new ApiError(403, "FORBIDDEN", MISSING_KEY_MESSAGE);
      // Looked up on every request (an indexed query) so a revoked key stops working at once.
      // A database failure here is 503 with Retry-After, like the handlers' (toApiError below);
      // the lookup's database time counts against the request's budget, the body upload does not.
      const lookupStarted = Date.now();
      apiKeyId = await withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS, () => findKeyIdByApiKey(db, apiKey));
      lookupMs = Date.now() - lookupStarted;
      if (!apiKeyId) throw new ApiError(403, "FORBIDDEN", "Forbidden");
      const retryAfter = throttle.take(apiKeyId);
      if (retryAfter !== undefined) {
        throw new ApiError(429, "TOO_MANY_REQUESTS", "Too Many Requests", [], { "Retry-After": String(retryAfter) });
      }
    }

    const read = await readBody(req, maxBodyBytes);
    if (read.kind === "too-large") {
      discardRest(req);
      throw new ApiError(413, "PAYLOAD_TOO_LARGE", `the body exceeds the limit of ${maxBodyBytes} bytes`);
    }

    const event = apiGatewayEvent({
      method,
      path: route.path,
      query: Object.fromEntries(url.searchParams),
      headers: rawHeaders(req),
      body: read.body.length > 0 ? read.body.toString("utf8") : undefined,
      apiKeyId,
      apiKey: typeof apiKey === "string" ? apiKey : undefined,
      sourceIp: req.socket.remoteAddress,
      stage: "local",
      requestId,
    });
    const handler = handlers[route.functionName];
    const context = lambdaContext(route.functionName, requestId);
    return resultReply(
      await withDatabaseDeadline(REQUEST_DATABASE_BUDGET_MS - lookupMs, () => handler(event, context)),
    );
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
