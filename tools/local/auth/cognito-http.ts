/**
 * The local stand-in's HTTP side, as the browser meets Cognito's: `POST /local/cognito/` with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and a JSON body
 * (`application/x-amz-json-1.1`), every refusal HTTP 400 with `{"__type", "message"}`; and the
 * pool's public keys at `GET /local/cognito/<pool>/.well-known/jwks.json`.
 */
import { COGNITO_PATH, CognitoError, type LocalCognito } from "./cognito";

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const AMZ_JSON = "application/x-amz-json-1.1";
const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";
/** The bodies Cognito's sign-in calls send are small; anything near this is not one. */
export const COGNITO_MAX_BODY_BYTES = 64 * 1024;

/** Cognito answers any origin: the dashboard's own origin differs from the API's and Cognito's. */
export const COGNITO_CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Content-Type,X-Amz-Target,X-Amz-User-Agent,Authorization,Cache-Control",
  "Access-Control-Allow-Methods": "POST,OPTIONS",
  "Access-Control-Max-Age": "600",
};

function json(status: number, body: unknown, contentType: string): HttpReply {
  return {
    status,
    headers: { ...COGNITO_CORS_HEADERS, "Content-Type": contentType, "Cache-Control": "no-store" },
    body: JSON.stringify(body),
  };
}

function cognitoError(type: string, message: string): HttpReply {
  const reply = json(400, { __type: type, message }, AMZ_JSON);
  reply.headers["x-amzn-ErrorType"] = `${type}:`;
  return reply;
}

/** Whether a request is the stand-in's (its paths start with /local/cognito/). */
export function isCognitoPath(pathname: string): boolean {
  return pathname === COGNITO_PATH.slice(0, -1) || pathname.startsWith(COGNITO_PATH);
}

export interface CognitoRequest {
  method: string;
  pathname: string;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The stand-in's answer to one request under /local/cognito/, or undefined when no such path. */
export async function cognitoReply(cognito: LocalCognito, request: CognitoRequest): Promise<HttpReply | undefined> {
  const { method, pathname } = request;
  if (pathname === cognito.jwksPath) {
    if (method === "GET" || method === "HEAD") return json(200, cognito.jwks, "application/json");
    if (method === "OPTIONS") return { status: 204, headers: { ...COGNITO_CORS_HEADERS }, body: "" };
    return undefined;
  }
  if (pathname !== COGNITO_PATH && pathname !== COGNITO_PATH.slice(0, -1)) return undefined;
  if (method === "OPTIONS") return { status: 204, headers: { ...COGNITO_CORS_HEADERS }, body: "" };
  if (method !== "POST") {
    const reply = cognitoError("UnknownOperationException", `${method} is not an operation: POST with X-Amz-Target`);
    reply.status = 405;
    reply.headers.Allow = "POST, OPTIONS";
    return reply;
  }

  const target = String(request.headers["x-amz-target"] ?? "");
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
  if (operation !== "InitiateAuth" && operation !== "RevokeToken")
    return cognitoError(
      "UnknownOperationException",
      `the local stand-in answers InitiateAuth and RevokeToken (X-Amz-Target: ${TARGET_PREFIX}InitiateAuth)`,
    );
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString("utf8"));
  } catch {
    return cognitoError("SerializationException", "the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return cognitoError("SerializationException", "the body is not a JSON object");

  try {
    const result = operation === "InitiateAuth" ? await cognito.initiateAuth(body) : cognito.revokeToken(body);
    return json(200, result, AMZ_JSON);
  } catch (error) {
    if (error instanceof CognitoError) return cognitoError(error.type, error.message);
    throw error;
  }
}
