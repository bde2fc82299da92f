import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack, Testing } from "cdktf";
import { FUNCTION_NAMES, routes } from "../../shared/routes";
import { ApiStack } from "../../stacks/api-stack";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  validateEnvironment,
  type EnvironmentConfig,
} from "../../stacks/config";
import { LIVE_ALIAS, MAX_PROVISIONED_CONCURRENCY, RELEASED_FUNCTIONS } from "../../stacks/config/releases";
import { RestApi } from "../../stacks/constructs/api/rest-api";
import { CODEDEPLOY_LAMBDA_POLICY, rollbackAlarmName } from "../../stacks/constructs/release/function-releases";
import { DEPLOY_PERMISSIONS, type DeployScope } from "../../stacks/constructs/bootstrap/deploy-permissions";
import { checkStack } from "../../stacks/policy";
import { releaseTargetSchema } from "../../tools/release/appspec";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const configs = loadEnvironments(environmentSettings({}));
const synthesized = new Map<EnvironmentConfig, Synth>();
function synthApi(config: EnvironmentConfig): Synth {
  const cached = synthesized.get(config);
  if (cached) return cached;
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
  const stack = new ApiStack(app, config, networkOutputs, dataOutputs);
  const synth = JSON.parse(Testing.synth(stack)) as Synth;
  synthesized.set(config, synth);
  return synth;
}
const resourcesOf = (synth: Synth, type: string): Array<[string, Block]> => Object.entries(synth.resource[type] ?? {});
/** `${aws_x.name.attr}` -> ["aws_x", "name", "attr"]. */
const ref = (token: unknown): [string, string, string] => {
  const match = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z_]+)\}$/.exec(String(token));
  if (!match) throw new Error(`not a reference: ${String(token)}`);
  return [match[1], match[2], match[3]];
};

