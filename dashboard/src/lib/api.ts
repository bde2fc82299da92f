import { queryString, type ReportName, type ReportParams, type Reports } from "./reports";
import { SignedOutError, type Session } from "./session";

/** An answer other than 2xx, with the API's error body (`{"error": {"code", "message"}}`) when it sent one. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 503 (the database is briefly unavailable) or 429: try again after `retryAfterSeconds`. */
export class UnavailableError extends ApiError {
  override name = "UnavailableError";
  constructor(
    status: number,
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(status, code, message);
  }
}

/** When the API sends no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_S = 5;

export interface ReportsApi {
  report<N extends ReportName>(name: N, params: ReportParams, signal?: AbortSignal): Promise<Reports[N]>;
  /** The same report as CSV text (`Accept: text/csv`). */
  csv(name: ReportName, params: ReportParams, signal?: AbortSignal): Promise<string>;
}

/**
 * Reports with the person's ID token as `Authorization: Bearer`. A 401 renews the token and tries once more; a
 * second 401 signs out.
 */
export function reportsApi(apiBase: string, session: Session, fetcher: typeof fetch): ReportsApi {
  async function get(name: ReportName, params: ReportParams, accept: string, signal?: AbortSignal) {
    const url = `${apiBase}/reports/${name}${queryString(params)}`;
    const send = async () =>
      fetcher(url, { headers: { Accept: accept, Authorization: `Bearer ${await session.idToken()}` }, signal });
    let response = await send();
    if (response.status === 401) {
      await session.refresh();
      response = await send();
      if (response.status === 401) {
        session.signOut("The API did not accept your session. Please sign in again.");
        throw new SignedOutError("The API refused the renewed token.");
      }
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
  return {
    report: async (name, params, signal) => (await get(name, params, "application/json", signal)).json(),
    csv: async (name, params, signal) => (await get(name, params, "text/csv", signal)).text(),
  };
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: unknown; message?: unknown }; message?: unknown } | undefined;
  const code = typeof body?.error?.code === "string" ? body.error.code : `HTTP_${response.status}`;
  const message =
    typeof body?.error?.message === "string"
      ? body.error.message
      : typeof body?.message === "string"
        ? body.message
        : `The API answered ${response.status}.`;
  if (response.status === 503 || response.status === 429)
    return new UnavailableError(response.status, code, message, retryAfterSeconds(response.headers.get("Retry-After")));
  return new ApiError(response.status, code, message);
}

/** Retry-After in seconds (the API sends whole seconds; an HTTP date is read too), at least 1. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === "") return DEFAULT_RETRY_AFTER_S;
  if (/^\d+$/.test(header.trim())) return Math.max(1, Number(header.trim()));
  const date = Date.parse(header);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_S : Math.max(1, Math.ceil((date - now) / 1000));
}
