import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  checkStack,
  checkSynthOutput,
  formatViolations,
  RULES,
  type RuleId,
  type TerraformJson,
} from "../../stacks/policy";

/**
 * The policy rules over synthesized Terraform JSON: each rule catches a crafted violation and
 * passes a clean configuration; then the whole app (every environment, synthesized once) passes
 * every rule. This file is the suite's guard that no stack drifts out of policy.
 */
const world = { from_port: 443, to_port: 443, protocol: "tcp" };
const key = "${aws_kms_key.logs.arn}";
const lambdaOk = {
  function_name: "fn",
  environment: { variables: { DB_NAME: "analytics" } },
  kms_key_arn: "${aws_kms_key.functions.arn}",
  vpc_config: { subnet_ids: ["subnet-1"], security_group_ids: ["sg-1"] },
  tracing_config: { mode: "Active" },
};
const policy = (statement: unknown) => JSON.stringify({ Version: "2012-10-17", Statement: statement });
/** A function outside the VPC, as the authorizer: a reason in its outside-vpc tag, no database settings. */
const lambdaOutsideVpc = {
  function_name: "authorizer",
  environment: { variables: { PEOPLE_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/pool" } },
  kms_key_arn: "${aws_kms_key.functions.arn}",
  tags: { "outside-vpc": "reads a public AWS endpoint only" },
  tracing_config: { mode: "Active" },
};
const siteOrigin = {
  origin_id: "site",
  domain_name: "${aws_s3_bucket.site.bucket_regional_domain_name}",
  origin_access_control_id: "${aws_cloudfront_origin_access_control.site.id}",
};
const siteBehavior = {
  target_origin_id: "site",
  viewer_protocol_policy: "redirect-to-https",
  response_headers_policy_id: "${aws_cloudfront_response_headers_policy.headers.id}",
};
const securityHeaders = {
  security_headers_config: {
    content_security_policy: { content_security_policy: "default-src 'self'; frame-ancestors 'none'", override: true },
    strict_transport_security: { access_control_max_age_sec: 63072000, include_subdomains: true, override: true },
    frame_options: { frame_option: "DENY", override: true },
  },
};
const distribution = (overrides: Record<string, unknown>) => ({
  aws_cloudfront_response_headers_policy: { headers: securityHeaders },
  aws_cloudfront_distribution: { site: { origin: [siteOrigin], default_cache_behavior: siteBehavior, ...overrides } },
});
const userPool = {
  password_policy: { minimum_length: 12 },
  admin_create_user_config: { allow_admin_create_user_only: true },
};
const poolClient = { prevent_user_existence_errors: "ENABLED", write_attributes: ["name"] };
/** A stage cache as the API stack builds it: off stage-wide, on for one GET keyed by both caller headers. */
const cachedReportSettings = {
  caching_enabled: true,
  cache_ttl_in_seconds: 60,
  cache_data_encrypted: true,
  require_authorization_for_cache_control: true,
  unauthorized_cache_control_header_strategy: "FAIL_WITH_403",
};
const callerKeys = ["method.request.header.x-api-key", "method.request.header.Authorization"];
const stageCache = (
  overrides: { cacheKeys?: string[]; report?: Record<string, unknown>; all?: Record<string, unknown> } = {},
  httpMethod = "GET",
) => ({
  aws_api_gateway_resource: {
    api: { parent_id: "${aws_api_gateway_rest_api.api.root_resource_id}", path_part: "api" },
    report: { parent_id: "${aws_api_gateway_resource.api.id}", path_part: "report" },
  },
  aws_api_gateway_method: { report: { resource_id: "${aws_api_gateway_resource.report.id}", http_method: httpMethod } },
  aws_api_gateway_integration: {
    report: {
      resource_id: "${aws_api_gateway_resource.report.id}",
      http_method: "${aws_api_gateway_method.report.http_method}",
      cache_key_parameters: overrides.cacheKeys ?? [...callerKeys, "method.request.querystring.from"],
    },
  },
  aws_api_gateway_stage: { stage: { stage_name: "v1", cache_cluster_enabled: true, cache_cluster_size: "0.5" } },
  aws_api_gateway_method_settings: {
    all: {
      stage_name: "${aws_api_gateway_stage.stage.stage_name}",
      method_path: "*/*",
      settings: { metrics_enabled: true, caching_enabled: false, ...overrides.all },
    },
    report: {
      stage_name: "${aws_api_gateway_stage.stage.stage_name}",
      method_path: `api/report/${httpMethod}`,
      settings: { ...cachedReportSettings, ...overrides.report },
    },
  },
});

/** A function's `live` alias, and API Gateway's permission to invoke it (docs/releases.md). */
const liveAlias = (fn: string) => ({
  name: "live",
  function_name: `\${aws_lambda_function.${fn}.function_name}`,
  function_version: `\${aws_lambda_function.${fn}.version}`,
});
const aliasPermission = (alias: string) => ({
  principal: "apigateway.amazonaws.com",
  function_name: `\${aws_lambda_alias.${alias}.function_name}`,
  qualifier: `\${aws_lambda_alias.${alias}.name}`,
});
const lambdaIntegration = (uri: string) => ({
  aws_api_gateway_integration: { orders: { type: "AWS_PROXY", integration_http_method: "POST", uri } },
});

/** A configuration every rule accepts, using each rule's resource types. */
const clean: TerraformJson = {
  resource: {
    aws_security_group: {
      lambda: { ingress: [], egress: [{ ...world, cidr_blocks: ["10.0.0.0/16"], ipv6_cidr_blocks: [] }] },
    },
    aws_security_group_rule: {
      proxy_in: {
        type: "ingress",
        from_port: 3306,
        to_port: 3306,
        protocol: "tcp",
        source_security_group_id: "${aws_security_group.lambda.id}",
      },
    },
    aws_vpc_security_group_ingress_rule: {
      db_in: { ip_protocol: "tcp", from_port: 3306, to_port: 3306, referenced_security_group_id: "sg-1" },
    },
    aws_vpc_security_group_egress_rule: {
      endpoints: { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.0.0.0/16" },
    },
    aws_default_security_group: { default: { vpc_id: "vpc-1" } },
    aws_network_acl: {
      private: {
        ingress: [
          {
            rule_no: 100,
            action: "allow",
            protocol: "tcp",
            cidr_block: "10.0.11.0/24",
            from_port: 3306,
            to_port: 3306,
          },
          { rule_no: 200, action: "allow", protocol: "tcp", cidr_block: "0.0.0.0/0", from_port: 1024, to_port: 65535 },
          { rule_no: 32766, action: "deny", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 },
        ],
        egress: [{ rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 }],
      },
    },
    aws_cloudwatch_log_group: { fn: { name: "/aws/lambda/fn", retention_in_days: 14, kms_key_id: key } },
    aws_lambda_function: { fn: lambdaOk, authorizer: lambdaOutsideVpc },
    // API Gateway invokes the functions' live aliases (docs/releases.md).
    aws_lambda_alias: { fn: liveAlias("fn"), authorizer: liveAlias("authorizer") },
    aws_lambda_permission: {
      fn: aliasPermission("fn"),
      authorizer: aliasPermission("authorizer"),
      other: { principal: "events.amazonaws.com", function_name: "fn" },
    },
    aws_api_gateway_authorizer: { keys: { authorizer_uri: "${aws_lambda_alias.authorizer.invoke_arn}" } },
    ...distribution({}),
    aws_cognito_user_pool: { people: userPool },
    aws_cognito_user_pool_client: { dashboard: poolClient },
    ...stageCache(),
    aws_iam_role_policy: {
      fn: {
        role: "r",
        policy: policy([
          { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
          { Effect: "Allow", Action: "rds-db:connect", Resource: "arn:aws:rds-db:eu-west-1:1:dbuser:prx-1/app_user" },
        ]),
      },
    },
    aws_iam_role: {
      fn: {
        assume_role_policy: policy({
          Effect: "Allow",
          Principal: { Service: "lambda.amazonaws.com" },
          Action: "sts:AssumeRole",
        }),
        inline_policy: [
          {
            name: "logs",
            policy: policy({ Effect: "Allow", Action: "logs:*", Resource: "${aws_cloudwatch_log_group.fn.arn}" }),
          },
        ],
      },
    },
    aws_iam_policy: {
      deny: { policy: policy({ Effect: "Deny", Action: "*", Resource: "*" }) },
      ref: { policy: "${data.aws_iam_policy_document.doc.json}" },
    },
    aws_kms_key: {
      logs: {
        enable_key_rotation: true,
        policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "kms:*", Resource: "*" }),
      },
    },
    aws_s3_bucket: { trail: { bucket: "trail-bucket" }, named: { bucket_prefix: "x" } },
    aws_s3_bucket_public_access_block: {
      trail: {
        bucket: "${aws_s3_bucket.trail.id}",
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
      named: {
        bucket: "${aws_s3_bucket.named.bucket}",
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
    },
    aws_s3_bucket_server_side_encryption_configuration: {
      trail: {
        bucket: "trail-bucket",
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key } }],
      },
      named: {
        bucket: "${aws_s3_bucket.named.id}",
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
      },
    },
    aws_db_instance: {
      db: { storage_encrypted: true, publicly_accessible: false },
      replica: { replicate_source_db: "db" },
    },
  },
  data: {
    aws_iam_policy_document: {
      doc: {
        statement: [
          { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] },
          { actions: ["kms:*"], resources: ["*"], principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root"] }] },
        ],
      },
    },
  },
};

/** One crafted violation per case: the rule, the address it must name, and the resources that break it. */
const VIOLATIONS: [RuleId, string, string, TerraformJson][] = [
  [
    "security-group-open-to-world",
    "ingress block 0.0.0.0/0",
    "aws_security_group.web",
    { resource: { aws_security_group: { web: { ingress: [{ ...world, cidr_blocks: ["0.0.0.0/0"] }] } } } },
  ],
  [
    "security-group-open-to-world",
    "egress block ::/0",
    "aws_security_group.web",
    {
      resource: {
        aws_security_group: {
          web: { egress: [{ from_port: 0, to_port: 0, protocol: "-1", ipv6_cidr_blocks: ["::/0"] }] },
        },
      },
    },
  ],
  [
    "security-group-open-to-world",
    "default security group rule",
    "aws_default_security_group.d",
    { resource: { aws_default_security_group: { d: { ingress: [{ ...world, cidr_blocks: ["0.0.0.0/0"] }] } } } },
  ],
  [
    "security-group-open-to-world",
    "aws_security_group_rule",
    "aws_security_group_rule.r",
    {
      resource: {
        aws_security_group_rule: { r: { type: "egress", ...world, cidr_blocks: ["10.0.0.0/16", "0.0.0.0/0"] } },
      },
    },
  ],
  [
    "security-group-open-to-world",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_ingress_rule.r",
    {
      resource: {
        aws_vpc_security_group_ingress_rule: {
          r: { ip_protocol: "tcp", from_port: 22, to_port: 22, cidr_ipv4: "0.0.0.0/0" },
        },
      },
    },
  ],
  [
    "security-group-open-to-world",
    "aws_vpc_security_group_egress_rule ::/0",
    "aws_vpc_security_group_egress_rule.r",
    { resource: { aws_vpc_security_group_egress_rule: { r: { ip_protocol: "-1", cidr_ipv6: "::/0" } } } },
  ],
  [
    "nacl-open-to-world",
    "allow all traffic from 0.0.0.0/0",
    "aws_network_acl.n",
    {
      resource: {
        aws_network_acl: {
          n: {
            ingress: [
              { rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 },
            ],
          },
        },
      },
    },
  ],
  [
    "nacl-open-to-world",
    "all TCP ports from ::/0",
    "aws_network_acl.n",
    {
      resource: {
        aws_network_acl: {
          n: {
            ingress: [
              { rule_no: 100, action: "allow", protocol: "tcp", ipv6_cidr_block: "::/0", from_port: 0, to_port: 65535 },
            ],
          },
        },
      },
    },
  ],
  [
    "nacl-open-to-world",
    "aws_network_acl_rule",
    "aws_network_acl_rule.r",
    {
      resource: {
        aws_network_acl_rule: {
          r: {
            network_acl_id: "acl-1",
            rule_number: 100,
            egress: false,
            rule_action: "allow",
            protocol: "-1",
            cidr_block: "0.0.0.0/0",
          },
        },
      },
    },
  ],
  [
    "log-group-retention-and-kms",
    "no retention",
    "aws_cloudwatch_log_group.g",
    { resource: { aws_cloudwatch_log_group: { g: { kms_key_id: key } } } },
  ],
  [
    "log-group-retention-and-kms",
    "retention 0 (forever)",
    "aws_cloudwatch_log_group.g",
    { resource: { aws_cloudwatch_log_group: { g: { retention_in_days: 0, kms_key_id: key } } } },
  ],
  [
    "log-group-retention-and-kms",
    "no KMS key",
    "aws_cloudwatch_log_group.g",
    { resource: { aws_cloudwatch_log_group: { g: { retention_in_days: 30 } } } },
  ],
  [
    "lambda-vpc-and-tracing",
    "no vpc_config",
    "aws_lambda_function.f",
    { resource: { aws_lambda_function: { f: { ...lambdaOk, vpc_config: undefined } } } },
  ],
  [
    "lambda-vpc-and-tracing",
    "vpc_config without security groups",
    "aws_lambda_function.f",
    {
      resource: {
        aws_lambda_function: { f: { ...lambdaOk, vpc_config: { subnet_ids: ["s"], security_group_ids: [] } } },
      },
    },
  ],
  [
    "lambda-vpc-and-tracing",
    "tracing PassThrough",
    "aws_lambda_function.f",
    { resource: { aws_lambda_function: { f: { ...lambdaOk, tracing_config: { mode: "PassThrough" } } } } },
  ],
  [
    "lambda-vpc-and-tracing",
    "no tracing_config",
    "aws_lambda_function.f",
    { resource: { aws_lambda_function: { f: { ...lambdaOk, tracing_config: undefined } } } },
  ],
  [
    "lambda-vpc-and-tracing",
    "environment without a customer-managed key",
    "aws_lambda_function.f",
    { resource: { aws_lambda_function: { f: { ...lambdaOk, kms_key_arn: undefined } } } },
  ],
  [
    "iam-wildcard",
    "policy document * on *",
    "data.aws_iam_policy_document.d",
    {
      data: { aws_iam_policy_document: { d: { statement: [{ effect: "Allow", actions: ["*"], resources: ["*"] }] } } },
    },
  ],
  [
    "iam-wildcard",
    "policy document service:* on *",
    "data.aws_iam_policy_document.d",
    {
      data: {
        aws_iam_policy_document: { d: { statement: [{ actions: ["s3:GetObject", "dynamodb:*"], resources: ["*"] }] } },
      },
    },
  ],
  [
    "iam-wildcard",
    "policy document NotAction on *",
    "data.aws_iam_policy_document.d",
    { data: { aws_iam_policy_document: { d: { statement: [{ not_actions: ["iam:*"], resources: ["*"] }] } } } },
  ],
  [
    "iam-wildcard",
    "role policy JSON with a token elsewhere",
    "aws_iam_role_policy.p",
    {
      resource: {
        aws_iam_role_policy: {
          p: { role: "${aws_iam_role.r.id}", policy: policy({ Effect: "Allow", Action: "*", Resource: "*" }) },
        },
      },
    },
  ],
  [
    "iam-wildcard",
    "inline policy logs:* on *",
    "aws_iam_role.r",
    {
      resource: {
        aws_iam_role: {
          r: {
            inline_policy: [{ name: "x", policy: policy([{ Effect: "Allow", Action: ["logs:*"], Resource: ["*"] }]) }],
          },
        },
      },
    },
  ],
  [
    "iam-wildcard",
    "managed policy NotResource",
    "aws_iam_policy.p",
    {
      resource: {
        aws_iam_policy: {
          p: { policy: policy({ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::secret/*" }) },
        },
      },
    },
  ],
  [
    "iam-wildcard",
    "AdministratorAccess attached",
    "aws_iam_role_policy_attachment.a",
    {
      resource: {
        aws_iam_role_policy_attachment: { a: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
      },
    },
  ],
  [
    "s3-bucket-hardening",
    "no public access block",
    "aws_s3_bucket.b",
    {
      resource: {
        aws_s3_bucket: { b: { bucket: "b" } },
        aws_s3_bucket_server_side_encryption_configuration: {
          b: { bucket: "b", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
        },
      },
    },
  ],
  [
    "s3-bucket-hardening",
    "a public access block flag off",
    "aws_s3_bucket.b",
    {
      resource: {
        aws_s3_bucket: { b: { bucket: "b" } },
        aws_s3_bucket_public_access_block: {
          b: {
            bucket: "${aws_s3_bucket.b.id}",
            block_public_acls: true,
            block_public_policy: false,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
        aws_s3_bucket_server_side_encryption_configuration: {
          b: {
            bucket: "${aws_s3_bucket.b.id}",
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
          },
        },
      },
    },
  ],
  [
    "s3-bucket-hardening",
    "no encryption (the other bucket's does not count)",
    "aws_s3_bucket.b",
    {
      resource: {
        aws_s3_bucket: { b: { bucket: "b" }, other: { bucket: "other" } },
        aws_s3_bucket_public_access_block: {
          b: {
            bucket: "${aws_s3_bucket.b.id}",
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
          other: {
            bucket: "${aws_s3_bucket.other.id}",
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
          },
        },
        aws_s3_bucket_server_side_encryption_configuration: {
          other: {
            bucket: "${aws_s3_bucket.other.id}",
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
          },
        },
      },
    },
  ],
  [
    "rds-encrypted-and-private",
    "storage not encrypted",
    "aws_db_instance.db",
    { resource: { aws_db_instance: { db: { publicly_accessible: false } } } },
  ],
  [
    "rds-encrypted-and-private",
    "publicly accessible",
    "aws_db_instance.db",
    { resource: { aws_db_instance: { db: { storage_encrypted: true, publicly_accessible: true } } } },
  ],
  [
    "rds-encrypted-and-private",
    "Aurora cluster not encrypted",
    "aws_rds_cluster.c",
    {
      resource: {
        aws_kms_key: { k: { enable_key_rotation: true } },
        aws_rds_cluster_parameter_group: { p: { parameter: [{ name: "require_secure_transport", value: "1" }] } },
        aws_rds_cluster: {
          c: {
            engine: "aurora-mysql",
            // otherwise as aurora-cluster-hardening asks
            kms_key_id: "${aws_kms_key.k.arn}",
            iam_database_authentication_enabled: true,
            manage_master_user_password: true,
            backup_retention_period: 1,
            db_cluster_parameter_group_name: "${aws_rds_cluster_parameter_group.p.name}",
          },
        },
      },
    },
  ],
  [
    // docs/read-replicas.md: encrypted, but under the AWS-managed key, with passwords, and TLS optional.
    "aurora-cluster-hardening",
    "Aurora cluster without a customer key, IAM auth or a TLS-only parameter group",
    "aws_rds_cluster.c",
    {
      resource: {
        aws_rds_cluster_parameter_group: { p: { parameter: [{ name: "require_secure_transport", value: "0" }] } },
        aws_rds_cluster: {
          c: {
            engine: "aurora-mysql",
            storage_encrypted: true,
            kms_key_id: "arn:aws:kms:eu-west-1:111122223333:alias/aws/rds",
            master_password: "in-state",
            backup_retention_period: 1,
            db_cluster_parameter_group_name: "${aws_rds_cluster_parameter_group.p.name}",
          },
        },
      },
    },
  ],
  [
    "rds-backup-replica-encrypted-in-its-region",
    "replicated backups without a key of their own",
    "aws_db_instance_automated_backups_replication.copy",
    {
      provider: { aws: [{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1" }] },
      resource: {
        aws_db_instance_automated_backups_replication: {
          copy: { provider: "aws.dr", source_db_instance_arn: "arn:aws:rds:eu-west-1:111122223333:db:x" },
        },
      },
    },
  ],
  [
    "rds-backup-replica-encrypted-in-its-region",
    "replicated backups under a key of the source region",
    "aws_db_instance_automated_backups_replication.copy",
    {
      provider: { aws: [{ region: "eu-west-1" }, { alias: "dr", region: "eu-central-1" }] },
      resource: {
        aws_kms_key: { primary: { enable_key_rotation: true } },
        aws_db_instance_automated_backups_replication: {
          copy: {
            provider: "aws.dr",
            source_db_instance_arn: "arn:aws:rds:eu-west-1:111122223333:db:x",
            kms_key_id: "${aws_kms_key.primary.arn}",
          },
        },
      },
    },
  ],
  [
    "lambda-vpc-and-tracing",
    "outside the VPC without saying why",
    "aws_lambda_function.f",
    { resource: { aws_lambda_function: { f: { ...lambdaOutsideVpc, tags: {} } } } },
  ],
  [
    "lambda-vpc-and-tracing",
    "outside the VPC but configured for the database",
    "aws_lambda_function.f",
    {
      resource: {
        aws_lambda_function: {
          f: { ...lambdaOutsideVpc, environment: { variables: { DB_PROXY_ENDPOINT: "proxy.example" } } },
        },
      },
    },
  ],
  [
    "cloudfront-private-origin-and-headers",
    "an S3 origin without origin access control",
    "aws_cloudfront_distribution.site",
    { resource: distribution({ origin: [{ ...siteOrigin, origin_access_control_id: undefined }] }) },
  ],
  [
    "cloudfront-private-origin-and-headers",
    "the legacy origin access identity",
    "aws_cloudfront_distribution.site",
    {
      resource: distribution({
        origin: [{ ...siteOrigin, s3_origin_config: { origin_access_identity: "origin-access-identity/x" } }],
      }),
    },
  ],
  [
    "cloudfront-private-origin-and-headers",
    "plain HTTP allowed",
    "aws_cloudfront_distribution.site",
    { resource: distribution({ default_cache_behavior: { ...siteBehavior, viewer_protocol_policy: "allow-all" } }) },
  ],
  [
    "cloudfront-private-origin-and-headers",
    "no response headers policy",
    "aws_cloudfront_distribution.site",
    { resource: distribution({ default_cache_behavior: { ...siteBehavior, response_headers_policy_id: undefined } }) },
  ],
  [
    "cloudfront-private-origin-and-headers",
    "HSTS shorter than a year, CSP without frame-ancestors",
    "aws_cloudfront_distribution.site",
    {
      resource: {
        ...distribution({}),
        aws_cloudfront_response_headers_policy: {
          headers: {
            security_headers_config: {
              ...securityHeaders.security_headers_config,
              content_security_policy: { content_security_policy: "default-src 'self'", override: true },
              strict_transport_security: { access_control_max_age_sec: 3600, override: true },
            },
          },
        },
      },
    },
  ],
  [
    "api-gateway-invokes-live-alias",
    "an integration invoking the function itself ($LATEST)",
    "aws_api_gateway_integration.orders",
    { resource: lambdaIntegration("${aws_lambda_function.fn.invoke_arn}") },
  ],
  [
    "api-gateway-invokes-live-alias",
    "an integration invoking a literal unqualified function",
    "aws_api_gateway_integration.orders",
    {
      resource: lambdaIntegration(
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" +
          "arn:aws:lambda:eu-west-1:111122223333:function:fn/invocations",
      ),
    },
  ],
  [
    "api-gateway-invokes-live-alias",
    "an integration invoking $LATEST by name",
    "aws_api_gateway_integration.orders",
    {
      resource: lambdaIntegration(
        "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/" +
          "arn:aws:lambda:eu-west-1:111122223333:function:fn:$LATEST/invocations",
      ),
    },
  ],
  [
    "api-gateway-invokes-live-alias",
    "an authorizer invoking the function itself",
    "aws_api_gateway_authorizer.keys",
    { resource: { aws_api_gateway_authorizer: { keys: { authorizer_uri: "${aws_lambda_function.fn.invoke_arn}" } } } },
  ],
  [
    "api-gateway-invokes-live-alias",
    "API Gateway allowed to invoke the unqualified function",
    "aws_lambda_permission.api",
    {
      resource: {
        aws_lambda_permission: { api: { principal: "apigateway.amazonaws.com", function_name: "fn" } },
      },
    },
  ],
  [
    "api-gateway-invokes-live-alias",
    "an alias at $LATEST",
    "aws_lambda_alias.fn",
    { resource: { aws_lambda_alias: { fn: { ...liveAlias("fn"), function_version: "$LATEST" } } } },
  ],
  [
    "cognito-pool-hardening",
    "passwords shorter than 12",
    "aws_cognito_user_pool.people",
    { resource: { aws_cognito_user_pool: { people: { ...userPool, password_policy: { minimum_length: 8 } } } } },
  ],
  [
    "cognito-pool-hardening",
    "self sign-up",
    "aws_cognito_user_pool.people",
    { resource: { aws_cognito_user_pool: { people: { ...userPool, admin_create_user_config: {} } } } },
  ],
  [
    "cognito-pool-hardening",
    "an app client telling who has an account",
    "aws_cognito_user_pool_client.dashboard",
    {
      resource: {
        aws_cognito_user_pool_client: { dashboard: { ...poolClient, prevent_user_existence_errors: "LEGACY" } },
      },
    },
  ],
  [
    "cognito-pool-hardening",
    "an app client that may write the store",
    "aws_cognito_user_pool_client.dashboard",
    {
      resource: {
        aws_cognito_user_pool_client: { dashboard: { ...poolClient, write_attributes: ["name", "custom:store_id"] } },
      },
    },
  ],
  [
    "cognito-pool-hardening",
    "an app client with no write_attributes (all writable)",
    "aws_cognito_user_pool_client.dashboard",
    { resource: { aws_cognito_user_pool_client: { dashboard: { prevent_user_existence_errors: "ENABLED" } } } },
  ],
  [
    "api-cache-keyed-by-caller",
    "a cache key without the person's token (Authorization)",
    "aws_api_gateway_method_settings.report",
    { resource: stageCache({ cacheKeys: ["method.request.header.x-api-key", "method.request.querystring.from"] }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "a cache key without the API key",
    "aws_api_gateway_method_settings.report",
    { resource: stageCache({ cacheKeys: ["method.request.header.Authorization"] }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "a cached method without any cache key",
    "aws_api_gateway_method_settings.report",
    { resource: stageCache({ cacheKeys: [] }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "caching on stage-wide (*/*)",
    "aws_api_gateway_method_settings.all",
    { resource: stageCache({ all: { caching_enabled: true } }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "a cache cluster without caching turned off stage-wide",
    "aws_api_gateway_stage.stage",
    { resource: stageCache({ all: { caching_enabled: undefined } }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "cache data not encrypted",
    "aws_api_gateway_method_settings.report",
    { resource: stageCache({ report: { cache_data_encrypted: false } }) },
  ],
  [
    "api-cache-keyed-by-caller",
    "anyone may invalidate (flush) a cached answer",
    "aws_api_gateway_method_settings.report",
    {
      resource: stageCache({
        report: { unauthorized_cache_control_header_strategy: "SUCCEED_WITHOUT_RESPONSE_HEADER" },
      }),
    },
  ],
  [
    "api-cache-keyed-by-caller",
    "a cached POST",
    "aws_api_gateway_method_settings.report",
    { resource: stageCache({}, "POST") },
  ],
  [
    "athena-workgroup-enforced",
    "a workgroup whose clients may override its settings (unencrypted results, no cutoff)",
    "aws_athena_workgroup.history",
    {
      resource: {
        aws_athena_workgroup: {
          history: {
            configuration: {
              enforce_workgroup_configuration: false,
              result_configuration: { output_location: "s3://results/" },
            },
          },
        },
      },
    },
  ],
];

describe("policy rules", () => {
  test("a clean configuration passes every rule", () => {
    expect(checkStack(clean, "clean")).toEqual([]);
    expect(checkStack(JSON.stringify(clean), "clean")).toEqual([]);
  });

  test("every rule has crafted violations", () => {
    expect(new Set(VIOLATIONS.map(([rule]) => rule))).toEqual(new Set(RULES.map((r) => r.id)));
  });

  test.each(VIOLATIONS)("%s catches: %s", (rule, _case, address, tf) => {
    const violations = checkStack(tf, "crafted");
    expect(violations.length).toBeGreaterThan(0);
    expect(violations).toContainEqual(expect.objectContaining({ stack: "crafted", rule, address }));
    // Only the rule under test fires: each crafted case is otherwise compliant.
    expect(violations.filter((v) => v.rule !== rule)).toEqual([]);
  });

  test("violations name the direction, ports and CIDR", () => {
    const [violation] = checkStack(VIOLATIONS[0][3], "network-dev");
    expect(formatViolations([violation])).toBe(
      "network-dev  aws_security_group.web  [security-group-open-to-world]  ingress tcp 443 open to 0.0.0.0/0",
    );
  });
});

describe("policy over a synth output directory", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "policy-crafted-"));
    const write = (name: string, tf: TerraformJson) => {
      mkdirSync(join(outdir, "stacks", name), { recursive: true });
      writeFileSync(join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify(tf));
    };
    write("good-dev", clean);
    write("bad-dev", VIOLATIONS[4][3]);
    const stacks = Object.fromEntries(
      ["good-dev", "bad-dev"].map((name) => [
        name,
        { name, synthesizedStackPath: `stacks/${name}/cdk.tf.json`, workingDirectory: `stacks/${name}` },
      ]),
    );
    writeFileSync(join(outdir, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test("checkSynthOutput reads every stack of the manifest", () => {
    expect(checkSynthOutput(outdir)).toEqual([
      {
        stack: "bad-dev",
        address: "aws_vpc_security_group_ingress_rule.r",
        rule: "security-group-open-to-world",
        message: "ingress tcp 22 open to 0.0.0.0/0",
      },
    ]);
  });

  test("the CLI (what `npm run synth` runs after cdktf synth) prints the violations and exits 1", () => {
    const cli = spawnSync(
      process.execPath,
      ["--import", "tsx", join(__dirname, "../../stacks/policy/check.ts"), outdir],
      { encoding: "utf8" },
    );
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain("bad-dev  aws_vpc_security_group_ingress_rule.r  [security-group-open-to-world]");
    expect(cli.stderr).not.toContain("good-dev");
  });

  test("npm run synth runs the policy check after synthesis", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.synth).toBe("CHECKPOINT_DISABLE=1 cdktf synth && tsx stacks/policy/check.ts cdktf.out");
  });
});
