import { Testing } from "cdktf";
import { environmentSettings, loadEnvironments, type EnvironmentName } from "../../stacks/config";
import { ERROR_SEVERITY } from "../../stacks/constructs/observability/lambda-alarms";
import { freeableMemoryThresholdBytes, instanceMemoryGib } from "../../stacks/config/instance-memory";
import { BUSINESS_METRICS } from "../../stacks/constructs/observability/dashboard";
import { SECURITY_EVENTS, SECURITY_METRICS_NAMESPACE } from "../../stacks/constructs/observability/security-alarms";
import type { ApiOutputs, DataOutputs, DeployedFunction, NetworkOutputs } from "../../stacks/contracts";
import { NetworkStack } from "../../stacks/network-stack";
import { ObservabilityStack } from "../../stacks/observability-stack";
import { checkStack } from "../../stacks/policy";

/**
 * The observability stack (SPEC section 4, observability layer) against fake network, data and API
 * outputs: literal names stand in for the other stacks' outputs, so this file depends only on
 * the contracts. Prod (with an alarm email) and dev (none) are synthesized once each.
 */
const LOGS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/logs";
const network: Pick<NetworkOutputs, "logsKeyArn"> = { logsKeyArn: LOGS_KEY };

const data: DataOutputs = {
  dbInstanceIdentifier: "ea-db",
  databaseName: "analytics",
  proxyName: "ea-proxy",
  proxyArn: "arn:aws:rds:eu-west-1:111122223333:db-proxy:prx-123",
  proxyEndpoint: "ea-proxy.proxy-abc.eu-west-1.rds.amazonaws.com",
  proxyResourceId: "prx-123",
  masterUsername: "admin_master",
  appUsername: "app_user",
  masterSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:master",
  appSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app",
  databaseKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/database",
};

const FUNCTIONS: DeployedFunction[] = ["ingest", "reports", "health", "migrate", "admin", "authorizer"];
const api: ApiOutputs = {
  restApiId: "abc123",
  restApiName: "ea-api",
  stageName: "v1",
  apiUrl: "https://abc123.execute-api.eu-west-1.amazonaws.com/v1",
  usagePlanId: "plan-1",
  functionNames: {
    ingest: "fn-ingest",
    reports: "fn-reports",
    health: "fn-health",
    migrate: "fn-migrate",
    admin: "fn-admin",
    authorizer: "fn-authorizer",
  },
  people: {
    userPoolId: "eu-west-1_pool",
    clientId: "client-1",
    endpoint: "https://cognito-idp.eu-west-1.amazonaws.com/",
  },
};

/**
 * Dimension sets of the RDS Proxy metrics (AWS's rds-proxy.monitoring table): the client side under
 * set 1 (ProxyName), the database side under set 4 (ProxyName, TargetGroup, TargetRole); there is
 * no ProxyName-only MaxDatabaseConnectionsAllowed.
 */
const PROXY_TARGET = { ProxyName: "ea-proxy", TargetGroup: "default", TargetRole: "READWRITE" };
const PROXY_DIMENSIONS: Record<string, Record<string, string>> = {
  ClientConnections: { ProxyName: "ea-proxy" },
  DatabaseConnections: PROXY_TARGET,
  DatabaseConnectionsCurrentlyBorrowed: PROXY_TARGET,
  DatabaseConnectionsCurrentlySessionPinned: PROXY_TARGET,
  MaxDatabaseConnectionsAllowed: PROXY_TARGET,
};

const EMAIL = "oncall@example.com";
const configs = loadEnvironments(environmentSettings({ ALARM_EMAIL: EMAIL }));

type Block = Record<string, unknown>;
interface Tf {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
}
interface Synthesized {
  json: string;
  tf: Tf;
  /** Resources of a type, `[name, config]`. */
  all: (type: string) => [string, Block][];
  /** The one resource of a type whose config matches. */
  one: (type: string, match?: (r: Block) => boolean) => [string, Block];
  alarm: (nameSuffix: string) => Block;
  /** Statements of the aws_iam_policy_document whose JSON the given attribute value references. */
  policyStatements: (reference: unknown) => Block[];
}