describe.each(ENVIRONMENT_NAMES)("releases (%s)", (env) => {
  const config = configs[env];
  const synth = () => synthApi(config);
  const prefix = `${config.project}-${config.name}`;
  const functionNamed = (fn: string): [string, Block] => {
    const found = resourcesOf(synth(), "aws_lambda_function").filter(([, f]) => f.function_name === `${prefix}-${fn}`);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const aliasOf = (fn: string): [string, Block] => {
    const [name] = functionNamed(fn);
    const found = resourcesOf(synth(), "aws_lambda_alias").filter(
      ([, a]) => a.function_name === `\${aws_lambda_function.${name}.function_name}`,
    );
    expect(found).toHaveLength(1);
    return found[0];
  };

  it.each(RELEASED_FUNCTIONS)(
    "publishes %s with a live alias Terraform creates and then leaves to CodeDeploy",
    (fn) => {
      const [name, block] = functionNamed(fn);
      expect(block.publish).toBe(true);
      const [, alias] = aliasOf(fn);
      expect(alias).toMatchObject({
        name: LIVE_ALIAS,
        function_version: `\${aws_lambda_function.${name}.version}`,
        lifecycle: { ignore_changes: ["function_version", "routing_config"] },
      });
    },
  );

  it("publishes no version of the functions nothing invokes through an alias (migrate, admin)", () => {
    for (const fn of ["migrate", "admin"]) {
      expect(functionNamed(fn)[1].publish).toBeUndefined();
      expect(resourcesOf(synth(), "aws_lambda_alias").map(([, a]) => a.function_name)).not.toContain(
        `\${aws_lambda_function.${functionNamed(fn)[0]}.function_name}`,
      );
    }
    expect(resourcesOf(synth(), "aws_lambda_alias")).toHaveLength(RELEASED_FUNCTIONS.length);
  });

  it("has every integration and the authorizer invoke a live alias, never $LATEST", () => {
    const integrations = resourcesOf(synth(), "aws_api_gateway_integration").filter(([, i]) => i.type === "AWS_PROXY");
    expect(integrations).toHaveLength(routes.length);
    const aliasNames = new Set(resourcesOf(synth(), "aws_lambda_alias").map(([name]) => name));
    for (const [, integration] of integrations) {
      const [type, name, attribute] = ref(integration.uri);
      expect([type, attribute]).toEqual(["aws_lambda_alias", "invoke_arn"]);
      expect(aliasNames.has(name)).toBe(true);
    }
    for (const fn of FUNCTION_NAMES) {
      const [aliasName] = aliasOf(fn);
      const uris = integrations.map(([, i]) => i.uri);
      expect(uris.filter((u) => u === `\${aws_lambda_alias.${aliasName}.invoke_arn}`)).toHaveLength(
        routes.filter((r) => r.functionName === fn).length,
      );
    }
    const [authorizerAlias] = aliasOf("authorizer");
    const [authorizer] = resourcesOf(synth(), "aws_api_gateway_authorizer").map(([, a]) => a);
    expect(authorizer.authorizer_uri).toBe(`\${aws_lambda_alias.${authorizerAlias}.invoke_arn}`);
  });

  it("grants API Gateway the live alias only (qualified permissions)", () => {
    const permissions = resourcesOf(synth(), "aws_lambda_permission").filter(
      ([, p]) => p.principal === "apigateway.amazonaws.com",
    );
    expect(permissions).toHaveLength(routes.length + 1);
    for (const [, permission] of permissions) {
      const [type, name, attribute] = ref(permission.qualifier);
      expect([type, attribute]).toEqual(["aws_lambda_alias", "name"]);
      expect(ref(permission.function_name)).toEqual(["aws_lambda_alias", name, "function_name"]);
    }
  });

  it("has one CodeDeploy application for Lambda and one deployment group per released function", () => {
    const apps = resourcesOf(synth(), "aws_codedeploy_app");
    expect(apps).toHaveLength(1);
    expect(apps[0][1]).toMatchObject({ name: `${prefix}-functions`, compute_platform: "Lambda" });
    const groups = resourcesOf(synth(), "aws_codedeploy_deployment_group").map(([, g]) => g);
    expect(groups.map((g) => g.deployment_group_name).sort()).toEqual([...RELEASED_FUNCTIONS].sort());
    for (const group of groups) {
      expect(group).toMatchObject({
        app_name: `\${aws_codedeploy_app.${apps[0][0]}.name}`,
        deployment_config_name: config.releases.deploymentConfig,
        deployment_style: { deployment_type: "BLUE_GREEN", deployment_option: "WITH_TRAFFIC_CONTROL" },
        auto_rollback_configuration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
        alarm_configuration: { enabled: true, ignore_poll_alarm_failure: false },
      });
    }
  });

  it(`shifts traffic ${env === "dev" ? "all at once" : "10 % for 5 minutes first"}`, () => {
    expect(config.releases.deploymentConfig).toBe(
      env === "dev" ? "CodeDeployDefault.LambdaAllAtOnce" : "CodeDeployDefault.LambdaCanary10Percent5Minutes",
    );
  });

  it.each(RELEASED_FUNCTIONS)("rolls %s back on its own errors, 5XX and latency alarms", (fn) => {
    const group = resourcesOf(synth(), "aws_codedeploy_deployment_group").find(
      ([, g]) => g.deployment_group_name === fn,
    )![1];
    const alarms = Object.fromEntries(resourcesOf(synth(), "aws_cloudwatch_metric_alarm"));
    const watched = (group.alarm_configuration.alarms as string[]).map((token) => {
      const [type, name, attribute] = ref(token);
      expect([type, attribute]).toEqual(["aws_cloudwatch_metric_alarm", "alarm_name"]);
      return alarms[name];
    });
    const kinds = FUNCTION_NAMES.includes(fn as never) ? ["errors", "p99-duration", "5xx"] : ["errors", "p99-duration"];
    expect(watched.map((a) => a.alarm_name)).toEqual(kinds.map((k) => rollbackAlarmName(prefix, fn, k as never)));
    const physical = `${prefix}-${fn}`;
    const [errors, duration, serverErrors] = watched;
    expect(errors).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: physical, Resource: `${physical}:${LIVE_ALIAS}` },
      period: 60,
      threshold: config.releases.rollbackAlarms.errorsPerMinute,
    });
    expect(duration).toMatchObject({
      metric_name: "Duration",
      extended_statistic: "p99",
      dimensions: { Resource: `${physical}:${LIVE_ALIAS}` },
      threshold: config.releases.rollbackAlarms.p99DurationMs,
    });
    if (serverErrors) {
      const own = routes.filter((r) => r.functionName === fn);
      const metrics = (serverErrors.metric_query as Block[]).filter((q) => q.metric);
      expect(metrics.map((q) => q.metric.dimensions)).toEqual(
        own.map((r) => ({ ApiName: `${prefix}-api`, Stage: config.api.stageName, Resource: r.path, Method: r.method })),
      );
      expect(metrics.every((q) => q.metric.metric_name === "5XXError")).toBe(true);
    }
  });

  it("gives CodeDeploy a role trusted by CodeDeploy only, with the limited AWS managed policy for Lambda", () => {
    const roles = resourcesOf(synth(), "aws_iam_role").filter(([, r]) => r.name === `${prefix}-codedeploy`);
    expect(roles).toHaveLength(1);
    const [roleName, role] = roles[0];
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const attachments = resourcesOf(synth(), "aws_iam_role_policy_attachment").filter(
      ([, a]) => a.role === `\${aws_iam_role.${roleName}.name}`,
    );
    expect(attachments.map(([, a]) => a.policy_arn)).toEqual([
      expect.stringMatching(new RegExp(`:iam::aws:policy/${CODEDEPLOY_LAMBDA_POLICY}$`)),
    ]);
    expect(resourcesOf(synth(), "aws_iam_role_policy").filter(([, p]) => p.role.includes(roleName))).toEqual([]);
  });

  it("keeps no instances provisioned unless the config asks", () => {
    expect(Object.values(config.releases.provisionedConcurrency).every((n) => n === 0)).toBe(true);
    expect(resourcesOf(synth(), "aws_lambda_provisioned_concurrency_config")).toEqual([]);
  });

  it("hands the deploy workflow each function's alias, newest version and deployment group", () => {
    const targets = synth().output?.release_targets?.value as Block[];
    expect(targets.map((t) => t.function)).toEqual([...RELEASED_FUNCTIONS]);
    for (const target of targets) {
      // Exactly the fields the release tool reads.
      expect(Object.keys(target).sort()).toEqual(Object.keys(releaseTargetSchema.shape).sort());
      expect(ref(target.targetVersion)[2]).toBe("version");
      expect(target.deploymentGroup).toMatch(/^\$\{aws_codedeploy_deployment_group\./);
    }
  });

  it("passes the policy rules", () => {
    expect(checkStack(JSON.stringify(synth()), `api-${env}`)).toEqual([]);
  });
});

