/**
 * The REST API (API Gateway v1: the only flavour with API keys, usage plans and WAF), built
 * from the route table: one resource per path segment, one Lambda-proxy method per route, an
 * OPTIONS mock per routed resource, gateway responses that answer with SPEC's error body and
 * CORS headers, a deployment that redeploys whenever any of that changes, and a stage with
 * X-Ray, JSON access logs, metrics and throttling. With an authorizer function, every method
 * that requires a key takes its key from the Lambda authorizer (API keys or people's tokens,
 * docs/sign-in.md). With the stage cache on, the routes the table marks `cache` are cached,
 * keyed by the caller, Accept, X-Consistency and their query (docs/caching.md).
 */
import { createHash } from "node:crypto";
import { ApiGatewayAccount } from "@cdktf/provider-aws/lib/api-gateway-account";
import { ApiGatewayAuthorizer } from "@cdktf/provider-aws/lib/api-gateway-authorizer";
import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayGatewayResponse } from "@cdktf/provider-aws/lib/api-gateway-gateway-response";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayIntegrationResponse } from "@cdktf/provider-aws/lib/api-gateway-integration-response";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodResponse } from "@cdktf/provider-aws/lib/api-gateway-method-response";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { CORS_HEADERS } from "../../../shared/cors-headers";
import { routes as ROUTE_TABLE, type FunctionName, type Route } from "../../../shared/routes";
import {
  cacheKeyParameters,
  cacheTtlSeconds,
  methodSettingsPath,
  type StageCacheSettings,
} from "../../../shared/stage-cache";

/** What the API needs of a Lambda function (an `aws_lambda_function` satisfies it). */
export interface ApiFunction {
  functionName: string;
  invokeArn: string;
  /**
   * The alias `invokeArn` names (e.g. `live`, docs/releases.md): API Gateway's permission to invoke
   * is then granted on that alias only. Undefined: the unqualified function ($LATEST).
   */
  qualifier?: string;
}

export interface StageThrottle {
  /** Steady requests per second for the whole stage (all keys and IPs together). */
  rateLimit: number;
  burstLimit: number;
}

/**
 * The Lambda authorizer's settings. REQUEST type with results never cached (TTL 0): a cached answer
 * is keyed by the identity sources, and with no credential header shared by machines (`x-api-key`)
 * and people (`Authorization`) any header chosen as identity source would be one that half of the
 * callers lack, and API Gateway refuses such a request with 401 before the authorizer runs. Without
 * caching the identity source is optional, but hashicorp/aws 5.x cannot leave it empty (it defaults
 * to the Authorization header), so it names a context variable every request has.
 */
export const AUTHORIZER_SETTINGS = {
  type: "REQUEST",
  identitySource: "context.httpMethod",
  authorizerResultTtlInSeconds: 0,
} as const;

export interface RestApiProps {
  /** Physical name prefix, e.g. `ecommerce-analytics-prod`. */
  prefix: string;
  stageName: string;
  /** Stage-wide method throttling (`*\/*`); per-key limits are the usage plan's. */
  throttle: StageThrottle;
  logRetentionDays: number;
  /** KMS key for the access and execution log groups. */
  logsKeyArn: string;
  functions: Record<FunctionName, ApiFunction>;
  /** The route table; a parameter so tests can add a route. Default: `shared/routes.ts`. */
  routes?: readonly Route[];
  /**
   * Whether this stack sets the region-wide `aws_api_gateway_account` CloudWatch role (needed
   * for execution logs and access logs). Default true. It is a per-account-and-region
   * singleton: where several environments share one account and region, exactly one should own it.
   */
  manageAccountLogging?: boolean;
  /**
   * The Lambda authorizer in front of every method that requires a key (`api_key_source =
   * AUTHORIZER`: it hands API Gateway the key to check). Without one, keys come from `x-api-key`.
   */
  authorizer?: ApiFunction;
  /**
   * The stage cache (the environment's `api.stageCache`) and the query parameters each route
   * takes (their values select the answer, so they are in its cache key). Default: no cache.
   */
  stageCache?: StageCacheSettings & { queryNames: (route: Route) => readonly string[] };
}

/** A cached method: its route, TTL and cache key parameters. */
export interface CachedMethod {
  route: Route;
  ttlSeconds: number;
  keyParameters: string[];
}

