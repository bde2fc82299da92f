import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, Context } from "aws-lambda";

export interface GatewayRequest {
  method: string;
  /** The route's resource path (no path parameters in this API, so also the request path). */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  apiKeyId?: string;
  apiKey?: string;
  /** What a Lambda authorizer passed on (`requestContext.authorizer`): for a signed-in person, their store. */
  authorizer?: Record<string, string>;
  sourceIp?: string;
  stage?: string;
  requestId?: string;
}

/** An API Gateway REST (v1) proxy event, as API Gateway builds it after checking the key or the person's token. */
export function apiGatewayEvent(request: GatewayRequest): APIGatewayProxyEvent {
  const stage = request.stage ?? "local";
  const requestId = request.requestId ?? randomUUID();
  const query = request.query && Object.keys(request.query).length > 0 ? request.query : null;
  const headers = request.headers ?? {};
  return {
    resource: request.path,
    path: request.path,
    httpMethod: request.method.toUpperCase(),
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: request.authorizer ? { ...request.authorizer } : null,
      protocol: "HTTP/1.1",
      httpMethod: request.method.toUpperCase(),
      path: `/${stage}${request.path}`,
      stage,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: request.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: request.apiKey ?? null,
        apiKeyId: request.apiKeyId ?? null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp ?? "127.0.0.1",
        user: null,
        userAgent: Object.entries(headers).find(([name]) => name.toLowerCase() === "user-agent")?.[1] ?? null,
        userArn: null,
      },
    },
  };
}

/** A Lambda context for running a handler outside Lambda. */
export function lambdaContext(functionName: string, requestId: string = randomUUID()): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
