import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AnnotationMetadataEntryType, App, Testing } from "cdktf";
import { ApiStack } from "../../stacks/api-stack";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  type EnvironmentConfig,
  type EnvironmentName,
} from "../../stacks/config";
import {
  ATTACHABLE_AWS_MANAGED_POLICIES,
  COVERED_RESOURCE_TYPES,
  DEPLOY_PERMISSIONS,
  PASS_ROLE_TO_SERVICES,
  PERMISSION_GROUPS,
  type DeployScope,
  type PermissionRule,
} from "../../stacks/constructs/bootstrap/deploy-permissions";
import { CI_ROLE_MAX_SESSION_SECONDS } from "../../stacks/constructs/bootstrap/github-role";
import { DataStack } from "../../stacks/data-stack";
import { NetworkStack } from "../../stacks/network-stack";
import { ObservabilityStack } from "../../stacks/observability-stack";
import { WebStack } from "../../stacks/web-stack";
import { checkStack, formatViolations } from "../../stacks/policy";
import { documentStatements, wildcardProblem } from "../../stacks/policy/iam";

/**
 * `bootstrap-<env>`: the GitHub OIDC provider and the two CI roles. Each environment's stack is
 * synthesized with a state bucket; the apply role's permissions are then checked against the
 * four deployed stacks themselves (every resource type covered, every physical name inside the
 * allowed ARNs, every passed role and attached policy allowed), so a stack that grows a new
 * resource type fails here until the apply role can deploy it.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Tf {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
}

const REPOSITORY = "acme/ecommerce-analytics";
const STATE_BUCKET = "acme-analytics-tfstate";
const OIDC = "token.actions.githubusercontent.com";
const ACCOUNT = "111122223333";

const configsWith = (env: NodeJS.ProcessEnv) => loadEnvironments(environmentSettings(env));
const configs = configsWith({ STATE_BUCKET });

interface Synthesized {
  stack: BootstrapStack;
  json: string;
  tf: Tf;
  all: (type: string) => [string, Block][];
  one: (type: string, match?: (r: Block) => boolean) => Block;
  role: (suffix: "plan" | "apply") => [string, Block];
  /** Statements of the aws_iam_policy_document a `${data.aws_iam_policy_document.X.json}` reference names. */
  statements: (reference: unknown) => Block[];
}

function synthesize(config: EnvironmentConfig): Synthesized {
  const stack = new BootstrapStack(Testing.app(), config);
  const json = Testing.synth(stack);
  const tf = JSON.parse(json) as Tf;
  const all = (type: string) => Object.entries(tf.resource[type] ?? {});
  const one = (type: string, match: (r: Block) => boolean = () => true) => {
    const found = all(type).filter(([, r]) => match(r));
    if (found.length !== 1) throw new Error(`${found.length} ${type} resources match`);
    return found[0][1];
  };
  const prefix = `ecommerce-analytics-${config.name}`;
  const role = (suffix: "plan" | "apply"): [string, Block] => {
    const found = all("aws_iam_role").filter(([, r]) => r.name === `${prefix}-github-${suffix}`);
    if (found.length !== 1) throw new Error(`${found.length} ${suffix} roles`);
    return found[0];
  };
  const statements = (reference: unknown) => {
    const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))?.[1];
    if (!name) throw new Error(`not a policy document reference: ${String(reference)}`);
    const statement = tf.data.aws_iam_policy_document[name].statement;
    return Array.isArray(statement) ? statement : [statement];
  };
  return { stack, json, tf, all, one, role, statements };
}

const cache = new Map<EnvironmentName, Synthesized>();
const synth = (env: EnvironmentName) => cache.get(env) ?? cache.set(env, synthesize(configs[env])).get(env)!;

/** A condition block's `{test, variable, values}` by variable. */
const conditionOn = (statement: Block, variable: string) =>
  (statement.condition as Block[]).find((c) => c.variable === variable);

/**
 * Statements of every policy attached to a role: inline (aws_iam_role_policy) and customer managed (aws_iam_policy).
 */