/** A gateway response: API Gateway's own errors answered with SPEC's body. */
export interface GatewayErrorSpec {
  status?: string;
  code: string;
  /** A fixed message; default API Gateway's own (`$context.error.messageString`, already JSON-quoted). */
  message?: string;
  headers?: Record<string, string>;
}

/**
 * API Gateway's own errors. Unknown paths and unknown methods on known paths both come back
 * from API Gateway as MISSING_AUTHENTICATION_TOKEN ("Missing Authentication Token", 403):
 * with no IAM authorizer anywhere that can only mean "no such route", so it is a 404
 * NOT_FOUND here, as on the local server. A missing key and an unknown or revoked key are
 * both INVALID_API_KEY, which API Gateway cannot tell apart, so its message names both.
 * The WAF's managed-rule blocks arrive as WAF_FILTERED (403); its per-IP rate rule answers
 * 429 itself (see waf.ts). DEFAULT_5XX keeps API Gateway's status (502 for a function that
 * crashed or answered malformed) so the 5XXError metric and alarms still see what happened.
 */
export const GATEWAY_RESPONSES: Readonly<Record<string, GatewayErrorSpec>> = {
  DEFAULT_4XX: { code: "BAD_REQUEST" },
  DEFAULT_5XX: { code: "INTERNAL_ERROR" },
  // The authorizer denied: no key and no sign-in token, or a token on a route for keys only.
  ACCESS_DENIED: {
    status: "403",
    code: "FORBIDDEN",
    message:
      "Forbidden: send an API key in the x-api-key header " +
      "(the reports also take a sign-in token in Authorization: Bearer)",
  },
  // The authorizer refused a sign-in token: the dashboard refreshes it, or signs in again.
  UNAUTHORIZED: {
    status: "401",
    code: "UNAUTHORIZED",
    message: "the sign-in token is missing, invalid or expired: refresh it or sign in again",
    headers: { "WWW-Authenticate": "Bearer" },
  },
  // The authorizer could not answer (throttled, timed out): transient, like INTEGRATION_FAILURE.
  AUTHORIZER_FAILURE: { status: "503", code: "SERVICE_UNAVAILABLE", headers: { "Retry-After": "5" } },
  AUTHORIZER_CONFIGURATION_ERROR: { status: "500", code: "INTERNAL_ERROR" },
  INVALID_API_KEY: {
    status: "403",
    code: "FORBIDDEN",
    message: "Forbidden: send a valid API key in the x-api-key header (the key is missing, unknown or revoked)",
  },
  WAF_FILTERED: {
    status: "403",
    code: "FORBIDDEN",
    message: "Forbidden: the request was blocked by the web application firewall",
  },
  MISSING_AUTHENTICATION_TOKEN: { status: "404", code: "NOT_FOUND", message: "no route for this method and path" },
  RESOURCE_NOT_FOUND: { status: "404", code: "NOT_FOUND" },
  THROTTLED: { status: "429", code: "TOO_MANY_REQUESTS", headers: { "Retry-After": "60" } },
  QUOTA_EXCEEDED: { status: "429", code: "TOO_MANY_REQUESTS", headers: { "Retry-After": "60" } },
  REQUEST_TOO_LARGE: { status: "413", code: "PAYLOAD_TOO_LARGE" },
  UNSUPPORTED_MEDIA_TYPE: { status: "415", code: "UNSUPPORTED_MEDIA_TYPE" },
  API_CONFIGURATION_ERROR: { status: "500", code: "INTERNAL_ERROR" },
  // The function could not be reached or did not answer in time: transient, like the
  // handlers' own 503 when the database is down.
  INTEGRATION_FAILURE: { status: "503", code: "SERVICE_UNAVAILABLE", headers: { "Retry-After": "5" } },
  INTEGRATION_TIMEOUT: { status: "503", code: "SERVICE_UNAVAILABLE", headers: { "Retry-After": "5" } },
};

/** The VTL body of a gateway response: SPEC's `{"error":{code,message,details},"requestId"}`. */
export function gatewayErrorTemplate(spec: GatewayErrorSpec): string {
  const message = spec.message === undefined ? "$context.error.messageString" : JSON.stringify(spec.message);
  return (
    `{"error":{"code":${JSON.stringify(spec.code)},"message":${message},"details":[]},` +
    `"requestId":"$context.requestId"}`
  );
}

/** Static header values for `response_parameters` (API Gateway wants them single-quoted). */
function staticHeaders(prefix: string, headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [`${prefix}.header.${name}`, `'${value}'`]));
}

