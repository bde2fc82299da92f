// Before anything loads functions/observability.ts: the Logger at INFO, so the log lines can be read.
import "../../support/powertools-output";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { personTokenVerifier, PersonTokenIssuerUnavailable, STORE_CLAIM } from "../../../functions/auth/person-token";
import {
  createRequestAuthorizer,
  requestRouteKey,
  TokenRefused,
  UNAUTHORIZED,
} from "../../../functions/auth/request-authorizer";
import { handler } from "../../../functions/handlers/authorizer";
import { routes } from "../../../shared/routes";
import { lambdaContext } from "../../../tools/local/api-gateway-event";
import { captureOutput, logLines } from "../../support/capture-output";

/**
 * The Lambda authorizer (docs/sign-in.md "In AWS"): an API key is passed on as the usage
 * identifier; a Cognito ID token on a report route is verified and answered with the people key;
 * anything else is denied (403), and a bad token refused (401). Tokens are signed here with a test
 * key pair and verified against that key's JWKS: nothing is fetched.
 */
const ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
const CLIENT_ID = "dashboard-client-id";
const PEOPLE_KEY = "people-key-value-0123456789abcdefghij";
const METHOD_ARN_PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/v1";

type SigningKey = KeyObject;
let signingKey: SigningKey;
let publicJwk: Record<string, unknown>;
let otherKey: SigningKey;

beforeAll(() => {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  signingKey = pair.privateKey;
  publicJwk = { ...pair.publicKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };
  otherKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
});

const base64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

/** A compact RS256 JWS, as Cognito signs its tokens (node:crypto: jose ships ES modules only, jest runs CommonJS). */
function signJwt(payload: Record<string, unknown>, key: SigningKey): string {
  const header = base64url(JSON.stringify({ alg: "RS256", kid: "test-key" }));
  const signingInput = `${header}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${base64url(sign("RSA-SHA256", Buffer.from(signingInput), key))}`;
}

interface TokenOptions {
  /** Claims to add, replace or (with undefined) leave out. */
  claims?: Record<string, unknown>;
  key?: SigningKey;
  /** `exp`, seconds since the epoch; default an hour from now. */
  expiresAt?: number;
}

/** An ID token as Cognito issues them: sub, cognito:username, the store, token_use "id", for the dashboard. */
async function idToken({ claims = {}, key = signingKey, expiresAt }: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: "7d9c1f0e-person",
    "cognito:username": "7d9c1f0e-person",
    email: "owner@example.com",
    token_use: "id",
    [STORE_CLAIM]: "42",
    iss: ISSUER,
    aud: CLIENT_ID,
    iat: now,
    exp: expiresAt ?? now + 3600,
    ...claims,
  };
  const present = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
  return signJwt(present, key);
}

function requestEvent(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): APIGatewayRequestAuthorizerEvent {
  return {
    type: "REQUEST",
    methodArn: `${METHOD_ARN_PREFIX}/${method}${path}`,
    resource: path,
    path: `/v1${path}`,
    httpMethod: method,
    headers,
    multiValueHeaders: null,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: { requestId: "req-1" } as APIGatewayRequestAuthorizerEvent["requestContext"],
  };
}

const authorize = (verify = personTokenVerifier({ issuer: ISSUER, clientId: CLIENT_ID, jwks: { keys: [] } })) =>
  createRequestAuthorizer({ routes, verifyPerson: verify, peopleKey: PEOPLE_KEY });
const withTestKey = () =>
  authorize(personTokenVerifier({ issuer: ISSUER, clientId: CLIENT_ID, jwks: { keys: [publicJwk] } }));

const SALES = "/api/v1/reports/sales";
const ORDERS = "/api/v1/orders";