const cache = new Map<EnvironmentName, Synthesized>();
function synth(env: EnvironmentName): Synthesized {
  const hit = cache.get(env);
  if (hit) return hit;
  const stack = new ObservabilityStack(Testing.app(), configs[env], network, data, api);
  const json = Testing.synth(stack);
  const tf = JSON.parse(json) as Tf;
  const all = (type: string) => Object.entries(tf.resource[type] ?? {});
  const one = (type: string, match: (r: Block) => boolean = () => true): [string, Block] => {
    const found = all(type).filter(([, r]) => match(r));
    if (found.length !== 1) throw new Error(`${found.length} ${type} resources match`);
    return found[0];
  };
  const prefix = `ecommerce-analytics-${env}`;
  const out: Synthesized = {
    json,
    tf,
    all,
    one,
    alarm: (suffix) => one("aws_cloudwatch_metric_alarm", (r) => r.alarm_name === `${prefix}-${suffix}`)[1],
    policyStatements: (reference) => {
      const name = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(reference))?.[1];
      const doc = name ? tf.data.aws_iam_policy_document[name] : undefined;
      if (!doc) throw new Error(`${String(reference)} is not a policy document reference`);
      return doc.statement as Block[];
    },
  };
  cache.set(env, out);
  return out;
}

const ref = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

