import type { HttpMiddleware, HttpRequest } from "./context";

/** The CORS headers every response carries; the API Gateway stack puts the same on its own error responses. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Content-Type,X-Api-Key,Accept",
  "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
};

function addCorsHeaders(request: HttpRequest): void {
  if (!request.response) return;
  request.response.headers = { ...CORS_HEADERS, ...request.response.headers };
}

export function cors(): HttpMiddleware {
  return { after: addCorsHeaders, onError: addCorsHeaders };
}
