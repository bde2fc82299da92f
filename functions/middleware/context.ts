import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type { MiddlewareObj, Request } from "@middy/core";
import type { Store } from "../db/schema";

/** What the middlewares learn about a request, for the operation to use. */
export interface RequestState extends Context {
  store?: Store;
  body?: unknown;
}

export type HttpRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestState>;
export type HttpMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestState>;

export function requestIdOf(event: APIGatewayProxyEvent | undefined): string {
  return event?.requestContext?.requestId ?? "unknown";
}

/** Case-insensitive header lookup: API Gateway passes headers as the client sent them. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
