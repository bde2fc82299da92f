import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { CORS_HEADERS } from "../../shared/cors-headers";
import { FUNCTION_NAMES, routes, type FunctionName, type Route } from "../../shared/routes";
import { migrationsHash } from "../../shared/migrations-hash";
import { AwsProvisioning } from "../../tools/local/aws-provisioning";
import { environmentPrefix, smokeSecretName } from "../../shared/physical-names";
import { ApiStack } from "../../stacks/api-stack";
import { ENVIRONMENT_NAMES, environmentSettings, loadEnvironments, type EnvironmentConfig } from "../../stacks/config";
import { GATEWAY_RESPONSES, RestApi, resourcePaths } from "../../stacks/constructs/api/rest-api";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const configs = loadEnvironments(environmentSettings({}));

const network = networkOutputs;
const data = dataOutputs;

const resourcesOf = (synth: Synth, type: string): Array<[string, Block]> => Object.entries(synth.resource[type] ?? {});
const only = (synth: Synth, type: string): Block => {
  const all = resourcesOf(synth, type);
  expect(all).toHaveLength(1);
  return all[0][1];
};
/** `${aws_x.name.attr}` -> ["aws_x", "name", "attr"]; `${data.aws_x.name.attr}` -> ["data.aws_x", ...]. */
const ref = (token: unknown): [string, string, string] => {
  const match = /^\$\{((?:data\.)?[a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(String(token));
  if (!match) throw new Error(`not a reference: ${String(token)}`);
  return [match[1], match[2], match[3]];
};

/** The full path of every aws_api_gateway_resource, by logical name. */
function resourcePathsByName(synth: Synth): Map<string, string> {
  const resources = Object.fromEntries(resourcesOf(synth, "aws_api_gateway_resource"));
  const paths = new Map<string, string>();
  const pathOf = (name: string): string => {
    const cached = paths.get(name);
    if (cached) return cached;
    const resource = resources[name];
    const [type, parent] = ref(resource.parent_id);
    const parentPath = type === "aws_api_gateway_rest_api" ? "" : pathOf(parent);
    const path = `${parentPath}/${resource.path_part}`;
    paths.set(name, path);
    return path;
  };
  for (const name of Object.keys(resources)) pathOf(name);
  return paths;
}

interface SynthMethod {
  name: string;
  path: string;
  method: string;
  block: Block;
}
function methodsOf(synth: Synth): SynthMethod[] {
  const paths = resourcePathsByName(synth);
  return resourcesOf(synth, "aws_api_gateway_method").map(([name, block]) => ({
    name,
    path: paths.get(ref(block.resource_id)[1])!,
    method: block.http_method,
    block,
  }));
}
function integrationOf(synth: Synth, method: SynthMethod): Block {
  const found = resourcesOf(synth, "aws_api_gateway_integration").filter(
    ([, i]) => ref(i.http_method)[1] === method.name,
  );
  expect(found).toHaveLength(1);
  return found[0][1];
}

const fakeFunctions = Object.fromEntries(
  FUNCTION_NAMES.map((name) => [
    name,
    {
      functionName: `fn-${name}`,
      invokeArn: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/fn-${name}/invocations`,
    },
  ]),
) as Record<FunctionName, { functionName: string; invokeArn: string }>;

function synthRestApi(routeTable?: readonly Route[]): Synth {
  const app = Testing.app();
  const stack = new TerraformStack(app, "rest-api-test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new RestApi(stack, "rest-api", {
    prefix: "test",
    stageName: "v1",
    throttle: { rateLimit: 100, burstLimit: 200 },
    logRetentionDays: 14,
    logsKeyArn: network.logsKeyArn,
    functions: fakeFunctions,
    routes: routeTable,
  });
  return JSON.parse(Testing.synth(stack)) as Synth;
}

describe("RestApi from the route table", () => {
  const synth = synthRestApi();

  it("creates each path prefix once", () => {
    const paths = [...resourcePathsByName(synth).values()].sort();
    expect(paths).toEqual([...new Set(paths)]);
    expect(paths).toEqual(resourcePaths(routes).sort());
    expect(paths).toEqual(expect.arrayContaining(["/api", "/api/v1", "/api/v1/reports", "/health"]));
  });

  it("adds a route to API Gateway when the table gains one, with no second list", () => {
    const extra: Route = {
      method: "GET",
      path: "/api/v1/reports/{id}/export",
      operationId: "summaryReport",
      functionName: "reports",
      apiKeyRequired: true,
      summary: "test route",
    };
    const bigger = synthRestApi([...routes, extra]);
    const added = methodsOf(bigger).filter((m) => m.path === extra.path);
    expect(added.map((m) => m.method).sort()).toEqual(["GET", "OPTIONS"]);
    expect(added.find((m) => m.method === "GET")!.block.api_key_required).toBe(true);
    expect(
      integrationOf(
        bigger,
        added.find((m) => m.method === "GET")!,
      ).uri,
    ).toBe(fakeFunctions.reports.invokeArn);
    expect(resourcesOf(bigger, "aws_api_gateway_method")).toHaveLength(
      resourcesOf(synth, "aws_api_gateway_method").length + 2,
    );
    // /api/v1/reports is shared: only `{id}` and `export` are new resources.
    expect(resourcesOf(bigger, "aws_api_gateway_resource")).toHaveLength(
      resourcesOf(synth, "aws_api_gateway_resource").length + 2,
    );
    // ... and a changed table redeploys.
    const trigger = (s: Synth) => only(s, "aws_api_gateway_deployment").triggers.definition;
    expect(trigger(bigger)).not.toBe(trigger(synth));
    expect(trigger(synthRestApi())).toBe(trigger(synth));
  });

  it("lets only each route's own method invoke its function", () => {
    const permissions = resourcesOf(synth, "aws_lambda_permission").map(([, p]) => p);
    expect(permissions).toHaveLength(routes.length);
    for (const route of routes) {
      const permission = permissions.find((p) => String(p.source_arn).endsWith(`/*/${route.method}${route.path}`));
      expect(permission).toMatchObject({
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        function_name: fakeFunctions[route.functionName].functionName,
      });
      expect(ref(String(permission!.source_arn).split("/")[0])).toEqual([
        expect.any(String),
        expect.any(String),
        "execution_arn",
      ]);
    }
  });
});

const synthesized = new Map<string, { stack: ApiStack; synth: Synth }>();
function apiStack(config: EnvironmentConfig): { stack: ApiStack; synth: Synth } {
  const cached = synthesized.get(config.name);
  if (cached) return cached;
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
  const stack = new ApiStack(app, config, network, data);
  const result = { stack, synth: JSON.parse(Testing.synth(stack)) as Synth };
  synthesized.set(config.name, result);
  return result;
}
const synthApi = (config: EnvironmentConfig) => apiStack(config).synth;

describe.each(ENVIRONMENT_NAMES)("ApiStack (%s)", (env) => {
  const config = configs[env];
  const synth = () => synthApi(config);
  const prefix = `${config.project}-${config.name}`;
  const usagePlanNamed = (name: string): Block => {
    const plans = resourcesOf(synth(), "aws_api_gateway_usage_plan").filter(([, plan]) => plan.name === name);
    expect(plans).toHaveLength(1);
    return plans[0][1];
  };
  /** The logical name of the usage plan called `name`. */
  const usagePlanName = (name: string) =>
    resourcesOf(synth(), "aws_api_gateway_usage_plan").find(([, plan]) => plan.name === name)![0];

  describe("API Gateway", () => {
    it("is a regional REST API taking keys from its Lambda authorizer", () => {
      expect(only(synth(), "aws_api_gateway_rest_api")).toMatchObject({
        name: `${prefix}-api`,
        api_key_source: "AUTHORIZER",
        endpoint_configuration: { types: ["REGIONAL"] },
        disable_execute_api_endpoint: false,
      });
    });

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      "has %s with its key requirement and function",
      (_, route) => {
        const method = methodsOf(synth()).find((m) => m.path === route.path && m.method === route.method);
        expect(method).toBeDefined();
        expect(method!.block).toMatchObject(
          route.apiKeyRequired
            ? { authorization: "CUSTOM", authorizer_id: expect.stringMatching(/^\$\{aws_api_gateway_authorizer\./) }
            : { authorization: "NONE" },
        );
        expect(method!.block.api_key_required).toBe(route.apiKeyRequired);
        const integration = integrationOf(synth(), method!);
        expect(integration).toMatchObject({ type: "AWS_PROXY", integration_http_method: "POST" });
        // Through the function's live alias (docs/releases.md).
        const [type, name, attribute] = ref(integration.uri);
        expect([type, attribute]).toEqual(["aws_lambda_alias", "invoke_arn"]);
        const [, fnName] = ref(synth().resource.aws_lambda_alias[name].function_name);
        expect(synth().resource.aws_lambda_function[fnName].function_name).toBe(`${prefix}-${route.functionName}`);
      },
    );

    it("has exactly the table's methods plus one OPTIONS per routed path", () => {
      const keys = methodsOf(synth())
        .map((m) => `${m.method} ${m.path}`)
        .sort();
      const expected = [
        ...routes.map((r) => `${r.method} ${r.path}`),
        ...new Set(routes.map((r) => `OPTIONS ${r.path}`)),
      ].sort();
      expect(keys).toEqual(expected);
    });

    it("answers preflight with a keyless mock carrying the CORS headers", () => {
      const options = methodsOf(synth()).filter((m) => m.method === "OPTIONS");
      expect(options.length).toBeGreaterThan(0);
      const integrationResponses = resourcesOf(synth(), "aws_api_gateway_integration_response").map(([, r]) => r);
      for (const method of options) {
        expect(method.block).toMatchObject({ authorization: "NONE", api_key_required: false });
        expect(integrationOf(synth(), method).type).toBe("MOCK");
        const response = integrationResponses.find((r) => ref(r.http_method)[1] === method.name);
        expect(response!.response_parameters).toEqual(
          Object.fromEntries(Object.entries(CORS_HEADERS).map(([k, v]) => [`method.response.header.${k}`, `'${v}'`])),
        );
      }
    });

    it("deploys to a stage with X-Ray and JSON access logs", () => {
      const stage = only(synth(), "aws_api_gateway_stage");
      expect(stage).toMatchObject({ stage_name: config.api.stageName, xray_tracing_enabled: true });
      const format = JSON.parse(stage.access_log_settings.format) as Record<string, string>;
      for (const field of [
        "requestId",
        "ip",
        "caller",
        "apiKeyId",
        "httpMethod",
        "resourcePath",
        "status",
        "protocol",
        "responseLength",
        "integrationLatency",
        "responseLatency",
      ]) {
        expect(format[field]).toMatch(/^\$context\./);
      }
      const [, logGroup] = ref(stage.access_log_settings.destination_arn);
      expect(synth().resource.aws_cloudwatch_log_group[logGroup]).toMatchObject({
        retention_in_days: config.logRetentionDays,
        kms_key_id: network.logsKeyArn,
      });
      const deployment = only(synth(), "aws_api_gateway_deployment");
      expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
      expect(Object.keys(deployment.triggers)).toEqual(expect.arrayContaining(["definition", "resources"]));
    });

    it("turns on metrics, error logging and throttling for every method", () => {
      const settings = only(synth(), "aws_api_gateway_method_settings");
      expect(settings.method_path).toBe("*/*");
      expect(settings.settings).toMatchObject({
        metrics_enabled: true,
        logging_level: "ERROR",
        data_trace_enabled: false,
      });
      expect(settings.settings.throttling_rate_limit).toBeGreaterThan(config.api.requestsPerMinutePerKey / 60);
      expect(settings.settings.throttling_burst_limit).toBeGreaterThanOrEqual(config.api.burstLimit);
      expect(only(synth(), "aws_api_gateway_account").cloudwatch_role_arn).toMatch(/^\$\{aws_iam_role\./);
    });

    it("gives the usage plan, admin function and smoke-test secret the names the store command looks up", () => {
      const provisioning = AwsProvisioning.forEnvironment({ prefix, region: config.region });
      expect(usagePlanNamed(`${prefix}-usage-plan`).name).toBe(provisioning.usagePlanName);
      const functionNames = resourcesOf(synth(), "aws_lambda_function").map(([, fn]) => fn.function_name);
      expect(functionNames).toContain(provisioning.adminFunctionName);
      expect(only(synth(), "aws_secretsmanager_secret").name).toBe(smokeSecretName(prefix));
      expect(prefix).toBe(environmentPrefix(config.project, config.name));
    });

    it("has a usage plan of 1000 requests per minute per key, without keys", () => {
      const plan = usagePlanNamed(`${prefix}-usage-plan`);
      expect(plan.name).toBe(`${prefix}-usage-plan`);
      expect(plan.throttle_settings.rate_limit).toBeCloseTo(16.67, 2);
      expect(plan.throttle_settings.rate_limit * 60).toBeCloseTo(config.api.requestsPerMinutePerKey, 6);
      expect(plan.throttle_settings.burst_limit).toBe(config.api.burstLimit);
      expect(plan.api_stages).toHaveLength(1);
      expect(ref(plan.api_stages[0].stage)).toEqual(["aws_api_gateway_stage", expect.any(String), "stage_name"]);
      // The one key of the stack is the people's, on their own plan (people.test.ts); stores' keys
      // are the store command's.
      const keys = resourcesOf(synth(), "aws_api_gateway_usage_plan_key").map(([, k]) => k);
      expect(keys).toHaveLength(1);
      expect(ref(keys[0].usage_plan_id)[1]).not.toBe(usagePlanName(`${prefix}-usage-plan`));
    });

    it("answers API Gateway's own errors with SPEC's body and CORS", () => {
      const responses = resourcesOf(synth(), "aws_api_gateway_gateway_response").map(([, r]) => r);
      const types = responses.map((r) => r.response_type);
      expect(types).toEqual(
        expect.arrayContaining([
          "DEFAULT_4XX",
          "DEFAULT_5XX",
          "ACCESS_DENIED",
          "INVALID_API_KEY",
          "THROTTLED",
          "QUOTA_EXCEEDED",
          "REQUEST_TOO_LARGE",
          "MISSING_AUTHENTICATION_TOKEN",
          "WAF_FILTERED",
        ]),
      );
      for (const response of responses) {
        for (const [name, value] of Object.entries(CORS_HEADERS)) {
          expect(response.response_parameters[`gatewayresponse.header.${name}`]).toBe(`'${value}'`);
        }
        const template: string = response.response_templates["application/json"];
        // What API Gateway would render: the VTL variables replaced by (JSON-quoted) values.
        const rendered = template
          .replace("$context.error.messageString", '"Forbidden"')
          .replace("$context.requestId", "req-1");
        const body = JSON.parse(rendered);
        expect(body).toEqual({
          error: { code: GATEWAY_RESPONSES[response.response_type].code, message: expect.any(String), details: [] },
          requestId: "req-1",
        });
      }
      const byType = (type: string) => responses.find((r) => r.response_type === type)!;
      expect(byType("THROTTLED")).toMatchObject({
        status_code: "429",
        response_parameters: { "gatewayresponse.header.Retry-After": "'60'" },
      });
      expect(
        JSON.parse(
          byType("THROTTLED")
            .response_templates["application/json"].replace("$context.error.messageString", '"x"')
            .replace("$context.requestId", "r"),
        ).error.code,
      ).toBe("TOO_MANY_REQUESTS");
      expect(byType("INVALID_API_KEY").status_code).toBe("403");
      expect(byType("INVALID_API_KEY").response_templates["application/json"]).toMatch(/x-api-key/);
      expect(byType("REQUEST_TOO_LARGE").status_code).toBe("413");
      expect(byType("MISSING_AUTHENTICATION_TOKEN").status_code).toBe("404");
    });
  });

  describe("functions", () => {
    const lambdaNamed = (name: string): [string, Block] => {
      const found = resourcesOf(synth(), "aws_lambda_function").find(
        ([, f]) => f.function_name === `${prefix}-${name}`,
      );
      expect(found).toBeDefined();
      return found!;
    };
    /** The Allow statements of a function's role, from its policy document. */
    const statementsOf = (name: string): Block[] => {
      const [, fn] = lambdaNamed(name);
      const [, role] = ref(fn.role);
      const policies = resourcesOf(synth(), "aws_iam_role_policy").filter(([, p]) => ref(p.role)[1] === role);
      expect(policies).toHaveLength(1);
      const [, document] = ref(policies[0][1].policy);
      return synth().data!.aws_iam_policy_document[document].statement;
    };
    const rdsConnectResources = (name: string) =>
      statementsOf(name)
        .filter((s) => s.actions.some((a: string) => a.startsWith("rds-db:")))
        .flatMap((s) => s.resources as string[]);
    const dbUserArn = (user: string) =>
      new RegExp(
        `^arn:\\$\\{data\\.aws_partition\\.[^}]+\\}:rds-db:${config.region}:` +
          `\\$\\{data\\.aws_caller_identity\\.[^}]+\\}:dbuser:${data.proxyResourceId}/${user}$`,
      );

    it.each(["ingest", "reports", "health", "migrate", "admin"])(
      "%s runs Node.js 22 on arm64 in the private subnets with X-Ray (the authorizer: people.test.ts)",
      (name) => {
        const [, fn] = lambdaNamed(name);
        expect(fn).toMatchObject({
          runtime: "nodejs22.x",
          architectures: ["arm64"],
          tracing_config: { mode: "Active" },
          vpc_config: { subnet_ids: network.privateSubnetIds, security_group_ids: [network.lambdaSecurityGroupId] },
        });
        expect(fn.environment.variables).toMatchObject({
          DB_PROXY_ENDPOINT: data.proxyEndpoint,
          DB_NAME: data.databaseName,
        });
      },
    );

    it.each(["ingest", "reports", "health", "admin"])("%s connects as the app user, through the proxy only", (name) => {
      const [, fn] = lambdaNamed(name);
      expect(fn.environment.variables.DB_USER).toBe(data.appUsername);
      const resources = rdsConnectResources(name);
      expect(resources).toHaveLength(1);
      expect(resources[0]).toMatch(dbUserArn(data.appUsername));
      expect(statementsOf(name).flatMap((s) => s.actions)).not.toContain("secretsmanager:GetSecretValue");
    });

    it("migrates as the master user, checks the app user's first login, may write the app user's secret only", () => {
      const [, fn] = lambdaNamed("migrate");
      expect(fn.environment.variables).toMatchObject({
        DB_USER: data.masterUsername,
        APP_DB_USER: data.appUsername,
        APP_SECRET_ARN: data.appSecretArn,
      });
      const resources = rdsConnectResources("migrate");
      expect(resources).toHaveLength(2);
      expect(resources[0]).toMatch(dbUserArn(data.masterUsername));
      expect(resources[1]).toMatch(dbUserArn(data.appUsername));
      const secrets = statementsOf("migrate").filter((s) =>
        s.actions.some((a: string) => a.startsWith("secretsmanager:")),
      );
      expect(secrets.flatMap((s) => s.resources)).toEqual([data.appSecretArn]);
      // Its environment's key, plus the database key for the app secret only.
      const kms = statementsOf("migrate").filter(
        (s) => s.actions.some((a: string) => a.startsWith("kms:")) && s.resources[0] === data.databaseKeyArn,
      );
      expect(kms).toHaveLength(1);
      expect(kms[0].resources).toEqual([data.databaseKeyArn]);
      expect(kms[0].condition).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ variable: "kms:EncryptionContext:SecretARN", values: [data.appSecretArn] }),
        ]),
      );
    });

    it("encrypts every function's environment with the project's functions key (rotation on)", () => {
      // The other key of the stack is the history export bucket's (docs/history-export.md).
      const [keyName, key] = Object.entries(synth().resource!.aws_kms_key).find(([name]) =>
        name.startsWith("functions-key"),
      )!;
      expect(key).toMatchObject({
        enable_key_rotation: true,
        description: expect.stringContaining("Lambda environment variables"),
      });
      for (const fn of Object.values(synth().resource!.aws_lambda_function)) {
        expect(fn.kms_key_arn).toBe(`\${aws_kms_key.${keyName}.arn}`);
      }
    });

    it("runs the migrations on deploy, again whenever they or the function's code change", () => {
      const invocation = only(synth(), "aws_lambda_invocation");
      const [migrateName, fn] = lambdaNamed("migrate");
      expect(ref(invocation.function_name)).toEqual(["aws_lambda_function", migrateName, "function_name"]);
      expect(invocation.triggers).toEqual({ migrations: migrationsHash(), code: fn.source_code_hash });
      expect(invocation.triggers.migrations).toMatch(/^[0-9a-f]{16,}$/);
      expect(invocation.depends_on).toContain(`aws_lambda_function.${migrateName}`);
    });

    it("exposes the outputs the store command and the observability stack need", () => {
      expect(Object.keys(synth().output!)).toEqual(
        expect.arrayContaining(["api_url", "usage_plan_id", "admin_function_name"]),
      );
      expect(synth().output!.api_url.value).toMatch(/^\$\{aws_api_gateway_stage\.[^}]+\.invoke_url\}$/);
      const { outputs } = apiStack(config).stack;
      // Names are plain strings (no cross-stack state needed for alarms); ids and the URL are references.
      expect(outputs.functionNames).toEqual(
        Object.fromEntries(
          ["ingest", "reports", "health", "migrate", "admin", "authorizer"].map((name) => [name, `${prefix}-${name}`]),
        ),
      );
      expect(outputs.restApiName).toBe(only(synth(), "aws_api_gateway_rest_api").name);
      expect(outputs.stageName).toBe(config.api.stageName);
      for (const token of [outputs.restApiId, outputs.apiUrl, outputs.usagePlanId])
        expect(token).toMatch(/\$\{TfToken\[/);
    });
  });

  describe("WAF", () => {
    it("runs the three AWS managed rule groups and a per-IP rate rule over 60 s", () => {
      const acl = only(synth(), "aws_wafv2_web_acl");
      expect(acl).toMatchObject({ scope: "REGIONAL", default_action: { allow: {} } });
      expect(acl.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
      const rules: Block[] = acl.rule;
      const managed = rules.filter((r) => r.statement.managed_rule_group_statement);
      expect(managed.map((r) => r.statement.managed_rule_group_statement.name).sort()).toEqual([
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet",
      ]);
      for (const rule of managed) {
        expect(rule.override_action).toEqual({ none: {} });
        expect(rule.statement.managed_rule_group_statement.vendor_name).toBe("AWS");
      }
      const rate = rules.find((r) => r.statement.rate_based_statement)!;
      expect(rate.statement.rate_based_statement).toEqual({
        limit: config.api.wafRateLimitPerIp,
        aggregate_key_type: "IP",
        evaluation_window_sec: 60,
      });
      expect(rate.action.block.custom_response.response_code).toBe(429);
      expect(rate.action.block.custom_response.response_header).toEqual(
        expect.arrayContaining([{ name: "Retry-After", value: "60" }]),
      );
      const bodyKey = rate.action.block.custom_response.custom_response_body_key;
      const body = acl.custom_response_body.find((b: Block) => b.key === bodyKey);
      expect(JSON.parse(body.content).error.code).toBe("TOO_MANY_REQUESTS");
      for (const rule of rules)
        expect(rule.visibility_config).toMatchObject({
          cloudwatch_metrics_enabled: true,
          sampled_requests_enabled: true,
        });
      expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    });

    it("lets ingestion batches over 8 KB through the common rule set", () => {
      const common = only(synth(), "aws_wafv2_web_acl").rule.find(
        (r: Block) => r.statement.managed_rule_group_statement?.name === "AWSManagedRulesCommonRuleSet",
      );
      expect(common.statement.managed_rule_group_statement.rule_action_override).toEqual([
        { name: "SizeRestrictions_BODY", action_to_use: { count: {} } },
      ]);
    });

    it("is associated with the stage and logs to aws-waf-logs-* with keys and sign-in tokens redacted", () => {
      const association = only(synth(), "aws_wafv2_web_acl_association");
      expect(ref(association.resource_arn)).toEqual(["aws_api_gateway_stage", expect.any(String), "arn"]);
      const logging = only(synth(), "aws_wafv2_web_acl_logging_configuration");
      expect(logging.redacted_fields).toEqual([
        { single_header: { name: "x-api-key" } },
        { single_header: { name: "authorization" } },
      ]);
      const [, logGroup] = ref(logging.log_destination_configs[0]);
      expect(synth().resource.aws_cloudwatch_log_group[logGroup]).toMatchObject({
        name: `aws-waf-logs-${prefix}`,
        retention_in_days: config.logRetentionDays,
        kms_key_id: network.logsKeyArn,
      });
    });
  });
});