describe("provisioned concurrency on the live alias", () => {
  const withProvisioned = (
    env: "staging" | "prod",
    counts: Partial<EnvironmentConfig["releases"]["provisionedConcurrency"]>,
  ) => {
    const raw = environmentSettings({})[env];
    raw.releases = { ...raw.releases, provisionedConcurrency: { ...raw.releases.provisionedConcurrency, ...counts } };
    return raw;
  };
  const problemsOf = (env: "staging" | "prod", raw: unknown): string[] => {
    try {
      validateEnvironment(env, raw);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it("is configured on the alias, and only for the functions that ask", () => {
    const config = validateEnvironment("prod", withProvisioned("prod", { reports: 5, authorizer: 2 }));
    const synth = synthApi(config);
    const configs = resourcesOf(synth, "aws_lambda_provisioned_concurrency_config").map(([, c]) => c);
    expect(configs).toHaveLength(2);
    const aliases = Object.fromEntries(resourcesOf(synth, "aws_lambda_alias"));
    const byCount = Object.fromEntries(configs.map((c) => [c.provisioned_concurrent_executions, c]));
    for (const [count, fn] of [
      [5, "reports"],
      [2, "authorizer"],
    ] as const) {
      const [type, name, attribute] = ref(byCount[count].qualifier);
      expect([type, attribute]).toEqual(["aws_lambda_alias", "name"]);
      expect(aliases[name].function_name).toMatch(new RegExp(`^\\$\\{aws_lambda_function\\.function-${fn}_`));
    }
  });

  it.each([
    ["below 0", -1, /releases\.provisionedConcurrency\.reports/],
    ["that is not whole", 1.5, /releases\.provisionedConcurrency\.reports/],
    ["above the account quota", MAX_PROVISIONED_CONCURRENCY + 1, /releases\.provisionedConcurrency\.reports/],
    [
      "above the reserved concurrency (60 in staging)",
      61,
      /reports: 61 is above the function's reserved concurrency \(60\)/,
    ],
  ])("refuses a count %s", (_, count, expected) => {
    const problems = problemsOf("staging", withProvisioned("staging", { reports: count }));
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it("accepts up to the reserved concurrency", () => {
    expect(problemsOf("staging", withProvisioned("staging", { reports: 60 }))).toEqual([]);
  });

  it("refuses an unknown deployment config and a latency threshold no function can reach", () => {
    const raw = environmentSettings({}).prod;
    raw.releases = {
      ...raw.releases,
      deploymentConfig: "CodeDeployDefault.AllAtOnce" as never,
      rollbackAlarms: { errorsPerMinute: 5, p99DurationMs: 5000 },
    };
    const problems = problemsOf("prod", raw);
    expect(problems.some((p) => /prod\.releases\.deploymentConfig/.test(p))).toBe(true);
    // The deployment config error stops validation before the cross-field checks: fix it and look again.
    raw.releases.deploymentConfig = "CodeDeployDefault.LambdaAllAtOnce";
    expect(problemsOf("prod", raw)).toEqual([
      expect.stringMatching(/p99DurationMs: 5000 ms is not under .* \(5000 ms\)/),
    ]);
  });
});

describe("the apply role lets the deploy's release step (tools/release) work", () => {
  const scope: DeployScope = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "111122223333",
    prefix: "ecommerce-analytics-prod",
  };
  const rules = Object.values(DEPLOY_PERMISSIONS).flat();
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^$()|[\]\\{}]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
  const allows = (action: string, arn: string) => {
    const applies = (rule: (typeof rules)[number]) =>
      rule.actions.some((a) => glob(a).test(action)) && rule.resources(scope).some((r) => glob(r).test(arn));
    return (
      rules.some((r) => (r.effect ?? "Allow") === "Allow" && !r.conditions && applies(r)) &&
      !rules.some((r) => r.effect === "Deny" && applies(r))
    );
  };
  const group = "arn:aws:codedeploy:eu-west-1:111122223333:deploymentgroup:ecommerce-analytics-prod-functions/ingest";

  it.each([
    ["lambda:GetAlias", "arn:aws:lambda:eu-west-1:111122223333:function:ecommerce-analytics-prod-ingest:live"],
    ["codedeploy:CreateDeployment", group],
    ["codedeploy:GetDeployment", group],
    [
      "codedeploy:GetDeploymentConfig",
      "arn:aws:codedeploy:eu-west-1:111122223333:deploymentconfig:CodeDeployDefault.LambdaCanary10Percent5Minutes",
    ],
  ])("%s on %s", (action, arn) => {
    expect(allows(action, arn)).toBe(true);
  });

  it("but not in another environment's application", () => {
    expect(allows("codedeploy:CreateDeployment", group.replace("-prod-", "-dev-"))).toBe(false);
  });
});

describe("moving API Gateway onto the aliases", () => {
  /** The REST API's deployment trigger, its functions invoked bare or through an alias. */
  const definitionWith = (qualifier?: string) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "rest-api-release-test");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const fn = (name: string) => ({
      functionName: `fn-${name}`,
      invokeArn: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/fn-${name}/invocations`,
      ...(qualifier ? { qualifier } : {}),
    });
    new RestApi(stack, "rest-api", {
      prefix: "test",
      stageName: "v1",
      throttle: { rateLimit: 100, burstLimit: 200 },
      logRetentionDays: 14,
      logsKeyArn: networkOutputs.logsKeyArn,
      functions: Object.fromEntries(FUNCTION_NAMES.map((name) => [name, fn(name)])) as never,
      authorizer: fn("authorizer"),
    });
    const synth = JSON.parse(Testing.synth(stack)) as Synth;
    return Object.values(synth.resource.aws_api_gateway_deployment)[0].triggers.definition as string;
  };

  it("redeploys the stage when the integrations switch from the bare functions to the aliases", () => {
    expect(definitionWith(LIVE_ALIAS)).not.toBe(definitionWith());
    expect(definitionWith(LIVE_ALIAS)).toBe(definitionWith(LIVE_ALIAS));
  });
});
