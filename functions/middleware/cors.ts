import { CORS_HEADERS } from "../../shared/cors-headers";
import type { HttpMiddleware, HttpRequest } from "./context";

/** Adds the shared CORS headers to every response, errors included (a handler's own headers win). */
function addCorsHeaders(request: HttpRequest): void {
  if (!request.response) return;
  request.response.headers = { ...CORS_HEADERS, ...request.response.headers };
}

export function cors(): HttpMiddleware {
  return { after: addCorsHeaders, onError: addCorsHeaders };
}