/** One line of JSON per request; every value quoted so a missing one ("-") stays valid JSON. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  extendedRequestId: "$context.extendedRequestId",
  ip: "$context.identity.sourceIp",
  caller: "$context.identity.caller",
  userAgent: "$context.identity.userAgent",
  apiKeyId: "$context.identity.apiKeyId",
  requestTime: "$context.requestTime",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  status: "$context.status",
  protocol: "$context.protocol",
  responseLength: "$context.responseLength",
  integrationStatus: "$context.integration.status",
  integrationLatency: "$context.integrationLatency",
  responseLatency: "$context.responseLatency",
  errorType: "$context.error.responseType",
  errorMessage: "$context.error.message",
  wafStatus: "$context.waf.status",
  xrayTraceId: "$context.xrayTraceId",
});

/** `/api/v1/reports/summary` -> `api-v1-reports-summary` (construct ids; `{id}` -> `id`). */
const slug = (path: string) => path.replace(/[{}+]/g, "").split("/").filter(Boolean).join("-") || "root";

/** Every resource path the routes need, parents before children: `/api`, `/api/v1`, ... */
export function resourcePaths(routeTable: readonly Route[]): string[] {
  const paths = new Set<string>();
  for (const route of routeTable) {
    const segments = route.path.split("/").filter(Boolean);
    for (let i = 1; i <= segments.length; i++) paths.add(`/${segments.slice(0, i).join("/")}`);
  }
  return [...paths].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
}

