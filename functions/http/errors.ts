/** A field-level problem, named by its JSON path in the request (e.g. `orders[3].lines[0].unitPrice`). */
export interface ErrorDetail {
  field: string;
  message: string;
  index?: number;
}

/** An error the API answers with SPEC's error body; anything else becomes a 500. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details: ErrorDetail[] = []) =>
  new ApiError(400, "VALIDATION_FAILED", message, details);
export const unprocessable = (code: string, message: string, details: ErrorDetail[] = []) =>
  new ApiError(422, code, message, details);
export const forbidden = (message: string) => new ApiError(403, "FORBIDDEN", message);
export const notFound = (message: string) => new ApiError(404, "NOT_FOUND", message);
export const serviceUnavailable = (retryAfterSeconds: number) =>
  new ApiError(503, "SERVICE_UNAVAILABLE", "the database is unavailable; retry later", [], {
    "Retry-After": String(retryAfterSeconds),
  });

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
  requestId: string;
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details }, requestId };
}