function rolePolicies(s: Synthesized, roleName: string): { name: string; statements: Block[] }[] {
  const [address] = s.role(roleName.endsWith("plan") ? "plan" : "apply");
  const inline = s
    .all("aws_iam_role_policy")
    .filter(([, p]) => p.role === `\${aws_iam_role.${address}.id}`)
    .map(([, p]) => ({ name: p.name as string, statements: s.statements(p.policy) }));
  const managed = s
    .all("aws_iam_role_policy_attachment")
    .filter(([, a]) => a.role === `\${aws_iam_role.${address}.name}`)
    .map(([, a]) => /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(String(a.policy_arn))?.[1])
    .filter((name): name is string => name !== undefined)
    .map((name) => ({
      name: s.tf.resource.aws_iam_policy[name].name as string,
      statements: s.statements(s.tf.resource.aws_iam_policy[name].policy),
    }));
  return [...inline, ...managed];
}

const attachedArns = (s: Synthesized, suffix: "plan" | "apply") => {
  const [address] = s.role(suffix);
  return s
    .all("aws_iam_role_policy_attachment")
    .filter(([, a]) => a.role === `\${aws_iam_role.${address}.name}`)
    .map(([, a]) => String(a.policy_arn));
};

describe.each(ENVIRONMENT_NAMES)("bootstrap-%s", (env) => {
  const prefix = `ecommerce-analytics-${env}`;
  const providerArn = "${aws_iam_openid_connect_provider.github-oidc_provider_D7593BA3.arn}";

  it("creates the account's GitHub OIDC provider for STS, without a pinned thumbprint", () => {
    const provider = synth(env).one("aws_iam_openid_connect_provider");
    expect(provider).toMatchObject({ url: `https://${OIDC}`, client_id_list: ["sts.amazonaws.com"] });
    expect(provider.thumbprint_list).toBeUndefined();
    expect(synth(env).tf.data.aws_iam_openid_connect_provider).toBeUndefined();
  });

  it.each([
    ["plan", `repo:${REPOSITORY}:pull_request`],
    ["apply", `repo:${REPOSITORY}:environment:${env}`],
  ] as const)("the %s role trusts only %s, through the provider, for the STS audience", (suffix, subject) => {
    const s = synth(env);
    const [, role] = s.role(suffix);
    const trust = s.statements(role.assume_role_policy);
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRoleWithWebIdentity"],
      principals: [{ type: "Federated", identifiers: [providerArn] }],
    });
    expect(trust[0].condition).toHaveLength(2);
    expect(conditionOn(trust[0], `${OIDC}:aud`)).toEqual({
      test: "StringEquals",
      variable: `${OIDC}:aud`,
      values: ["sts.amazonaws.com"],
    });
    expect(conditionOn(trust[0], `${OIDC}:sub`)).toEqual({
      test: "StringEquals",
      variable: `${OIDC}:sub`,
      values: [subject],
    });
  });

  it("the roles' sessions last at most an hour", () => {
    expect(synth(env).role("plan")[1].max_session_duration).toBe(3600);
    expect(synth(env).role("apply")[1].max_session_duration).toBe(7200);
    expect(CI_ROLE_MAX_SESSION_SECONDS).toBe(3600);
  });

  it("the plan role reads everything (ReadOnlyAccess), writes only this environment's state-bucket lock files", () => {
    const s = synth(env);
    expect(attachedArns(s, "plan")).toEqual([
      "arn:${data.aws_partition.partition.partition}:iam::aws:policy/ReadOnlyAccess",
    ]);
    const policies = rolePolicies(s, `${prefix}-github-plan`);
    expect(policies.map((p) => p.name)).toEqual([`${prefix}-github-plan-state`]);
    const bucket = `arn:\${data.aws_partition.partition.partition}:s3:::${STATE_BUCKET}`;
    expect(policies[0].statements).toEqual([
      { sid: "StateBucketList", effect: "Allow", actions: ["s3:ListBucket"], resources: [bucket] },
      {
        sid: "StateRead",
        effect: "Allow",
        actions: ["s3:GetObject"],
        resources: [`${bucket}/ecommerce-analytics/${env}/*`],
      },
      {
        sid: "StateLockFilesOnly",
        effect: "Allow",
        actions: ["s3:PutObject", "s3:DeleteObject"],
        resources: [`${bucket}/ecommerce-analytics/${env}/*.tflock`],
      },
    ]);
  });

  it("the apply role writes this environment's states, never the bootstrap state", () => {
    const s = synth(env);
    const state = rolePolicies(s, `${prefix}-github-apply`).find((p) => p.name === `${prefix}-github-apply-state`);
    const objects = `arn:\${data.aws_partition.partition.partition}:s3:::${STATE_BUCKET}/ecommerce-analytics/${env}`;
    expect(state?.statements).toContainEqual({
      sid: "StateReadWrite",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [`${objects}/*`],
    });
    expect(state?.statements).toContainEqual({
      sid: "NotTheBootstrapState",
      effect: "Deny",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: [`${objects}/bootstrap-${env}.tfstate`, `${objects}/bootstrap-${env}.tfstate.tflock`],
    });
  });

  it("no statement of either role allows * or service:* on * (the project's policy rules pass)", () => {
    const s = synth(env);
    expect(formatViolations(checkStack(s.json, `bootstrap-${env}`))).toBe("");
    for (const roleName of [`${prefix}-github-plan`, `${prefix}-github-apply`]) {
      for (const policy of rolePolicies(s, roleName)) {
        const problems = documentStatements({ statement: policy.statements }).map(wildcardProblem).filter(Boolean);
        expect({ policy: policy.name, problems }).toEqual({ policy: policy.name, problems: [] });
      }
    }
    expect(attachedArns(s, "apply").filter((arn) => !arn.startsWith("${aws_iam_policy."))).toEqual([
      "arn:${data.aws_partition.partition.partition}:iam::aws:policy/ReadOnlyAccess",
    ]);
  });

  it("the apply role carries one managed policy per permission group, each under IAM's size limit", () => {
    const s = synth(env);
    const names = rolePolicies(s, `${prefix}-github-apply`).map((p) => p.name);
    expect(names.sort()).toEqual(
      [...PERMISSION_GROUPS.map((g) => `${prefix}-github-apply-${g}`), `${prefix}-github-apply-state`].sort(),
    );
    for (const policy of rolePolicies(s, `${prefix}-github-apply`)) {
      // IAM counts the policy JSON without whitespace; tokens become a 12-digit account id and `aws`.
      const rendered = JSON.stringify({
        Version: "2012-10-17",
        Statement: policy.statements.map((st) => ({
          Sid: st.sid,
          Effect: st.effect,
          Action: st.actions,
          Resource: st.resources,
          ...(st.condition
            ? {
                Condition: Object.fromEntries(
                  (st.condition as Block[]).map((c) => [c.test, { [c.variable]: c.values }]),
                ),
              }
            : {}),
        })),
      })
        .replaceAll("${data.aws_partition.partition.partition}", "aws")
        .replaceAll("${data.aws_caller_identity.account.account_id}", ACCOUNT);
      expect(rendered).not.toContain("${");
      expect({ policy: policy.name, tooLong: rendered.length > 6144 }).toEqual({ policy: policy.name, tooLong: false });
    }
  });

  it("the apply role may never change the CI roles, their policies or the OIDC provider", () => {
    const s = synth(env);
    const shared = rolePolicies(s, `${prefix}-github-apply`).find((p) => p.name === `${prefix}-github-apply-shared`);
    const iam = "arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}";
    expect(shared?.statements).toContainEqual({
      sid: "NotTheCiAccess",
      effect: "Deny",
      actions: ["iam:*"],
      resources: [`${iam}:role/${prefix}-github-*`, `${iam}:policy/${prefix}-github-*`, `${iam}:oidc-provider/*`],
    });
    const passRole = shared?.statements.find((st) => st.sid === "IamPassRolesToTheirServices");
    expect(passRole?.resources).toEqual([`${iam}:role/${prefix}-*`]);
    expect(conditionOn(passRole!, "iam:PassedToService")?.test).toBe("StringEquals");
  });

  it("outputs both role ARNs for the workflows' variables", () => {
    const s = synth(env);
    expect(s.tf.output?.plan_role_arn.value).toBe(`\${aws_iam_role.${s.role("plan")[0]}.arn}`);
    expect(s.tf.output?.apply_role_arn.value).toBe(`\${aws_iam_role.${s.role("apply")[0]}.arn}`);
  });
});