export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly deployment: ApiGatewayDeployment;
  readonly accessLogGroup: CloudwatchLogGroup;
  readonly executionLogGroup: CloudwatchLogGroup;
  /** Resource by path (`/api/v1/orders`). */
  readonly resources = new Map<string, ApiGatewayResource>();
  /** Method by route key (`POST /api/v1/orders`, `OPTIONS /api/v1/orders`). */
  readonly methods = new Map<string, ApiGatewayMethod>();
  /** The stage's invoke URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/v1`. */
  readonly url: string;
  /** The API's name (a plain string: CloudWatch's `ApiName` dimension). */
  readonly name: string;
  /** The Lambda authorizer, when the API has one. */
  readonly authorizer?: ApiGatewayAuthorizer;
  /** The methods the stage cache keeps answers of (none with the cache off). */
  readonly cachedMethods: CachedMethod[] = [];

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const routeTable = props.routes ?? ROUTE_TABLE;
    const { prefix, stageName } = props;

    this.name = `${prefix}-api`;
    this.api = new ApiGatewayRestApi(this, "api", {
      name: this.name,
      description: "E-commerce analytics HTTP API v1 (generated from functions/routes.ts)",
      apiKeySource: props.authorizer ? "AUTHORIZER" : "HEADER",
      endpointConfiguration: { types: ["REGIONAL"] },
      disableExecuteApiEndpoint: false,
      // Reports (CSV especially) compress well; API Gateway gzips when the client accepts it.
      minimumCompressionSize: "1024",
    });

    // --- resources: one per path segment, shared prefixes once -------------------------------
    for (const path of resourcePaths(routeTable)) {
      const cut = path.lastIndexOf("/");
      const parentPath = path.slice(0, cut);
      const parentId = parentPath === "" ? this.api.rootResourceId : this.resources.get(parentPath)!.id;
      this.resources.set(
        path,
        new ApiGatewayResource(this, `resource-${slug(path)}`, {
          restApiId: this.api.id,
          parentId,
          pathPart: path.slice(cut + 1),
        }),
      );
    }

    /** Everything the deployment snapshots; their ids feed its redeployment trigger. */
    const dependables: Array<ITerraformDependable & { id: string }> = [];

    // --- the Lambda authorizer: machines' keys and people's tokens ------------------------------
    if (props.authorizer) {
      this.authorizer = new ApiGatewayAuthorizer(this, "authorizer", {
        name: `${prefix}-authorizer`,
        restApiId: this.api.id,
        authorizerUri: props.authorizer.invokeArn,
        ...AUTHORIZER_SETTINGS,
      });
      new LambdaPermission(this, "permission-authorizer", {
        statementId: "AllowApiGatewayAuthorizer",
        action: "lambda:InvokeFunction",
        functionName: props.authorizer.functionName,
        ...(props.authorizer.qualifier ? { qualifier: props.authorizer.qualifier } : {}),
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/authorizers/${this.authorizer.id}`,
      });
      dependables.push(this.authorizer);
    }

    // --- methods: Lambda proxy per route --------------------------------------------------------
    for (const route of routeTable) {
      const resource = this.resources.get(route.path)!;
      const fn = props.functions[route.functionName];
      const key = `${route.method}-${slug(route.path)}`;
      const ttlSeconds = props.stageCache && cacheTtlSeconds(route, props.stageCache);
      // A cached method declares what selects its answer (optional request parameters) and keys its cache by them.
      const keyParameters =
        props.stageCache && ttlSeconds ? cacheKeyParameters(props.stageCache.queryNames(route)) : [];
      if (ttlSeconds) this.cachedMethods.push({ route, ttlSeconds, keyParameters });
      const method = new ApiGatewayMethod(this, `method-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: route.method,
        ...(route.apiKeyRequired && this.authorizer
          ? { authorization: "CUSTOM", authorizerId: this.authorizer.id }
          : { authorization: "NONE" }),
        apiKeyRequired: route.apiKeyRequired,
        operationName: route.operationId,
        ...(ttlSeconds ? { requestParameters: Object.fromEntries(keyParameters.map((p) => [p, false])) } : {}),
      });
      const integration = new ApiGatewayIntegration(this, `integration-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: "AWS_PROXY",
        integrationHttpMethod: "POST",
        uri: fn.invokeArn,
        ...(ttlSeconds ? { cacheKeyParameters: keyParameters, cacheNamespace: resource.id } : {}),
      });
      // Only this method (any stage, so the console's test invoke works too) may invoke; path
      // parameters (`{id}`) match any value.
      new LambdaPermission(this, `permission-${key}`, {
        statementId: `AllowApiGateway-${route.operationId}`,
        action: "lambda:InvokeFunction",
        functionName: fn.functionName,
        ...(fn.qualifier ? { qualifier: fn.qualifier } : {}),
        principal: "apigateway.amazonaws.com",
        sourceArn: `${this.api.executionArn}/*/${route.method}${route.path.replace(/\{[^}]+\}/g, "*")}`,
      });
      this.methods.set(`${route.method} ${route.path}`, method);
      dependables.push(method, integration);
    }

    // --- CORS preflight: an OPTIONS mock on every resource that has routes --------------------
    const corsResponse = staticHeaders("method.response", CORS_HEADERS);
    for (const path of new Set(routeTable.map((r) => r.path))) {
      const resource = this.resources.get(path)!;
      const key = `OPTIONS-${slug(path)}`;
      const method = new ApiGatewayMethod(this, `method-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: "OPTIONS",
        authorization: "NONE",
        apiKeyRequired: false,
      });
      const integration = new ApiGatewayIntegration(this, `integration-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        type: "MOCK",
        requestTemplates: { "application/json": '{"statusCode": 204}' },
      });
      const methodResponse = new ApiGatewayMethodResponse(this, `method-response-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        statusCode: "204",
        responseParameters: Object.fromEntries(Object.keys(corsResponse).map((name) => [name, true])),
      });
      const integrationResponse = new ApiGatewayIntegrationResponse(this, `integration-response-${key}`, {
        restApiId: this.api.id,
        resourceId: resource.id,
        httpMethod: method.httpMethod,
        statusCode: methodResponse.statusCode,
        responseParameters: corsResponse,
        dependsOn: [integration],
      });
      this.methods.set(`OPTIONS ${path}`, method);
      dependables.push(method, integration, methodResponse, integrationResponse);
    }

    // --- gateway responses: API Gateway's own errors in SPEC's shape, with CORS ----------------
    for (const [type, spec] of Object.entries(GATEWAY_RESPONSES)) {
      dependables.push(
        new ApiGatewayGatewayResponse(this, `gateway-response-${type.toLowerCase().replace(/_/g, "-")}`, {
          restApiId: this.api.id,
          responseType: type,
          statusCode: spec.status,
          responseParameters: staticHeaders("gatewayresponse", { ...CORS_HEADERS, ...spec.headers }),
          responseTemplates: { "application/json": gatewayErrorTemplate(spec) },
        }),
      );
    }

    // --- deployment: redeploys when the routes, integrations or gateway responses change ------
    const definition = createHash("sha256")
      .update(
        JSON.stringify({
          routes: routeTable.map(({ method, path, operationId, functionName, apiKeyRequired }) => ({
            method,
            path,
            operationId,
            functionName,
            apiKeyRequired,
          })),
          integration: { type: "AWS_PROXY", integrationHttpMethod: "POST" },
          authorizer: props.authorizer ? AUTHORIZER_SETTINGS : null,
          // Integrations moving to (or off) an alias change their URIs in place: redeploy then.
          qualifiers: {
            ...Object.fromEntries(Object.entries(props.functions).map(([name, fn]) => [name, fn.qualifier ?? null])),
            authorizer: props.authorizer?.qualifier ?? null,
          },
          // Request and cache key parameters are part of the deployment's snapshot.
          cache: this.cachedMethods.map(({ route, keyParameters }) => ({
            method: route.method,
            path: route.path,
            keyParameters,
          })),
          cors: CORS_HEADERS,
          gatewayResponses: GATEWAY_RESPONSES,
        }),
      )
      .digest("hex");
    this.deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      description: `routes ${definition.slice(0, 12)}`,
      triggers: {
        definition,
        // The resources' ids change when one is replaced (e.g. an integration's function).
        resources: Fn.sha1(Fn.jsonencode(dependables.map((d) => d.id))),
      },
      dependsOn: dependables,
      lifecycle: { createBeforeDestroy: true },
    });

    // --- logging: the account's CloudWatch role, access and execution log groups --------------
    const accountDependables: ITerraformDependable[] = [];
    if (props.manageAccountLogging ?? true) {
      const partition = new DataAwsPartition(this, "partition");
      // ACCOUNT-WIDE: API Gateway has one CloudWatch Logs role per account and region, used by
      // every REST API there for execution and access logging. This stack sets it; where
      // environments share an account and region, only one of them should (manageAccountLogging).
      const role = new IamRole(this, "cloudwatch-role", {
        name: `${prefix}-apigw-cloudwatch`,
        description: "API Gateway (account-wide setting) pushes execution and access logs to CloudWatch Logs",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      });
      const attachment = new IamRolePolicyAttachment(this, "cloudwatch-role-policy", {
        role: role.name,
        policyArn: `arn:${partition.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
      });
      accountDependables.push(
        new ApiGatewayAccount(this, "account", { cloudwatchRoleArn: role.arn, dependsOn: [attachment] }),
      );
    }

    this.accessLogGroup = new CloudwatchLogGroup(this, "access-logs", {
      name: `/aws/apigateway/${prefix}-api/access`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });
    // API Gateway writes execution logs to this fixed name; created here so that it has a
    // retention and the KMS key instead of API Gateway's never-expiring, unencrypted default.
    this.executionLogGroup = new CloudwatchLogGroup(this, "execution-logs", {
      name: `API-Gateway-Execution-Logs_${this.api.id}/${stageName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: this.deployment.id,
      stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
      // The cache cluster runs (and bills by the hour) only where the environment turns it on.
      cacheClusterEnabled: props.stageCache?.enabled ?? false,
      ...(props.stageCache?.enabled ? { cacheClusterSize: props.stageCache.clusterSizeGb } : {}),
      dependsOn: [...accountDependables, this.executionLogGroup],
    });

    const stageSettings = {
      metricsEnabled: true,
      // ERROR, not INFO: INFO logs would carry request and response bodies (stores' data).
      loggingLevel: "ERROR",
      dataTraceEnabled: false,
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
    };
    new ApiGatewayMethodSettings(this, "method-settings", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      // Explicitly off stage-wide: with a cache cluster API Gateway would otherwise cache every
      // GET, keyed by path alone. Only the methods below are cached, each keyed by its caller.
      settings: { ...stageSettings, cachingEnabled: false },
      dependsOn: accountDependables,
    });
    // A method's settings replace the stage-wide ones for it: the same logging, metrics and throttling, plus its cache.
    for (const { route, ttlSeconds } of this.cachedMethods) {
      new ApiGatewayMethodSettings(this, `method-settings-cache-${route.method}-${slug(route.path)}`, {
        restApiId: this.api.id,
        stageName: this.stage.stageName,
        methodPath: methodSettingsPath(route),
        settings: {
          ...stageSettings,
          cachingEnabled: true,
          cacheTtlInSeconds: ttlSeconds,
          cacheDataEncrypted: true,
          // `Cache-Control: max-age=0` (flush this entry) only from IAM principals allowed
          // execute-api:InvalidateCache; anyone else gets 403, never a flush of the entry.
          requireAuthorizationForCacheControl: true,
          unauthorizedCacheControlHeaderStrategy: "FAIL_WITH_403",
        },
        dependsOn: accountDependables,
      });
    }

    this.url = this.stage.invokeUrl;
  }
}
