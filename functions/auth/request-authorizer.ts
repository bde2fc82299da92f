import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { routeKey, type Route } from "../../shared/routes";
import { bearerToken, PersonTokenError, type Person, type PersonTokenVerifier } from "./person-token";

/**
 * The API's Lambda authorizer (REQUEST type, `api_key_source = AUTHORIZER`), free of Lambda and
 * logging so it can be tested as a function. docs/sign-in.md "In AWS":
 * - `x-api-key` present: Allow, with the key as the usage identifier; API Gateway then checks the
 *   key (exists, enabled, on a usage plan) and throttles it exactly as with `api_key_source = HEADER`.
 * - else `Authorization: Bearer <ID token>` on a route of the table with `people: true`: the token
 *   is verified; a valid one is allowed with the environment's people key as the usage identifier
 *   and the person's store in the context, an invalid or expired one is refused with 401.
 * - anything else (no credential, another Authorization scheme, a token on an ingestion route or an
 *   unknown one): Deny, 403, as the local gateway answers.
 */
export interface RequestAuthorizerOptions {
  routes: readonly Route[];
  verifyPerson: PersonTokenVerifier;
  /** The value of the people API key (on its own usage plan): the usage identifier of every person. */
  peopleKey: string;
}

/** What the authorizer decided and why, for the log line; never a token or a key. */
export type Decision =
  | { principal: "key" }
  | { principal: "person"; person: Person; route: string }
  | { principal: "none"; reason: string; route?: string };

export interface AuthorizerAnswer {
  result: APIGatewayAuthorizerResult;
  decision: Decision;
}

/** API Gateway answers 401 (gateway response UNAUTHORIZED) when a REQUEST authorizer throws exactly this. */
export const UNAUTHORIZED = "Unauthorized";

export class TokenRefused extends Error {
  constructor(
    readonly reason: string,
    readonly route: string,
  ) {
    super(UNAUTHORIZED);
  }
}

/** A header by name, whatever its case (API Gateway passes them as the client sent them). */
export function headerOf(event: Pick<APIGatewayRequestAuthorizerEvent, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === "string") return value;
  }
  return undefined;
}

/**
 * `GET /api/v1/reports/sales` of the request: the event's method and resource (the route table's
 * path template), else the method ARN's `<api>/<stage>/<METHOD>/<path>`.
 */
export function requestRouteKey(
  event: Pick<APIGatewayRequestAuthorizerEvent, "httpMethod" | "resource" | "methodArn">,
) {
  if (event.httpMethod && event.resource) return routeKey(event.httpMethod, event.resource);
  const [, , method = "", ...path] = (event.methodArn.split(":")[5] ?? "").split("/");
  return routeKey(method, `/${path.join("/")}`);
}

/** Allow or Deny `execute-api:Invoke` on this one method (answers are not cached, so no wildcard is needed). */
function policy(effect: "Allow" | "Deny", methodArn: string): APIGatewayAuthorizerResult["policyDocument"] {
  return { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: methodArn }] };
}

export function createRequestAuthorizer(options: RequestAuthorizerOptions) {
  const byKey = new Map(options.routes.map((route) => [routeKey(route.method, route.path), route]));
  const deny = (methodArn: string, reason: string, route?: string): AuthorizerAnswer => ({
    result: { principalId: "anonymous", policyDocument: policy("Deny", methodArn) },
    decision: { principal: "none", reason, route },
  });

  return async (event: APIGatewayRequestAuthorizerEvent): Promise<AuthorizerAnswer> => {
    const apiKey = headerOf(event, "x-api-key");
    if (apiKey !== undefined && apiKey !== "") {
      // The people key stands for "a verified person"; sent as a key, it would skip the token.
      if (apiKey === options.peopleKey) return deny(event.methodArn, "the people key sent as x-api-key");
      return {
        result: {
          principalId: "key",
          policyDocument: policy("Allow", event.methodArn),
          usageIdentifierKey: apiKey,
          context: { principal: "key" },
        },
        decision: { principal: "key" },
      };
    }

    const route = requestRouteKey(event);
    const authorization = headerOf(event, "authorization");
    // Another scheme in Authorization is no credential of ours: the same 403 as none at all.
    if (authorization === undefined || !/^bearer(\s|$)/i.test(authorization.trim()))
      return deny(event.methodArn, "no x-api-key and no Bearer token", route);
    if (byKey.get(route)?.people !== true) return deny(event.methodArn, "a token on a route for keys only", route);
    const token = bearerToken(authorization);
    if (token === undefined) throw new TokenRefused("Authorization: Bearer without a JWT", route);

    let person: Person;
    try {
      person = await options.verifyPerson(token);
    } catch (error) {
      if (error instanceof PersonTokenError) throw new TokenRefused(error.message, route);
      throw error;
    }
    return {
      result: {
        principalId: person.userId,
        policyDocument: policy("Allow", event.methodArn),
        usageIdentifierKey: options.peopleKey,
        context: {
          principal: "person",
          storeId: String(person.storeId),
          userId: person.userId,
          username: person.username,
        },
      },
      decision: { principal: "person", person, route },
    };
  };
}