describe("bootstrap settings", () => {
  it("looks up the account's OIDC provider instead of creating it when createOidcProvider is false", () => {
    const config = configsWith({ STATE_BUCKET }).staging;
    const s = synthesize({ ...config, ci: { ...config.ci, createOidcProvider: false } });
    expect(s.all("aws_iam_openid_connect_provider")).toEqual([]);
    const [name, lookup] = Object.entries(s.tf.data.aws_iam_openid_connect_provider)[0];
    expect(lookup.url).toBe(`https://${OIDC}`);
    const trust = s.statements(s.role("apply")[1].assume_role_policy);
    expect(trust[0].principals[0].identifiers).toEqual([`\${data.aws_iam_openid_connect_provider.${name}.arn}`]);
  });

  it("lets both roles use the state's KMS key through S3 only when one is configured", () => {
    const key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const s = synthesize(configsWith({ STATE_BUCKET, STATE_BUCKET_KMS_KEY_ARN: key }).prod);
    for (const suffix of ["plan", "apply"] as const) {
      const state = rolePolicies(s, `ecommerce-analytics-prod-github-${suffix}`).find((p) => p.name.endsWith("-state"));
      expect(state?.statements).toContainEqual({
        sid: "StateKmsKeyThroughS3",
        effect: "Allow",
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: [key],
        condition: [{ test: "StringEquals", variable: "kms:ViaService", values: ["s3.eu-west-1.amazonaws.com"] }],
      });
    }
    const withoutKey = rolePolicies(synth("prod"), "ecommerce-analytics-prod-github-plan")[0].statements;
    expect(withoutKey.some((st) => st.sid === "StateKmsKeyThroughS3")).toBe(false);
  });

  it("without STATE_BUCKET: roles without state access, and a synth warning saying so", () => {
    const s = synthesize(configsWith({}).dev);
    expect(s.all("aws_iam_role_policy")).toEqual([]);
    const warnings = s.stack.node.metadata
      .filter((m) => m.type === AnnotationMetadataEntryType.WARN)
      .map((m) => String(m.data));
    expect(warnings).toEqual([expect.stringContaining("no STATE_BUCKET")]);
  });

  const problemsOf = (change: (c: EnvironmentConfig) => void): string[] => {
    const settings = environmentSettings({});
    change(settings.prod);
    try {
      loadEnvironments(settings);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it.each<[string, (c: EnvironmentConfig) => void, RegExp]>([
    [
      "a repository without its owner",
      (c) => (c.ci.githubRepository = "ecommerce-analytics"),
      /^prod\.ci\.githubRepository: must be owner\/name/,
    ],
    [
      "a repository with a wildcard",
      (c) => (c.ci.githubRepository = "acme/*"),
      /^prod\.ci\.githubRepository: must be owner\/name/,
    ],
    [
      "a repository with a path",
      (c) => (c.ci.githubRepository = "acme/ecommerce-analytics/x"),
      /^prod\.ci\.githubRepository: must be owner\/name/,
    ],
    ["an environment name with a wildcard", (c) => (c.ci.githubEnvironment = "prod*"), /^prod\.ci\.githubEnvironment/],
    [
      "a KMS alias for the state key",
      (c) => (c.ci.stateKmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:alias/state"),
      /^prod\.ci\.stateKmsKeyArn: must be a KMS key ARN/,
    ],
    [
      "a missing createOidcProvider",
      (c) => delete (c.ci as Partial<EnvironmentConfig["ci"]>).createOidcProvider,
      /^prod\.ci\.createOidcProvider: is required/,
    ],
  ])("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it("accepts GitHub's repository names", () => {
    for (const repository of ["acme/ecommerce-analytics", "Acme-Corp/analytics.v2", "a/b_c"]) {
      expect(problemsOf((c) => (c.ci.githubRepository = repository))).toEqual([]);
    }
  });
});

/**
 * The apply role against what it deploys: the four stacks of prod (with an alarm email, so the
 * SNS subscriptions exist too), synthesized as `cdktf synth` does.
 */
describe("the apply role covers what the deployed stacks create", () => {
  const config = configsWith({ STATE_BUCKET, ALARM_EMAIL: "oncall@example.com" }).prod;
  const scope: DeployScope = {
    partition: "aws",
    region: config.region,
    accountId: ACCOUNT,
    prefix: `${config.project}-${config.name}`,
  };
  let outdir: string;
  let stacks: Record<string, Tf>;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "analytics-bootstrap-"));
    const app = new App({ outdir });
    const network = new NetworkStack(app, config);
    const data = new DataStack(app, config, network.outputs);
    const api = new ApiStack(app, config, network.outputs, data.outputs);
    new ObservabilityStack(app, config, network.outputs, data.outputs, api.outputs);
    new WebStack(app, config, api.outputs);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    stacks = Object.fromEntries(
      Object.entries(manifest.stacks).map(([name, s]) => [
        name,
        JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")) as Tf,
      ]),
    );
  }, 180_000);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const resources = (type: string) => Object.values(stacks).flatMap((tf) => Object.values(tf.resource[type] ?? {}));
  /** Terraform expressions in a name as a deployed value: the account id, or an opaque id. */
  const literal = (value: unknown) =>
    String(value)
      .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, ACCOUNT)
      .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws")
      .replace(/\$\{[^}]+\}/g, "a1b2c3d4e5");
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^$()|[\]\\{}]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
    );
  const rules = Object.values(DEPLOY_PERMISSIONS).flat();
  const matches = (rule: PermissionRule, arn: string) =>
    rule.resources(scope).some((pattern) => glob(pattern).test(arn));
  /** Whether some Allow rule written for `type` covers `arn`, and no Deny does. */
  const allowed = (type: string, arn: string) =>
    rules.some((r) => (r.effect ?? "Allow") === "Allow" && r.resourceTypes.includes(type) && matches(r, arn)) &&
    !rules.some((r) => r.effect === "Deny" && matches(r, arn));

  it("synthesizes the five deployed stacks", () => {
    expect(Object.keys(stacks).sort()).toEqual([
      "api-prod",
      "data-prod",
      "network-prod",
      "observability-prod",
      "web-prod",
    ]);
  });

  it("names a permission rule for every resource type of every deployed stack", () => {
    const types = [...new Set(Object.values(stacks).flatMap((tf) => Object.keys(tf.resource ?? {})))].sort();
    expect(types.length).toBeGreaterThan(40);
    // A type listed here needs a rule in stacks/constructs/bootstrap/deploy-permissions.ts.
    expect(types.filter((t) => !COVERED_RESOURCE_TYPES.has(t))).toEqual([]);
  });

  it.each<[string, string, (r: Block) => string]>([
    ["aws_iam_role", "name", (r) => `arn:aws:iam::${ACCOUNT}:role/${literal(r.name)}`],
    [
      "aws_lambda_function",
      "function_name",
      (r) => `arn:aws:lambda:${scope.region}:${ACCOUNT}:function:${literal(r.function_name)}`,
    ],
    ["aws_cloudwatch_log_group", "name", (r) => `arn:aws:logs:${scope.region}:${ACCOUNT}:log-group:${literal(r.name)}`],
    ["aws_kms_alias", "name", (r) => `arn:aws:kms:${scope.region}:${ACCOUNT}:${literal(r.name)}`],
    ["aws_sns_topic", "name", (r) => `arn:aws:sns:${scope.region}:${ACCOUNT}:${literal(r.name)}`],
    [
      "aws_cloudwatch_metric_alarm",
      "alarm_name",
      (r) => `arn:aws:cloudwatch:${scope.region}:${ACCOUNT}:alarm:${literal(r.alarm_name)}`,
    ],
    [
      "aws_cloudwatch_dashboard",
      "dashboard_name",
      (r) => `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${literal(r.dashboard_name)}`,
    ],
    ["aws_cloudtrail", "name", (r) => `arn:aws:cloudtrail:${scope.region}:${ACCOUNT}:trail/${literal(r.name)}`],
    ["aws_s3_bucket", "bucket", (r) => `arn:aws:s3:::${literal(r.bucket)}`],
    [
      "aws_secretsmanager_secret",
      "name",
      (r) => `arn:aws:secretsmanager:${scope.region}:${ACCOUNT}:secret:${literal(r.name)}-AbCdEf`,
    ],
    ["aws_db_instance", "identifier", (r) => `arn:aws:rds:${scope.region}:${ACCOUNT}:db:${literal(r.identifier)}`],
    [
      "aws_wafv2_web_acl",
      "name",
      (r) => `arn:aws:wafv2:${scope.region}:${ACCOUNT}:regional/webacl/${literal(r.name)}/a1b2c3d4e5`,
    ],
  ])("every %s (by %s) is inside the ARNs the apply role may change", (type, _attribute, arnOf) => {
    const arns = resources(type).map(arnOf);
    expect(arns.length).toBeGreaterThan(0);
    expect(arns.filter((arn) => !allowed(type, arn))).toEqual([]);
  });

  /**
   * Whether an Allow rule lets the role make `action` on `arn` (no Deny matching), its conditions
   * met by `context` (StringEquals only; any other condition counts as unmet).
   */
  const allowsCall = (action: string, arn: string, context: Record<string, string> = {}) => {
    const actionMatches = (rule: PermissionRule) =>
      rule.actions.some((pattern) => new RegExp(`^${pattern.replace(/\*/g, ".*")}$`, "i").test(action));
    const conditionsMet = (rule: PermissionRule) =>
      (rule.conditions?.(scope) ?? []).every(
        (c) => c.test === "StringEquals" && (c.values as string[]).includes(context[c.variable as string] ?? ""),
      );
    return (
      rules.some((r) => (r.effect ?? "Allow") === "Allow" && actionMatches(r) && matches(r, arn) && conditionsMet(r)) &&
      !rules.some((r) => r.effect === "Deny" && actionMatches(r) && matches(r, arn))
    );
  };

  describe("the deploy's smoke-key step (tools/local/smoke-key.ts, run with the apply role after the apply)", () => {
    const secretArn = (name: string) => `arn:aws:secretsmanager:${scope.region}:${ACCOUNT}:secret:${name}-AbCdEf`;
    const smokeSecret = secretArn(`${scope.prefix}-smoke-test`);
    const databaseKey = `arn:aws:kms:${scope.region}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const apigateway = (path: string) => `arn:aws:apigateway:${scope.region}::${path}`;
    const viaSecretsManager = { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` };

    it("the smoke-test secret is the api stack's one secret", () => {
      const secrets = Object.values(stacks["api-prod"].resource.aws_secretsmanager_secret ?? {});
      expect(secrets.map((s) => s.name)).toEqual([`${scope.prefix}-smoke-test`]);
    });

    it.each<[string, string, Record<string, string>]>([
      ["secretsmanager:GetSecretValue", smokeSecret, {}],
      ["secretsmanager:DescribeSecret", smokeSecret, {}],
      ["secretsmanager:PutSecretValue", smokeSecret, {}],
      ["kms:Decrypt", databaseKey, viaSecretsManager],
      ["kms:GenerateDataKey", databaseKey, viaSecretsManager],
      ["apigateway:GET", apigateway("/usageplans"), {}],
      ["apigateway:GET", apigateway("/apikeys/a1b2c3d4e5"), {}],
      ["apigateway:GET", apigateway("/usageplans/u1v2w3/keys/a1b2c3d4e5"), {}],
      ["apigateway:POST", apigateway("/apikeys"), {}],
      ["apigateway:POST", apigateway("/usageplans/u1v2w3/keys"), {}],
      ["apigateway:DELETE", apigateway("/apikeys/a1b2c3d4e5"), {}],
      ["lambda:InvokeFunction", `arn:aws:lambda:${scope.region}:${ACCOUNT}:function:${scope.prefix}-admin`, {}],
    ])("may %s on %s", (action, arn, context) => {
      expect(allowsCall(action, arn, context)).toBe(true);
    });

    it.each<[string, string]>([
      ["the app user's secret", secretArn(`${scope.prefix}/db/app_user`)],
      ["the RDS-managed master secret", secretArn("rds!db-0a1b2c3d")],
      ["another environment's smoke secret", secretArn("ecommerce-analytics-dev-smoke-test")],
      ["a secret that only starts with the smoke secret's name", secretArn(`${scope.prefix}-smoke-test-copy`)],
    ])("may read or write no other secret's value: not %s", (_what, arn) => {
      expect(allowsCall("secretsmanager:GetSecretValue", arn)).toBe(false);
      expect(allowsCall("secretsmanager:PutSecretValue", arn)).toBe(false);
    });

    it("uses the database key only through Secrets Manager (or RDS)", () => {
      expect(allowsCall("kms:Decrypt", databaseKey)).toBe(false);
      expect(allowsCall("kms:Decrypt", databaseKey, { "kms:ViaService": `s3.${scope.region}.amazonaws.com` })).toBe(
        false,
      );
    });
  });

  it("no deployed role can be mistaken for a CI role", () => {
    expect(resources("aws_iam_role").filter((r) => String(r.name).startsWith(`${scope.prefix}-github-`))).toEqual([]);
  });

  it("allows attaching exactly the AWS managed policies the stacks attach", () => {
    const attached = [...new Set(resources("aws_iam_role_policy_attachment").map((a) => literal(a.policy_arn)))].sort();
    expect(attached).toEqual(ATTACHABLE_AWS_MANAGED_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`).sort());
  });

  it("lets functions with a customer-managed environment key be deployed: KMS only through Lambda", () => {
    const encrypted = Object.values(stacks)
      .flatMap((tf) => Object.values(tf.resource.aws_lambda_function ?? {}))
      .filter((fn) => fn.kms_key_arn);
    expect(encrypted.length).toBeGreaterThan(0);
    const rule = rules.find(
      (r) => r.actions.includes("kms:CreateGrant") && r.resourceTypes?.includes("aws_lambda_function"),
    );
    expect(rule).toBeDefined();
    expect(rule!.actions).toEqual(expect.arrayContaining(["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant"]));
    const scope = { prefix: "p", region: "eu-west-1", accountId: "111122223333", partition: "aws" } as Parameters<
      NonNullable<typeof rule>["resources"]
    >[0];
    expect(rule!.conditions?.(scope)).toEqual([
      { test: "StringEquals", variable: "kms:ViaService", values: ["lambda.eu-west-1.amazonaws.com"] },
    ]);
  });

  it("allows passing roles to every service the stacks' roles trust", () => {
    const trusted = Object.values(stacks).flatMap((tf) =>
      Object.values(tf.resource.aws_iam_role ?? {}).flatMap((role) => {
        const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(role.assume_role_policy))?.[1];
        const doc = name ? tf.data.aws_iam_policy_document[name] : undefined;
        const statements: Block[] = doc ? (Array.isArray(doc.statement) ? doc.statement : [doc.statement]) : [];
        return statements.flatMap((st) =>
          (st.principals as Block[]).filter((p) => p.type === "Service").flatMap((p) => p.identifiers as string[]),
        );
      }),
    );
    expect(trusted.length).toBeGreaterThan(0);
    expect(
      [...new Set(trusted)].filter((service) => !(PASS_ROLE_TO_SERVICES as readonly string[]).includes(service)),
    ).toEqual([]);
  });
});
