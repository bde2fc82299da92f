import { JwtRsaVerifier } from "aws-jwt-verify";
import { FetchError, JwksValidationError } from "aws-jwt-verify/error";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";

/** A JWKS as aws-jwt-verify caches it: RSA public keys with kty, kid, n, e. */
type CachedJwks = Parameters<ReturnType<typeof JwtRsaVerifier.create>["cacheJwks"]>[0];
import { STORE_ATTRIBUTE } from "../../shared/physical-names";

/**
 * Signed-in people carry a Cognito ID token: RS256, issued by the user pool (`iss`), for the
 * dashboard's app client (`aud`), `token_use` "id", and their store in `custom:store_id`, an
 * attribute only an administrator writes (the app client may not). The Lambda authorizer and the
 * local gateway verify it with the same code; only the issuer and its keys differ.
 */
export interface PersonTokenIssuer {
  /** `https://cognito-idp.<region>.amazonaws.com/<user pool id>`, or the local stand-in's. */
  issuer: string;
  /** The dashboard's app client id. */
  clientId: string;
  /** Where the issuer publishes its keys; default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** The keys themselves, when known (the local gateway): then nothing is fetched. */
  jwks?: { keys: ReadonlyArray<object> };
}

export interface Person {
  /** The user's stable id (`sub`). */
  userId: string;
  username: string;
  storeId: number;
}

export type PersonTokenVerifier = (token: string) => Promise<Person>;

/** Why a token was refused; the message is for logs, never for the caller. */
export class PersonTokenError extends Error {
  override name = "PersonTokenError";
}

/**
 * The issuer's keys could not be had (Cognito unreachable, a malformed JWKS): no verdict on the
 * token, so not a PersonTokenError. The authorizer fails (API Gateway answers 503) instead of
 * telling a person with a good token to sign in again.
 */
export class PersonTokenIssuerUnavailable extends Error {
  override name = "PersonTokenIssuerUnavailable";
}

export const STORE_CLAIM = `custom:${STORE_ATTRIBUTE}` as const;

export function personTokenVerifier(options: PersonTokenIssuer): PersonTokenVerifier {
  const verifier = JwtRsaVerifier.create({
    issuer: options.issuer,
    audience: options.clientId,
    jwksUri: options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`,
  });
  // aws-jwt-verify checks each key (kty, alg, use) when a token names it.
  if (options.jwks) verifier.cacheJwks(options.jwks as unknown as CachedJwks);
  return async (token) => {
    let payload: JwtPayload;
    try {
      payload = await verifier.verify(token);
    } catch (error) {
      if (error instanceof FetchError || error instanceof JwksValidationError)
        throw new PersonTokenIssuerUnavailable(`the issuer's keys: ${error.message}`, { cause: error });
      throw new PersonTokenError(`token refused: ${(error as Error).message}`, { cause: error });
    }
    return personOf(payload);
  };
}

function personOf(payload: JwtPayload): Person {
  if (payload.token_use !== "id") throw new PersonTokenError(`token_use is ${String(payload.token_use)}, not id`);
  const store = payload[STORE_CLAIM];
  const storeId = typeof store === "string" && /^[1-9][0-9]{0,9}$/.test(store) ? Number(store) : NaN;
  if (!Number.isSafeInteger(storeId)) throw new PersonTokenError(`${STORE_CLAIM} is missing or not a store id`);
  const username = payload["cognito:username"];
  return {
    userId: String(payload.sub),
    username: typeof username === "string" ? username : String(payload.sub),
    storeId,
  };
}

/** The token of an `Authorization: Bearer <token>` header, else undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header?.trim() ?? "");
  return match?.[1];
}