describe("observability stack", () => {
  const prod = () => synth("prod");
  const topicArn = (severity: "critical" | "warning") =>
    ref(
      "aws_sns_topic",
      prod().one("aws_sns_topic", (t) => t.name === `ecommerce-analytics-prod-${severity}`)[0],
      "arn",
    );

  test("is named observability-<env> and passes the platform policy rules", () => {
    const stack = new ObservabilityStack(Testing.app(), configs.staging, network, data, api);
    expect(stack.node.id).toBe("observability-staging");
    expect(checkStack(prod().json, "observability-prod")).toEqual([]);
    expect(checkStack(synth("dev").json, "observability-dev")).toEqual([]);
  });

  describe("alarm topics", () => {
    test("critical and warning topics, encrypted with the stack's own rotating key", () => {
      const [keyName, key] = prod().one("aws_kms_key", (k) => String(k.description).includes("alarm topics"));
      expect(key.enable_key_rotation).toBe(true);
      for (const severity of ["critical", "warning"]) {
        const [, topic] = prod().one("aws_sns_topic", (t) => t.name === `ecommerce-analytics-prod-${severity}`);
        expect(topic.kms_master_key_id).toBe(ref("aws_kms_key", keyName, "arn"));
      }
      expect(prod().all("aws_sns_topic")).toHaveLength(2);
    });

    test("the key lets CloudWatch use it; the topic policy lets this account's alarms publish", () => {
      const [, key] = prod().one("aws_kms_key", (k) => String(k.description).includes("alarm topics"));
      const cloudwatch = prod()
        .policyStatements(key.policy)
        .find((s) => JSON.stringify(s.principals).includes("cloudwatch.amazonaws.com"));
      expect(cloudwatch).toMatchObject({ actions: expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]) });

      const [, policy] = prod().one("aws_sns_topic_policy", (p) => p.arn === topicArn("critical"));
      const publish = prod()
        .policyStatements(policy.policy)
        .find((s) => s.sid === "CloudWatchAlarmsPublish");
      expect(publish).toMatchObject({ actions: ["sns:Publish"], resources: [topicArn("critical")] });
      expect(JSON.stringify(publish?.condition)).toContain("aws:SourceAccount");
      expect(JSON.stringify(publish?.condition)).toContain(":alarm:ecommerce-analytics-prod-*");
    });

    test("email subscriptions from the config: prod's alarm email on both topics, none in dev", () => {
      const subscriptions = prod()
        .all("aws_sns_topic_subscription")
        .map(([, s]) => s);
      expect(subscriptions).toHaveLength(2);
      for (const severity of ["critical", "warning"] as const) {
        expect(subscriptions).toContainEqual(
          expect.objectContaining({ topic_arn: topicArn(severity), protocol: "email", endpoint: EMAIL }),
        );
      }
      expect(synth("dev").all("aws_sns_topic_subscription")).toHaveLength(0);
    });
  });

  describe("alarms", () => {
    test("every alarm notifies exactly one topic on ALARM and on OK", () => {
      const alarms = prod().all("aws_cloudwatch_metric_alarm");
      expect(alarms).toHaveLength(2 + 2 * FUNCTIONS.length + 5 + SECURITY_EVENTS.length);
      for (const [, alarm] of alarms) {
        const severity = (alarm.tags as Record<string, string>).severity as "critical" | "warning";
        expect([alarm.alarm_name, alarm.alarm_actions]).toEqual([alarm.alarm_name, [topicArn(severity)]]);
        expect(alarm.ok_actions).toEqual(alarm.alarm_actions);
        expect(alarm.actions_enabled).toBe(true);
      }
    });

    test("API 5XX rate above 5% is critical: metric math 5XXError / Count * 100 over ApiName + Stage", () => {
      const alarm = prod().alarm("api-5xx-rate");
      expect(alarm).toMatchObject({
        comparison_operator: "GreaterThanThreshold",
        threshold: 5,
        treat_missing_data: "notBreaching",
        alarm_actions: [topicArn("critical")],
      });
      const queries = alarm.metric_query as Block[];
      const byId = Object.fromEntries(queries.map((q) => [q.id, q]));
      expect(byId.rate).toMatchObject({ expression: "100 * errors / requests", return_data: true });
      const dimensions = { ApiName: "ea-api", Stage: "v1" };
      expect(byId.errors).toMatchObject({
        return_data: false,
        metric: { namespace: "AWS/ApiGateway", metric_name: "5XXError", stat: "Sum", dimensions },
      });
      expect(byId.requests).toMatchObject({
        return_data: false,
        metric: { namespace: "AWS/ApiGateway", metric_name: "Count", stat: "Sum", dimensions },
      });
    });

    test("API p99 latency above 2000 ms is a warning", () => {
      expect(prod().alarm("api-p99-latency")).toMatchObject({
        namespace: "AWS/ApiGateway",
        metric_name: "Latency",
        extended_statistic: "p99",
        dimensions: { ApiName: "ea-api", Stage: "v1" },
        comparison_operator: "GreaterThanThreshold",
        threshold: 2000,
        alarm_actions: [topicArn("warning")],
      });
      expect(prod().alarm("api-p99-latency").statistic).toBeUndefined();
    });

    // The request path: the API's functions and the authorizer that runs before every keyed request.
    const REQUEST_PATH: DeployedFunction[] = ["ingest", "reports", "health", "authorizer"];
    test.each(FUNCTIONS)("Lambda %s: errors (request path critical) and throttles (warning)", (fn) => {
      const errors = prod().alarm(`lambda-${fn}-errors`);
      expect(errors).toMatchObject({
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        statistic: "Sum",
        period: 300,
        dimensions: { FunctionName: api.functionNames[fn] },
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 5,
        alarm_actions: [topicArn(REQUEST_PATH.includes(fn) ? "critical" : "warning")],
      });
      expect(ERROR_SEVERITY[fn]).toBe(REQUEST_PATH.includes(fn) ? "critical" : "warning");
      expect(prod().alarm(`lambda-${fn}-throttles`)).toMatchObject({
        metric_name: "Throttles",
        dimensions: { FunctionName: api.functionNames[fn] },
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        alarm_actions: [topicArn("warning")],
      });
    });

    test("RDS CPU above 80%", () => {
      expect(prod().alarm("rds-cpu")).toMatchObject({
        namespace: "AWS/RDS",
        metric_name: "CPUUtilization",
        dimensions: { DBInstanceIdentifier: "ea-db" },
        comparison_operator: "GreaterThanThreshold",
        threshold: 80,
        alarm_actions: [topicArn("warning")],
      });
    });

    test("RDS freeable memory below 20% of the instance class's memory (bytes computed per environment)", () => {
      // prod db.r7g.large: 16 GiB; dev db.t4g.micro: 1 GiB.
      expect(prod().alarm("rds-freeable-memory")).toMatchObject({
        metric_name: "FreeableMemory",
        comparison_operator: "LessThanThreshold",
        threshold: Math.round(16 * 2 ** 30 * 0.2),
        alarm_actions: [topicArn("warning")],
      });
      expect(synth("dev").alarm("rds-freeable-memory").threshold).toBe(Math.round(2 ** 30 * 0.2));
    });

    test("RDS free storage below 20% of the allocated storage (more than 80% used)", () => {
      // prod allocates 100 GiB, dev 20 GiB.
      expect(prod().alarm("rds-free-storage")).toMatchObject({
        metric_name: "FreeStorageSpace",
        statistic: "Minimum",
        comparison_operator: "LessThanThreshold",
        threshold: 20 * 2 ** 30,
        alarm_actions: [topicArn("warning")],
      });
      expect(synth("dev").alarm("rds-free-storage").threshold).toBe(4 * 2 ** 30);
    });

    test.each([
      ["rds-proxy-borrowed-connections", "DatabaseConnectionsCurrentlyBorrowed", "critical"],
      ["rds-proxy-client-connections", "ClientConnections", "warning"],
    ] as const)("%s: %s as a percent of MaxDatabaseConnectionsAllowed above 80%", (suffix, metric, severity) => {
      const alarm = prod().alarm(suffix);
      expect(alarm).toMatchObject({
        comparison_operator: "GreaterThanThreshold",
        threshold: 80,
        alarm_actions: [topicArn(severity)],
      });
      const byId = Object.fromEntries((alarm.metric_query as Block[]).map((q) => [q.id, q]));
      expect(byId.saturation).toMatchObject({ expression: "100 * used / allowed", return_data: true });
      expect(byId.used).toMatchObject({ metric: { namespace: "AWS/RDS", metric_name: metric, stat: "Sum" } });
      expect(byId.allowed).toMatchObject({
        metric: { namespace: "AWS/RDS", metric_name: "MaxDatabaseConnectionsAllowed", stat: "Sum" },
      });
    });

    test("every proxy metric is queried under a dimension set AWS publishes it with", () => {
      const queried = ["rds-proxy-borrowed-connections", "rds-proxy-client-connections"].flatMap((suffix) =>
        (prod().alarm(suffix).metric_query as Block[]).flatMap((q) => (q.metric ? [q.metric as Block] : [])),
      );
      expect(queried).toHaveLength(4);
      for (const metric of queried) {
        expect({ metric: metric.metric_name, dimensions: metric.dimensions }).toEqual({
          metric: metric.metric_name,
          dimensions: PROXY_DIMENSIONS[String(metric.metric_name)],
        });
      }
    });
  });

  describe("instance memory table", () => {
    test("covers every configured instance class", () => {
      for (const config of Object.values(configs))
        expect(instanceMemoryGib(config.database.instanceClass)).toBeGreaterThan(0);
      expect(instanceMemoryGib("db.t4g.medium")).toBe(4);
      expect(freeableMemoryThresholdBytes("db.t4g.medium", 80)).toBe(Math.round(4 * 2 ** 30 * 0.2));
    });

    test("an unknown class fails synth instead of alarming on a wrong threshold", () => {
      expect(() => instanceMemoryGib("db.x9z.large")).toThrow(/db\.x9z\.large/);
    });
  });

  test("dashboard <prefix> with API, Lambda, RDS, proxy and business metrics", () => {
    const [, dashboard] = prod().one("aws_cloudwatch_dashboard");
    expect(dashboard.dashboard_name).toBe("ecommerce-analytics-prod");
    const body = JSON.parse(String(dashboard.dashboard_body)) as {
      widgets: { type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } }[];
    };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []);
    const has = (namespace: string, name: string, dimension: string) =>
      metrics.some((m) => m[0] === namespace && m[1] === name && m.includes(dimension));
    for (const name of ["Count", "4XXError", "5XXError", "Latency"])
      expect(has("AWS/ApiGateway", name, "ea-api")).toBe(true);
    for (const fn of FUNCTIONS) {
      for (const name of ["Invocations", "Errors", "Duration", "ConcurrentExecutions"])
        expect(has("AWS/Lambda", name, api.functionNames[fn])).toBe(true);
    }
    for (const name of ["CPUUtilization", "FreeableMemory", "DatabaseConnections"])
      expect(has("AWS/RDS", name, "ea-db")).toBe(true);
    const proxyRows = metrics.filter((m) => m[0] === "AWS/RDS" && m.includes("ProxyName"));
    expect(proxyRows.map((m) => m[1]).sort()).toEqual(Object.keys(PROXY_DIMENSIONS).sort());
    for (const row of proxyRows) {
      const dimensions = row.slice(2).filter((x): x is string => typeof x === "string");
      const pairs = Object.fromEntries(dimensions.flatMap((v, i) => (i % 2 === 0 ? [[v, dimensions[i + 1]]] : [])));
      expect({ metric: row[1], dimensions: pairs }).toEqual({
        metric: row[1],
        dimensions: PROXY_DIMENSIONS[String(row[1])],
      });
    }
    const expressions = JSON.stringify(metrics.flat().filter((m) => typeof m === "object"));
    for (const name of BUSINESS_METRICS)
      expect(expressions).toContain(`SEARCH('{EcommerceAnalytics,service} MetricName=\\"${name}\\"', 'Sum', 300)`);
    expect(body.widgets.find((w) => w.type === "alarm")?.properties.alarms).toHaveLength(
      prod().all("aws_cloudwatch_metric_alarm").length,
    );
  });

  describe("CloudTrail", () => {
    const trail = () => prod().one("aws_cloudtrail");
    const bucketName = () => prod().one("aws_s3_bucket")[0];
    const forBucket = (type: string) =>
      prod().one(type, (r) => r.bucket === ref("aws_s3_bucket", bucketName(), "id"))[1];
    const trailKey = () => prod().one("aws_kms_key", (k) => String(k.description).includes("CloudTrail"));

    test("multi-region, global service events, log file validation, KMS-encrypted into its bucket", () => {
      const [, t] = trail();
      expect(t).toMatchObject({
        name: "ecommerce-analytics-prod-trail",
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        enable_logging: true,
        s3_bucket_name: ref("aws_s3_bucket", bucketName(), "id"),
        kms_key_id: ref("aws_kms_key", trailKey()[0], "arn"),
      });
      expect(t.depends_on).toContain(`aws_s3_bucket_policy.${prod().one("aws_s3_bucket_policy")[0]}`);
    });

    test("the key rotates and lets only this trail encrypt", () => {
      const [, key] = trailKey();
      expect(key.enable_key_rotation).toBe(true);
      const statements = prod().policyStatements(key.policy);
      const encrypt = statements.find((s) => s.sid === "CloudTrailEncryptsLogs");
      expect(encrypt).toMatchObject({ actions: ["kms:GenerateDataKey*"] });
      expect(JSON.stringify(encrypt?.condition)).toContain(":trail/ecommerce-analytics-prod-trail");
    });

    test("bucket: versioned, all public access blocked, owner enforced, KMS default encryption, lifecycle", () => {
      expect(forBucket("aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" } });
      expect(forBucket("aws_s3_bucket_public_access_block")).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(forBucket("aws_s3_bucket_ownership_controls")).toMatchObject({
        rule: { object_ownership: "BucketOwnerEnforced" },
      });
      expect(forBucket("aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: "aws:kms",
              kms_master_key_id: ref("aws_kms_key", trailKey()[0], "arn"),
            },
          },
        ],
      });
      const [rule] = forBucket("aws_s3_bucket_lifecycle_configuration").rule as Block[];
      expect(rule).toMatchObject({ status: "Enabled", expiration: [{ days: 365 }] });
      expect((rule.transition as Block[]).map((t) => t.storage_class)).toEqual(["STANDARD_IA", "GLACIER"]);
      expect(prod().one("aws_s3_bucket")[1].force_destroy).toBe(false);
    });

    test("bucket policy: TLS only, CloudTrail ACL check and write scoped to this trail", () => {
      const statements = prod().policyStatements(forBucket("aws_s3_bucket_policy").policy);
      const sid = (name: string) => statements.find((s) => s.sid === name);
      expect(sid("DenyInsecureTransport")).toMatchObject({
        effect: "Deny",
        actions: ["s3:*"],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
      for (const name of ["CloudTrailAclCheck", "CloudTrailWrite"]) {
        const conditions = sid(name)?.condition as Block[];
        expect(conditions).toContainEqual(
          expect.objectContaining({
            test: "StringEquals",
            variable: "aws:SourceArn",
            values: [expect.stringContaining(":trail/ecommerce-analytics-prod-trail")],
          }),
        );
      }
      expect(sid("CloudTrailAclCheck")).toMatchObject({ actions: ["s3:GetBucketAcl"] });
      expect(sid("CloudTrailWrite")).toMatchObject({ actions: ["s3:PutObject"] });
    });
  });
  describe("CloudTrail into CloudWatch Logs, with alarms on security events", () => {
    const logGroup = (env: EnvironmentName = "prod") =>
      synth(env).one("aws_cloudwatch_log_group", (g) => g.name === `/aws/cloudtrail/ecommerce-analytics-${env}`);
    const logsRole = () => prod().one("aws_iam_role", (r) => r.name === "ecommerce-analytics-prod-cloudtrail-logs");

    test("a log group encrypted with the environment's logs key, retained for the environment's log retention", () => {
      expect(logGroup()[1]).toMatchObject({
        kms_key_id: LOGS_KEY,
        retention_in_days: configs.prod.logRetentionDays,
        log_group_class: "STANDARD",
      });
      expect(logGroup("dev")[1]).toMatchObject({
        kms_key_id: LOGS_KEY,
        retention_in_days: configs.dev.logRetentionDays,
      });
      expect(configs.dev.logRetentionDays).not.toBe(configs.prod.logRetentionDays);
    });

    test("a role only CloudTrail assumes, allowed only to create streams in and put events to that group", () => {
      const [roleName, role] = logsRole();
      expect(prod().policyStatements(role.assume_role_policy)).toEqual([
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }],
        },
      ]);
      const policies = prod()
        .all("aws_iam_role_policy")
        .filter(([, p]) => p.role === ref("aws_iam_role", roleName, "id"));
      expect(policies).toHaveLength(1);
      expect(prod().all("aws_iam_role_policy_attachment")).toHaveLength(0);
      expect(role.managed_policy_arns).toBeUndefined();
      expect(role.inline_policy).toBeUndefined();
      const statements = prod().policyStatements(policies[0][1].policy);
      expect(statements).toEqual([
        {
          sid: "WriteTrailLogGroupOnly",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${ref("aws_cloudwatch_log_group", logGroup()[0], "arn")}:log-stream:*`],
        },
      ]);
    });

    test("the trail delivers to the group (ARN plus `:*` stream wildcard) via the role, once it may write", () => {
      const [, trail] = prod().one("aws_cloudtrail");
      expect(trail).toMatchObject({
        cloud_watch_logs_group_arn: `${ref("aws_cloudwatch_log_group", logGroup()[0], "arn")}:*`,
        cloud_watch_logs_role_arn: ref("aws_iam_role", logsRole()[0], "arn"),
      });
      const [policyName] = prod().one(
        "aws_iam_role_policy",
        (p) => p.role === ref("aws_iam_role", logsRole()[0], "id"),
      );
      expect(trail.depends_on).toContain(`aws_iam_role_policy.${policyName}`);
    });

    test("the environment's logs key lets CloudWatch Logs use it for this log group", () => {
      const stack = new NetworkStack(Testing.app(), configs.prod);
      const tf = JSON.parse(Testing.synth(stack)) as Tf;
      const keys = Object.values(tf.resource.aws_kms_key).filter((k) =>
        String(k.description).includes("CloudWatch Logs"),
      );
      expect(keys).toHaveLength(1);
      const docName = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(String(keys[0].policy))?.[1];
      const statements = tf.data.aws_iam_policy_document[String(docName)].statement as Block[];
      const logs = statements.find((st) =>
        JSON.stringify(st.principals).includes(`logs.${configs.prod.region}.amazonaws.com`),
      );
      expect(logs?.actions).toEqual(expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]));
      const context = (logs?.condition as Block[]).find((c) => c.variable === "kms:EncryptionContext:aws:logs:arn");
      expect(context?.test).toBe("ArnLike");
      const literal = (v: string) =>
        v
          .replace(/\$\{data\.aws_caller_identity\.[^.}]+\.account_id\}/g, "111122223333")
          .replace(/\$\{data\.aws_partition\.[^.}]+\.partition\}/g, "aws");
      const glob = (pattern: string) =>
        new RegExp(`^${pattern.replace(/[.+^$()|[\]\\{}]/g, "\\$&").replace(/\*/g, ".*")}$`);
      const groupArn =
        `arn:aws:logs:${configs.prod.region}:111122223333:` + "log-group:/aws/cloudtrail/ecommerce-analytics-prod";
      expect((context?.values as string[]).some((v) => glob(literal(v)).test(groupArn))).toBe(true);
    });

    /** The CIS AWS Foundations filter patterns as AWS Security Hub's CloudWatch.1-7 controls print them. */
    const STANDARD_PATTERNS: Record<string, string> = {
      "root-user":
        '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
      "unauthorized-api-calls": '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
      "console-signin-without-mfa":
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") ' +
        '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
      "iam-policy-changes":
        "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || " +
        "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || " +
        "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || " +
        "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || " +
        "($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || " +
        "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || " +
        "($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
      "cloudtrail-changes":
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || " +
        "($.eventName=StartLogging) || ($.eventName=StopLogging)}",
      "console-auth-failures": '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
      "kms-key-disable-or-delete":
        "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    };

    test(
      "covers the CIS events: root user, IAM policies, console sign-in without MFA, " +
        "unauthorized calls, CloudTrail and KMS key changes, and more",
      () => {
        const ids = SECURITY_EVENTS.map((e) => e.id);
        expect(ids).toEqual(expect.arrayContaining(Object.keys(STANDARD_PATTERNS)));
        expect(ids).toEqual(
          expect.arrayContaining([
            "s3-bucket-policy-changes",
            "security-group-changes",
            "nacl-changes",
            "route-table-changes",
            "vpc-changes",
          ]),
        );
        for (const [id, pattern] of Object.entries(STANDARD_PATTERNS))
          expect({ id, pattern: SECURITY_EVENTS.find((e) => e.id === id)?.pattern }).toEqual({ id, pattern });
        expect(prod().all("aws_cloudwatch_log_metric_filter")).toHaveLength(SECURITY_EVENTS.length);
      },
    );

    test.each(SECURITY_EVENTS.map((e) => [e.id, e] as const))(
      "%s: one metric filter on the trail's group and one critical alarm at >= 1 in 5 minutes",
      (id, event) => {
        const [, filter] = prod().one(
          "aws_cloudwatch_log_metric_filter",
          (f) => f.name === `ecommerce-analytics-prod-${id}`,
        );
        expect(filter).toMatchObject({
          log_group_name: ref("aws_cloudwatch_log_group", logGroup()[0], "name"),
          pattern: event.pattern,
          metric_transformation: { name: event.metricName, namespace: SECURITY_METRICS_NAMESPACE, value: "1" },
        });
        expect(prod().alarm(`security-${id}`)).toMatchObject({
          namespace: SECURITY_METRICS_NAMESPACE,
          metric_name: event.metricName,
          statistic: "Sum",
          period: 300,
          evaluation_periods: 1,
          comparison_operator: "GreaterThanOrEqualToThreshold",
          threshold: 1,
          treat_missing_data: "notBreaching",
          alarm_actions: [topicArn("critical")],
          ok_actions: [topicArn("critical")],
        });
      },
    );
  });
});
