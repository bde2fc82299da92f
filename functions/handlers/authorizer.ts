/**
 * The REST API's Lambda authorizer: API keys for machines, Cognito ID tokens for people on the
 * routes of the table marked `people` (functions/auth/request-authorizer.ts has the rules,
 * docs/sign-in.md the design). It reads no database: the handlers map the key or the person to
 * their store. Neither a token nor a key is ever logged or traced.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { routes } from "../../shared/routes";
import { personTokenVerifier, PersonTokenIssuerUnavailable } from "../auth/person-token";
import { createRequestAuthorizer, TokenRefused, UNAUTHORIZED, type AuthorizerAnswer } from "../auth/request-authorizer";
import { withPowertools } from "../middleware/powertools";
import { logger } from "../observability";

/** What the function's environment holds (set by the api stack). */
export interface AuthorizerEnvironment {
  /** `https://cognito-idp.<region>.amazonaws.com/<user pool id>`. */
  PEOPLE_ISSUER?: string;
  /** The dashboard's app client id (the ID token's audience). */
  PEOPLE_CLIENT_ID?: string;
  /**
   * The people API key's value: the usage identifier of every signed-in person. Not a credential
   * by itself: sent as `x-api-key` it is refused, and no store owns it.
   */
  PEOPLE_USAGE_IDENTIFIER?: string;
}

function required(env: AuthorizerEnvironment, name: keyof AuthorizerEnvironment): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The authorizer of this environment; the token issuer's keys are fetched once per instance and kept. */
export function authorizerFromEnv(env: AuthorizerEnvironment = process.env) {
  return createRequestAuthorizer({
    routes,
    verifyPerson: personTokenVerifier({
      issuer: required(env, "PEOPLE_ISSUER"),
      clientId: required(env, "PEOPLE_CLIENT_ID"),
    }),
    peopleKey: required(env, "PEOPLE_USAGE_IDENTIFIER"),
  });
}

/**
 * One line per decision: who (key, person and store, nobody) and why, never a credential. A key's
 * Allow, the bulk of the traffic, is a debug line: API Gateway's access log already has the key's
 * id for every request, and a line each would cost more in CloudWatch Logs than the invocations.
 */
export function logDecision({ decision }: AuthorizerAnswer, requestId: string | undefined): void {
  if (decision.principal === "key") logger.debug("allowed: API key", { requestId, principal: "key" });
  else if (decision.principal === "person")
    logger.info("allowed: signed-in person", {
      requestId,
      principal: "person",
      route: decision.route,
      storeId: decision.person.storeId,
      userId: decision.person.userId,
    });
  else logger.info("denied", { requestId, principal: "none", route: decision.route, reason: decision.reason });
}

let authorize: ReturnType<typeof authorizerFromEnv> | undefined;

export const handler = withPowertools<APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult>(async (event) => {
  authorize ??= authorizerFromEnv();
  const requestId = event.requestContext?.requestId;
  try {
    const answer = await authorize(event);
    logDecision(answer, requestId);
    return answer.result;
  } catch (error) {
    if (error instanceof PersonTokenIssuerUnavailable) {
      // No verdict: the invocation fails and API Gateway answers 503 (AUTHORIZER_FAILURE) with Retry-After.
      logger.error("the token issuer's keys are unavailable", { requestId, error });
      throw error;
    }
    if (!(error instanceof TokenRefused)) throw error;
    logger.info("refused: token", { requestId, route: error.route, reason: error.reason });
    // The exact message API Gateway turns into its 401 (gateway response UNAUTHORIZED).
    throw new Error(UNAUTHORIZED, { cause: error });
  }
});
