import { App, Testing } from "cdktf";
import { routes } from "../../shared/routes";
import { ApiStack } from "../../stacks/api-stack";
import { ENVIRONMENT_NAMES, environmentSettings, loadEnvironments, type EnvironmentConfig } from "../../stacks/config";
import { AUTHORIZER_SETTINGS, GATEWAY_RESPONSES } from "../../stacks/constructs/api/rest-api";
import { checkStack, formatViolations } from "../../stacks/policy";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/**
 * The api stack's side of signing people in (docs/sign-in.md "In AWS"): the Cognito user pool and
 * the dashboard's app client, the Lambda authorizer in front of every keyed method, the people key
 * on a usage plan of its own, and API Gateway's answers when the authorizer refuses.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const configs = loadEnvironments(environmentSettings({}));
const synthesized = new Map<string, { stack: ApiStack; synth: Synth }>();
function apiStack(config: EnvironmentConfig): { stack: ApiStack; synth: Synth } {
  const cached = synthesized.get(config.name);
  if (cached) return cached;
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
  const stack = new ApiStack(app, config, networkOutputs, dataOutputs);
  const result = { stack, synth: JSON.parse(Testing.synth(stack)) as Synth };
  synthesized.set(config.name, result);
  return result;
}

const resourcesOf = (synth: Synth, type: string): Array<[string, Block]> => Object.entries(synth.resource[type] ?? {});
const only = (synth: Synth, type: string): [string, Block] => {
  const all = resourcesOf(synth, type);
  expect(all).toHaveLength(1);
  return all[0];
};
const reference = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

describe.each(ENVIRONMENT_NAMES)("people in the api stack (%s)", (env) => {
  const config = configs[env];
  const prefix = `${config.project}-${config.name}`;
  const synth = () => apiStack(config).synth;
  const pool = () => only(synth(), "aws_cognito_user_pool");
  const client = () => only(synth(), "aws_cognito_user_pool_client");
  const authorizerFunction = () => {
    const found = resourcesOf(synth(), "aws_lambda_function").find(
      ([, fn]) => fn.function_name === `${prefix}-authorizer`,
    );
    expect(found).toBeDefined();
    return found!;
  };

  describe("the Cognito user pool", () => {
    it("is named for the environment; e-mail is the user name, whatever its case, verified by Cognito", () => {
      expect(pool()[1]).toMatchObject({
        name: `${prefix}-people`,
        username_attributes: ["email"],
        username_configuration: { case_sensitive: false },
        auto_verified_attributes: ["email"],
        user_attribute_update_settings: { attributes_require_verification_before_update: ["email"] },
      });
    });

    it("lets only an administrator create users: no self sign-up", () => {
      expect(pool()[1].admin_create_user_config).toEqual({ allow_admin_create_user_only: true });
    });

    it("takes its password policy from the environment config", () => {
      const policy = config.people.passwordPolicy;
      expect(pool()[1].password_policy).toEqual({
        minimum_length: policy.minimumLength,
        require_lowercase: policy.requireLowercase,
        require_uppercase: policy.requireUppercase,
        require_numbers: policy.requireNumbers,
        require_symbols: policy.requireSymbols,
        temporary_password_validity_days: policy.temporaryPasswordValidityDays,
      });
    });

    it("offers TOTP MFA (software tokens) as the config says, and recovery by verified e-mail only", () => {
      expect(pool()[1]).toMatchObject({
        mfa_configuration: config.people.mfa,
        software_token_mfa_configuration: { enabled: true },
        account_recovery_setting: { recovery_mechanism: [{ name: "verified_email", priority: 1 }] },
      });
      expect(pool()[1].sms_configuration).toBeUndefined();
    });

    it("holds each person's store in an immutable custom attribute, store_id", () => {
      expect(pool()[1].schema).toEqual([
        {
          name: "store_id",
          attribute_data_type: "String",
          mutable: false,
          developer_only_attribute: false,
          required: false,
          string_attribute_constraints: { min_length: "1", max_length: "10" },
        },
      ]);
    });

    it("uses the config's feature plan and threat protection; is protected from deletion in prod only", () => {
      expect(pool()[1]).toMatchObject({
        user_pool_tier: config.people.featurePlan,
        user_pool_add_ons: { advanced_security_mode: config.people.threatProtection },
        deletion_protection: env === "prod" ? "ACTIVE" : "INACTIVE",
      });
      if (env === "prod") expect(pool()[1].user_pool_add_ons.advanced_security_mode).toBe("ENFORCED");
    });
  });

  describe("the dashboard's app client", () => {
    it("is public (no secret), with password, SRP and refresh-token sign-in only", () => {
      expect(client()[1]).toMatchObject({
        name: "dashboard",
        user_pool_id: reference("aws_cognito_user_pool", pool()[0], "id"),
        generate_secret: false,
        explicit_auth_flows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        supported_identity_providers: ["COGNITO"],
      });
      expect(client()[1].allowed_oauth_flows).toBeUndefined();
    });

    it("issues ID and access tokens for an hour and refresh tokens for the config's days", () => {
      expect(client()[1]).toMatchObject({
        id_token_validity: 60,
        access_token_validity: 60,
        refresh_token_validity: config.people.refreshTokenValidityDays,
        token_validity_units: [{ id_token: "minutes", access_token: "minutes", refresh_token: "days" }],
        enable_token_revocation: true,
      });
    });

    it("never tells whether an account exists, and may read the store but not write it", () => {
      expect(client()[1].prevent_user_existence_errors).toBe("ENABLED");
      expect(client()[1].read_attributes).toContain("custom:store_id");
      expect(client()[1].write_attributes).toEqual(["name"]);
    });
  });

  describe("the Lambda authorizer", () => {
    /** The authorizer function's `live` alias, what API Gateway invokes (docs/releases.md). */
    const authorizerAlias = () => {
      const aliases = resourcesOf(synth(), "aws_lambda_alias").filter(
        ([, a]) => a.function_name === reference("aws_lambda_function", authorizerFunction()[0], "function_name"),
      );
      expect(aliases).toHaveLength(1);
      return aliases[0];
    };

    it("is a REQUEST authorizer, never cached, invoking the authorizer function's live alias", () => {
      const [, authorizer] = only(synth(), "aws_api_gateway_authorizer");
      expect(authorizer).toMatchObject({
        name: `${prefix}-authorizer`,
        type: "REQUEST",
        authorizer_result_ttl_in_seconds: 0,
        identity_source: AUTHORIZER_SETTINGS.identitySource,
        authorizer_uri: reference("aws_lambda_alias", authorizerAlias()[0], "invoke_arn"),
      });
      // A context variable every request has: no header may be required before it runs.
      expect(authorizer.identity_source).toMatch(/^context\./);
    });

    it("guards every method that requires a key, and no other", () => {
      const [authorizerName] = only(synth(), "aws_api_gateway_authorizer");
      const methods = resourcesOf(synth(), "aws_api_gateway_method").map(([, m]) => m);
      const guarded = methods.filter((m) => m.authorization === "CUSTOM");
      expect(guarded).toHaveLength(routes.filter((r) => r.apiKeyRequired).length);
      for (const method of guarded) {
        expect(method.authorizer_id).toBe(reference("aws_api_gateway_authorizer", authorizerName, "id"));
        expect(method.api_key_required).toBe(true);
      }
      for (const method of methods.filter((m) => m.authorization !== "CUSTOM"))
        expect(method.api_key_required).toBe(false);
    });

    it("may be invoked (its live alias) by this API's authorizer only", () => {
      const [authorizerName] = only(synth(), "aws_api_gateway_authorizer");
      const permissions = resourcesOf(synth(), "aws_lambda_permission").filter(
        ([, p]) => p.function_name === reference("aws_lambda_alias", authorizerAlias()[0], "function_name"),
      );
      expect(permissions).toHaveLength(1);
      expect(permissions[0][1]).toMatchObject({
        qualifier: reference("aws_lambda_alias", authorizerAlias()[0], "name"),
        action: "lambda:InvokeFunction",
        principal: "apigateway.amazonaws.com",
        source_arn: expect.stringMatching(
          new RegExp(`/authorizers/\\$\\{aws_api_gateway_authorizer\\.${authorizerName}\\.id\\}$`),
        ),
      });
    });

    it("runs outside the VPC, saying why, with X-Ray, and no database settings or permissions", () => {
      const [, fn] = authorizerFunction();
      expect(fn.vpc_config).toBeUndefined();
      expect(fn.tags["outside-vpc"]).toMatch(/Cognito/);
      // Tag values allow letters, digits, white space and + - = . _ : / @ only.
      expect(fn.tags["outside-vpc"]).toMatch(/^[\p{L}\p{N}\s+\-=._:/@]*$/u);
      expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], tracing_config: { mode: "Active" } });
      expect(Object.keys(fn.environment.variables).filter((name) => name.startsWith("DB_"))).toEqual([]);
      const role = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(fn.role)![1];
      const [, rolePolicy] = resourcesOf(synth(), "aws_iam_role_policy").find(([, p]) => p.role.includes(role))!;
      const document = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(rolePolicy.policy)![1];
      const actions = synth().data!.aws_iam_policy_document[document].statement.flatMap((s: Block) => s.actions);
      expect(actions.filter((a: string) => /^(rds-db|ec2|secretsmanager):/.test(a))).toEqual([]);
    });

    it("knows the pool's issuer, the app client and the people key, in an environment encrypted with the key", () => {
      const [, fn] = authorizerFunction();
      expect(fn.environment.variables).toMatchObject({
        PEOPLE_ISSUER: `https://cognito-idp.${config.region}.amazonaws.com/${reference("aws_cognito_user_pool", pool()[0], "id")}`,
        PEOPLE_CLIENT_ID: reference("aws_cognito_user_pool_client", client()[0], "id"),
        PEOPLE_USAGE_IDENTIFIER: reference(
          "aws_api_gateway_api_key",
          only(synth(), "aws_api_gateway_api_key")[0],
          "value",
        ),
      });
      expect(fn.kms_key_arn).toMatch(/^\$\{aws_kms_key\./);
    });

    it("reserves the config's concurrency (none in dev)", () => {
      const [, fn] = authorizerFunction();
      expect(fn.reserved_concurrent_executions).toBe(config.functions.authorizer.reservedConcurrency);
    });
  });

  describe("the people key", () => {
    it("is one API key on a usage plan of its own, throttled and capped per day by the config", () => {
      const [keyName, key] = only(synth(), "aws_api_gateway_api_key");
      expect(key).toMatchObject({ name: `${prefix}-people`, enabled: true });
      expect(key.value).toBeUndefined(); // API Gateway generates it
      const plans = resourcesOf(synth(), "aws_api_gateway_usage_plan");
      const [planName, plan] = plans.find(([, p]) => p.name === `${prefix}-people-usage-plan`)!;
      expect(plan.throttle_settings.rate_limit * 60).toBeCloseTo(config.people.requestsPerMinute, 6);
      expect(plan.throttle_settings.burst_limit).toBe(config.people.burstLimit);
      expect(plan.quota_settings).toEqual({ limit: config.people.requestsPerDay, period: "DAY" });
      expect(plan.api_stages).toHaveLength(1);
      const [, planKey] = only(synth(), "aws_api_gateway_usage_plan_key");
      expect(planKey).toEqual({
        key_id: reference("aws_api_gateway_api_key", keyName, "id"),
        key_type: "API_KEY",
        usage_plan_id: reference("aws_api_gateway_usage_plan", planName, "id"),
      });
    });
  });

  describe("API Gateway's answers when the authorizer says no", () => {
    const response = (type: string) =>
      resourcesOf(synth(), "aws_api_gateway_gateway_response").find(([, r]) => r.response_type === type)![1];

    it.each([
      ["UNAUTHORIZED", "401", "UNAUTHORIZED"],
      ["ACCESS_DENIED", "403", "FORBIDDEN"],
      ["AUTHORIZER_FAILURE", "503", "SERVICE_UNAVAILABLE"],
      ["AUTHORIZER_CONFIGURATION_ERROR", "500", "INTERNAL_ERROR"],
    ])("%s is %s %s in SPEC's error body, with CORS", (type, status, code) => {
      const answer = response(type);
      expect(answer.status_code).toBe(status);
      const template = answer.response_templates["application/json"] as string;
      const body = template.replace("$context.requestId", "r").replace("$context.error.messageString", '"m"');
      expect(JSON.parse(body)).toEqual({
        error: { code, message: expect.any(String), details: [] },
        requestId: "r",
      });
      expect(answer.response_parameters["gatewayresponse.header.Access-Control-Allow-Origin"]).toBe("'*'");
    });

    it("asks for a Bearer token on 401, and says what to send on 403", () => {
      expect(response("UNAUTHORIZED").response_parameters["gatewayresponse.header.WWW-Authenticate"]).toBe("'Bearer'");
      expect(GATEWAY_RESPONSES.ACCESS_DENIED.message).toMatch(/x-api-key.*Authorization: Bearer/);
      expect(response("AUTHORIZER_FAILURE").response_parameters["gatewayresponse.header.Retry-After"]).toBe("'5'");
    });
  });

  it("hands the web stack the pool, the client and Cognito's endpoint, and outputs the pool id", () => {
    const { outputs } = apiStack(config).stack;
    expect(outputs.people.endpoint).toBe(`https://cognito-idp.${config.region}.amazonaws.com/`);
    expect(outputs.people.clientId).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(synth().output!.user_pool_id.value).toBe(reference("aws_cognito_user_pool", pool()[0], "id"));
  });

  it("passes every policy rule", () => {
    expect(formatViolations(checkStack(JSON.stringify(synth()), `api-${env}`))).toBe("");
  });
});