describe("an API key", () => {
  it("is allowed on this method only and passed on as the usage identifier, for API Gateway to check", async () => {
    const { result } = await authorize()(requestEvent("POST", ORDERS, { "x-api-key": "store-key-1" }));
    expect(result).toEqual({
      principalId: "key",
      usageIdentifierKey: "store-key-1",
      context: { principal: "key" },
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${METHOD_ARN_PREFIX}/POST${ORDERS}` }],
      },
    });
  });

  it("is found whatever the header's case, and wins over a token sent beside it", async () => {
    const token = await idToken();
    const { result } = await authorize()(
      requestEvent("GET", SALES, { "X-Api-Key": "store-key-2", Authorization: `Bearer ${token}` }),
    );
    expect(result.usageIdentifierKey).toBe("store-key-2");
    expect(result.context).toEqual({ principal: "key" });
  });

  it("is denied when it is the people key itself: that key stands for a verified person", async () => {
    const { result, decision } = await authorize()(requestEvent("GET", SALES, { "x-api-key": PEOPLE_KEY }));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: "Deny" });
    expect(result.usageIdentifierKey).toBeUndefined();
    expect(decision).toMatchObject({ principal: "none" });
  });
});

describe("a signed-in person's ID token", () => {
  it("on a report route: allowed with the people key and the person's store in the context", async () => {
    const { result } = await withTestKey()(requestEvent("GET", SALES, { Authorization: `Bearer ${await idToken()}` }));
    expect(result).toEqual({
      principalId: "7d9c1f0e-person",
      usageIdentifierKey: PEOPLE_KEY,
      context: { principal: "person", storeId: "42", userId: "7d9c1f0e-person", username: "7d9c1f0e-person" },
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: `${METHOD_ARN_PREFIX}/GET${SALES}` }],
      },
    });
  });

  it.each(routes.filter((route) => route.people).map((route) => route.path))(
    "is allowed on %s (people: true in the route table)",
    async (path) => {
      const { decision } = await withTestKey()(
        requestEvent("GET", path, { authorization: `Bearer ${await idToken()}` }),
      );
      expect(decision).toMatchObject({ principal: "person", person: { storeId: 42 } });
    },
  );

  it.each(routes.filter((route) => route.apiKeyRequired && !route.people).map((route) => [route.method, route.path]))(
    "is denied (403) on %s %s, a route for keys only",
    async (method, path) => {
      const { result, decision } = await withTestKey()(
        requestEvent(method, path, { Authorization: `Bearer ${await idToken()}` }),
      );
      expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: "Deny" });
      expect(decision).toEqual({
        principal: "none",
        reason: "a token on a route for keys only",
        route: `${method} ${path}`,
      });
    },
  );

  const refused: Array<[string, () => Promise<string>]> = [
    ["expired", () => idToken({ expiresAt: Math.floor(Date.now() / 1000) - 60 })],
    ["signed by another key", () => idToken({ key: otherKey })],
    ["for another app client", () => idToken({ claims: { aud: "another-client" } })],
    ["from another issuer", () => idToken({ claims: { iss: "https://cognito-idp.eu-west-1.amazonaws.com/other" } })],
    ["an access token, not an ID token", () => idToken({ claims: { token_use: "access" } })],
    ["without a store", () => idToken({ claims: { [STORE_CLAIM]: undefined } })],
    ["with a store that is no store id", () => idToken({ claims: { [STORE_CLAIM]: "42; drop table" } })],
    ["not a JWT at all", async () => "not-a-jwt"],
  ];

  it.each(refused)("is refused with Unauthorized (401) when %s", async (_case, token) => {
    const attempt = withTestKey()(requestEvent("GET", SALES, { Authorization: `Bearer ${await token()}` }));
    await expect(attempt).rejects.toThrow(TokenRefused);
    await expect(attempt).rejects.toThrow(UNAUTHORIZED);
  });
});

describe("when Cognito's keys cannot be fetched", () => {
  it("the authorizer fails (API Gateway's 503), not 401: the person's token may well be good", async () => {
    // Nothing listens on port 1: the fetch of the JWKS fails.
    const unreachable = personTokenVerifier({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      jwksUri: "https://127.0.0.1:1/.well-known/jwks.json",
    });
    const attempt = authorize(unreachable)(requestEvent("GET", SALES, { Authorization: `Bearer ${await idToken()}` }));
    await expect(attempt).rejects.toThrow(PersonTokenIssuerUnavailable);
    await expect(attempt).rejects.not.toThrow(TokenRefused);
  });
});

describe("no credential of ours", () => {
  it.each([
    ["neither header", {}],
    ["an empty x-api-key", { "x-api-key": "" }],
    ["another Authorization scheme", { Authorization: "Basic dXNlcjpwYXNz" }],
  ])("%s: denied (403)", async (_case, headers) => {
    const { result } = await withTestKey()(requestEvent("GET", SALES, headers));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: "Deny" });
    expect(result.usageIdentifierKey).toBeUndefined();
  });
});

describe("the route of a request", () => {
  it("is the event's method and resource (the route table's path template)", () => {
    expect(requestRouteKey(requestEvent("GET", SALES))).toBe(`GET ${SALES}`);
  });

  it("else comes from the method ARN", () => {
    const event = { ...requestEvent("GET", SALES), resource: "", httpMethod: "" };
    expect(requestRouteKey(event)).toBe(`GET ${SALES}`);
  });
});

describe("the Lambda handler", () => {
  const env = { ...process.env };
  beforeAll(() => {
    process.env.PEOPLE_ISSUER = ISSUER;
    process.env.PEOPLE_CLIENT_ID = CLIENT_ID;
    process.env.PEOPLE_USAGE_IDENTIFIER = PEOPLE_KEY;
  });
  afterAll(() => {
    process.env = env;
  });
  const invoke = (event: APIGatewayRequestAuthorizerEvent) =>
    captureOutput(() => handler(event, lambdaContext("ecommerce-analytics-test-authorizer")));

  it("answers a key with Allow, logging nothing at INFO (the access log has the key's id), never the key", async () => {
    const { result, output } = await invoke(requestEvent("POST", ORDERS, { "x-api-key": "secret-store-key" }));
    expect(result).toMatchObject({ usageIdentifierKey: "secret-store-key", context: { principal: "key" } });
    expect(logLines(output).filter((line) => line.level !== "DEBUG")).toEqual([]);
    expect(JSON.stringify(output)).not.toContain("secret-store-key");
    expect(JSON.stringify(output)).not.toContain(PEOPLE_KEY);
  });

  it("throws exactly Unauthorized for a refused token (API Gateway's 401), and logs why, not the token", async () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    let thrown: unknown;
    const { output } = await captureOutput(async () => {
      try {
        await handler(requestEvent("GET", SALES, { Authorization: `Bearer ${token}` }), lambdaContext("authorizer"));
      } catch (error) {
        thrown = error;
      }
    });
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("Unauthorized");
    expect(logLines(output)).toContainEqual(
      expect.objectContaining({ message: "refused: token", route: `GET ${SALES}`, reason: expect.any(String) }),
    );
    expect(JSON.stringify(output)).not.toContain(token);
  });

  it("denies a request with no credential and says why in the log", async () => {
    const { result, output } = await invoke(requestEvent("GET", SALES));
    expect(result).toMatchObject({ principalId: "anonymous", policyDocument: { Statement: [{ Effect: "Deny" }] } });
    expect(logLines(output)).toEqual([
      expect.objectContaining({ message: "denied", reason: "no x-api-key and no Bearer token", route: `GET ${SALES}` }),
    ]);
  });
});
