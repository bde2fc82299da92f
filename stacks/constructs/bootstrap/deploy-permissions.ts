import type {
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import {
  historyBucketName,
  historyDatabaseName,
  siteBucketName,
  smokeSecretName,
} from "../../../shared/physical-names";

/**
 * What the apply role (`<prefix>-github-apply`) may change: exactly what `cdktf deploy` of the
 * environment's network, data, api, web and observability stacks creates, updates and deletes.
 * Two steps of the deploy besides Terraform use it too: the smoke-key step writes the smoke-test
 * store's key to its secret (SmokeTestKeyValue, which, like the NotTheCiAccess deny, names no resource
 * type), and the dashboard upload writes the site bucket and invalidates its distribution.
 *
 * HOW IT IS DERIVED. Each rule below names the Terraform resource types it exists for; the set of
 * types is the union of `resource` types in the five synthesized stacks (list them with
 * `npm run synth` and `jq '.resource | keys' cdktf.out/stacks/<stack>/cdk.tf.json`). Writes are
 * scoped to this account and region and, where the service's ARNs carry a name, to the
 * environment's names (`<prefix>-*`: functions, roles, log groups, topics, alarms, trail, ...);
 * services whose ARNs hold only generated ids (EC2, RDS proxies, API Gateway, KMS keys) are
 * scoped to the account and region. Nothing allows `*` or `service:*` on `*` (the `iam-wildcard`
 * policy rule): the few actions AWS authorizes only on `*` (kms:CreateKey, CloudWatch Logs'
 * delivery and resource-policy calls for WAF logging) are listed one by one. Reads (every
 * Describe/Get/List of a refresh, and the data sources) come from the AWS managed
 * `ReadOnlyAccess` policy the role also carries: the plan role holds the same, so it adds no new
 * exposure, and Terraform's refresh reads far more attributes than any hand-kept list would track.
 *
 * HOW TO EXTEND IT. `__tests__/stacks/bootstrap.test.ts` synthesizes the five stacks and fails
 * for any resource type that no rule names, for a physical name outside the patterns here, for a
 * role trusted by a service not in PASS_ROLE_TO_SERVICES, and for an AWS managed policy not in
 * ATTACHABLE_AWS_MANAGED_POLICIES. When a stack gains a new type: look up its create/update/delete
 * API calls in the provider docs and the Service Authorization Reference, add them to the rule
 * of its service (or a new rule naming the type, in the group of its stack), scoped to the ARNs
 * of `<prefix>-*` names where the service allows it, then re-apply `bootstrap-<env>` as an admin.
 * An AccessDenied in a deploy names the missing action and resource the same way.
 */

export interface DeployScope {
  partition: string;
  region: string;
  accountId: string;
  /** `<project>-<env>`, the prefix of every physical name of the environment. */
  prefix: string;
  /** The second region of the database's backup copies, where `database.backupReplication` is on. */
  backupRegion?: string;
}

type Condition = DataAwsIamPolicyDocumentStatementCondition;

export interface PermissionRule {
  sid: string;
  effect?: "Allow" | "Deny";
  /** Terraform resource types of the deployed stacks whose create/update/delete need this statement. */
  resourceTypes: readonly string[];
  actions: readonly string[];
  resources: (s: DeployScope) => string[];
  conditions?: (s: DeployScope) => Condition[];
}

/**
 * One managed policy of the apply role per group (`<prefix>-github-apply-<group>`), each under IAM's 6,144-character
 * limit.
 */
export type PermissionGroup = "network" | "data" | "api" | "web" | "observability" | "shared";

/**
 * AWS managed policies the stacks attach to their roles (`aws_iam_role_policy_attachment`); nothing else may be
 * attached.
 */
export const ATTACHABLE_AWS_MANAGED_POLICIES = [
  "service-role/AmazonAPIGatewayPushToCloudWatchLogs",
  "service-role/AmazonRDSEnhancedMonitoringRole",
  // CodeDeploy's role for the functions' releases (constructs/release/function-releases.ts).
  "service-role/AWSCodeDeployRoleForLambdaLimited",
] as const;

/**
 * Services the stacks hand their roles to (`iam:PassedToService`): the principals their roles
 * trust, plus the API's own service where IAM may report that one instead (EC2's CreateFlowLogs,
 * RDS's enhanced monitoring). The apply role can start no EC2 instance, so `ec2` passes nothing.
 */
export const PASS_ROLE_TO_SERVICES = [
  "lambda.amazonaws.com",
  "apigateway.amazonaws.com",
  "rds.amazonaws.com",
  "monitoring.rds.amazonaws.com",
  "vpc-flow-logs.amazonaws.com",
  "ec2.amazonaws.com",
  "cloudtrail.amazonaws.com",
  "codedeploy.amazonaws.com",
  "scheduler.amazonaws.com",
] as const;

/** Log groups of the environment, as ARN resource globs (`<name>` and its `<name>:*` streams). */
export const logGroupNamePatterns = (prefix: string) => [
  `/aws/lambda/${prefix}-*`,
  `/aws/apigateway/${prefix}-*`,
  // Pre-created with retention and KMS before API Gateway would create it: named by the API's id.
  "API-Gateway-Execution-Logs_*",
  `aws-waf-logs-${prefix}*`,
  `/aws/rds/instance/${prefix}-*`,
  `/aws/rds/proxy/${prefix}-*`,
  `/aws/vpc-flow-logs/${prefix}*`,
  `/aws/cloudtrail/${prefix}*`,
];

const arn = (s: DeployScope, service: string, resource: string, region = s.region, account = s.accountId) =>
  `arn:${s.partition}:${service}:${region}:${account}:${resource}`;
const thisAccount = (s: DeployScope, service: string) => arn(s, service, "*");
/** The regions the environment's KMS keys live in: its own, and the backup copies' second region. */
const keyRegions = (s: DeployScope) => [s.region, ...(s.backupRegion ? [s.backupRegion] : [])];
const keysOf = (s: DeployScope, resource: string) => keyRegions(s).map((region) => arn(s, "kms", resource, region));
const iamArn = (s: DeployScope, resource: string) => `arn:${s.partition}:iam::${s.accountId}:${resource}`;
/** The smoke-test secret only: Secrets Manager ends a secret's ARN with `-` and six random characters. */
export const smokeSecretArn = (s: DeployScope) =>
  arn(s, "secretsmanager", `secret:${smokeSecretName(s.prefix)}-??????`);

export const DEPLOY_PERMISSIONS: Record<PermissionGroup, readonly PermissionRule[]> = {
  network: [
    {
      // EC2 ids are generated, so the scope is this account and region; the action families are
      // those of a VPC (no instances, volumes or images).
      sid: "VpcNetworking",
      resourceTypes: [
        "aws_vpc",
        "aws_subnet",
        "aws_internet_gateway",
        "aws_eip",
        "aws_nat_gateway",
        "aws_route_table",
        "aws_route",
        "aws_route_table_association",
        "aws_network_acl",
        "aws_default_network_acl",
        "aws_security_group",
        "aws_default_security_group",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_vpc_endpoint",
        "aws_flow_log",
      ],
      actions: [
        "ec2:*Vpc*",
        "ec2:*Subnet*",
        "ec2:*InternetGateway*",
        "ec2:AllocateAddress",
        "ec2:ReleaseAddress",
        "ec2:AssociateAddress",
        "ec2:DisassociateAddress",
        "ec2:*NatGateway*",
        "ec2:*Route*",
        "ec2:*NetworkAcl*",
        "ec2:*SecurityGroup*",
        "ec2:*FlowLogs",
        "ec2:CreateTags",
        "ec2:DeleteTags",
        // The provider removes Lambda's leftover ENIs before deleting a subnet or security group.
        "ec2:DetachNetworkInterface",
        "ec2:DeleteNetworkInterface",
      ],
      resources: (s) => [
        thisAccount(s, "ec2"),
        // AWS-owned resources the calls reference: the S3 prefix list (security group rule to the
        // gateway endpoint) and the services the endpoints connect to.
        arn(s, "ec2", "prefix-list/*", s.region, "aws"),
        arn(s, "ec2", "vpc-endpoint-service/*", s.region, "*"),
      ],
    },
    {
      // An interface endpoint with private DNS associates AWS's private hosted zone with the VPC.
      sid: "InterfaceEndpointPrivateDns",
      resourceTypes: ["aws_vpc_endpoint"],
      actions: ["route53:AssociateVPCWithHostedZone", "route53:DisassociateVPCFromHostedZone"],
      resources: (s) => [`arn:${s.partition}:route53:::hostedzone/*`, arn(s, "ec2", "vpc/*")],
    },
  ],
  data: [
    {
      // Instances, parameter and subnet groups, proxies (prx-<id>), target groups, the default
      // option group, snapshots: all RDS ARNs of this account and region.
      sid: "RdsDatabaseAndProxy",
      resourceTypes: [
        "aws_db_instance",
        "aws_db_parameter_group",
        "aws_db_subnet_group",
        "aws_db_proxy",
        "aws_db_proxy_default_target_group",
        "aws_db_proxy_target",
      ],
      actions: ["rds:*"],
      resources: (s) => [thisAccount(s, "rds")],
    },
    {
      // The app user's secret (`<prefix>/db/app_user`) and the master secret RDS creates with the
      // caller's permissions (`rds!db-<uuid>`, manage_master_user_password). No GetSecretValue or
      // PutSecretValue: Terraform never handles the values.
      sid: "DatabaseSecrets",
      resourceTypes: ["aws_secretsmanager_secret", "aws_db_instance"],
      actions: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:RestoreSecret",
        "secretsmanager:RotateSecret",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:PutResourcePolicy",
        "secretsmanager:DeleteResourcePolicy",
        "secretsmanager:ListSecretVersionIds",
      ],
      resources: (s) => [arn(s, "secretsmanager", `secret:${s.prefix}/*`), arn(s, "secretsmanager", "secret:rds!*")],
    },
    {
      // Backup replication is started in the second region against the instance of this one.
      sid: "RdsBackupReplication",
      resourceTypes: ["aws_db_instance_automated_backups_replication"],
      actions: [
        "rds:StartDBInstanceAutomatedBackupsReplication",
        "rds:StopDBInstanceAutomatedBackupsReplication",
        "rds:DeleteDBInstanceAutomatedBackup",
      ],
      resources: (s) => [thisAccount(s, "rds"), ...(s.backupRegion ? [arn(s, "rds", "*", s.backupRegion)] : [])],
    },
    {
      // The schedules stopping and starting the database (`<prefix>-db-stop`, `<prefix>-db-start`).
      sid: "DatabaseStopSchedule",
      resourceTypes: ["aws_scheduler_schedule"],
      actions: [
        "scheduler:CreateSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
        "scheduler:GetSchedule",
      ],
      resources: (s) => [arn(s, "scheduler", `schedule/default/${s.prefix}-*`)],
    },
  ],
  api: [
    {
      // The history export's bucket (docs/history-export.md), emptied on destroy in dev.
      sid: "HistoryBucket",
      resourceTypes: [
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
      ],
      actions: ["s3:*"],
      resources: (s) => [
        `arn:${s.partition}:s3:::${historyBucketName(s.prefix, s.accountId)}`,
        `arn:${s.partition}:s3:::${historyBucketName(s.prefix, s.accountId)}/*`,
      ],
    },
    {
      // Its Glue database and tables; a table's ARN names its database.
      sid: "HistoryCatalog",
      resourceTypes: ["aws_glue_catalog_database", "aws_glue_catalog_table"],
      actions: [
        "glue:CreateDatabase",
        "glue:UpdateDatabase",
        "glue:DeleteDatabase",
        "glue:CreateTable",
        "glue:UpdateTable",
        "glue:DeleteTable",
        "glue:TagResource",
        "glue:UntagResource",
      ],
      resources: (s) => [
        arn(s, "glue", "catalog"),
        arn(s, "glue", `database/${historyDatabaseName(s.prefix)}`),
        arn(s, "glue", `table/${historyDatabaseName(s.prefix)}/*`),
        arn(s, "glue", `userDefinedFunction/${historyDatabaseName(s.prefix)}/*`),
      ],
    },
    {
      // Its Athena workgroup; named queries are authorized on their workgroup.
      sid: "HistoryWorkgroup",
      resourceTypes: ["aws_athena_workgroup", "aws_athena_named_query"],
      actions: [
        "athena:CreateWorkGroup",
        "athena:UpdateWorkGroup",
        "athena:DeleteWorkGroup",
        "athena:CreateNamedQuery",
        "athena:UpdateNamedQuery",
        "athena:DeleteNamedQuery",
        "athena:TagResource",
        "athena:UntagResource",
      ],
      resources: (s) => [arn(s, "athena", `workgroup/${s.prefix}-*`)],
    },
    {
      sid: "LambdaFunctions",
      resourceTypes: [
        "aws_lambda_function",
        "aws_lambda_permission",
        "aws_lambda_invocation",
        // `function:<name>:live`: the glob covers the qualified ARNs too.
        "aws_lambda_alias",
        "aws_lambda_provisioned_concurrency_config",
      ],
      actions: ["lambda:*"],
      resources: (s) => [arn(s, "lambda", `function:${s.prefix}-*`)],
    },
    {
      // The functions' releases (constructs/release, docs/releases.md): the CodeDeploy application
      // and its deployment groups, and, after the apply, the deploy's release step (tools/release)
      // creating and watching deployments in them.
      sid: "FunctionReleases",
      resourceTypes: ["aws_codedeploy_app", "aws_codedeploy_deployment_group"],
      actions: ["codedeploy:*"],
      resources: (s) => [
        arn(s, "codedeploy", `application:${s.prefix}-*`),
        arn(s, "codedeploy", `deploymentgroup:${s.prefix}-*/*`),
      ],
    },
    {
      // A deployment group and a deployment read the (AWS predefined) deployment config they name.
      sid: "FunctionReleaseConfigs",
      resourceTypes: ["aws_codedeploy_deployment_group"],
      actions: ["codedeploy:GetDeploymentConfig"],
      resources: (s) => [arn(s, "codedeploy", "deploymentconfig:*")],
    },
    {
      // API Gateway's ARNs hold ids and no account: every REST API, usage plan, stage and the
      // account settings (CloudWatch role) of this region.
      sid: "RestApi",
      resourceTypes: [
        "aws_api_gateway_account",
        "aws_api_gateway_api_key",
        "aws_api_gateway_authorizer",
        "aws_api_gateway_deployment",
        "aws_api_gateway_gateway_response",
        "aws_api_gateway_integration",
        "aws_api_gateway_integration_response",
        "aws_api_gateway_method",
        "aws_api_gateway_method_response",
        "aws_api_gateway_method_settings",
        "aws_api_gateway_resource",
        "aws_api_gateway_rest_api",
        "aws_api_gateway_stage",
        "aws_api_gateway_usage_plan",
        "aws_api_gateway_usage_plan_key",
        "aws_wafv2_web_acl_association",
      ],
      actions: [
        "apigateway:GET",
        "apigateway:POST",
        "apigateway:PUT",
        "apigateway:PATCH",
        "apigateway:DELETE",
        "apigateway:SetWebACL",
        "apigateway:UpdateRestApiPolicy",
      ],
      resources: (s) => [`arn:${s.partition}:apigateway:${s.region}::/*`],
    },
    {
      // The people's user pool: CreateUserPool is authorized on `*` only (the id is generated).
      sid: "CognitoCreateUserPool",
      resourceTypes: ["aws_cognito_user_pool"],
      actions: ["cognito-idp:CreateUserPool"],
      resources: () => ["*"],
    },
    {
      // Pools (and their clients, MFA and threat-protection settings) of this account and region.
      sid: "CognitoUserPools",
      resourceTypes: ["aws_cognito_user_pool", "aws_cognito_user_pool_client"],
      actions: ["cognito-idp:*"],
      resources: (s) => [arn(s, "cognito-idp", "userpool/*")],
    },
    {
      sid: "WafWebAcl",
      resourceTypes: ["aws_wafv2_web_acl", "aws_wafv2_web_acl_association", "aws_wafv2_web_acl_logging_configuration"],
      actions: ["wafv2:*"],
      resources: (s) => [arn(s, "wafv2", "regional/*")],
    },
    {
      // AWS's managed rule groups the web ACL references are not this account's resources.
      sid: "WafManagedRuleGroups",
      resourceTypes: ["aws_wafv2_web_acl"],
      actions: ["wafv2:CreateWebACL", "wafv2:UpdateWebACL"],
      resources: (s) => [arn(s, "wafv2", "regional/managedruleset/*", s.region, "*")],
    },
    {
      // The smoke-test secret (constructs/api/smoke-secret.ts), a secret with no value.
      sid: "SmokeTestSecret",
      resourceTypes: ["aws_secretsmanager_secret"],
      actions: [
        "secretsmanager:CreateSecret",
        "secretsmanager:DeleteSecret",
        "secretsmanager:DescribeSecret",
        "secretsmanager:UpdateSecret",
        "secretsmanager:TagResource",
        "secretsmanager:UntagResource",
      ],
      resources: (s) => [smokeSecretArn(s)],
    },
    {
      // Not Terraform's: after the apply, the deploy's smoke-key step (`npm run store -- smoke-key`,
      // tools/local/smoke-key.ts) reads the smoke store's key and, when API Gateway no longer
      // has it, writes a new one. Its other calls are covered by the rules above and below:
      // encrypting and decrypting the value with the database key (KmsDataKeysThroughRdsAndSecretsManager,
      // through Secrets Manager only), creating, reading and attaching the API key (RestApi) and
      // invoking `<prefix>-admin` (LambdaFunctions). The bootstrap test lists them.
      sid: "SmokeTestKeyValue",
      resourceTypes: [],
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
      resources: (s) => [smokeSecretArn(s)],
    },
    {
      // WAF logging to CloudWatch Logs: a vended log delivery plus the log group resource policy
      // that lets the delivery write; CloudWatch Logs authorizes these on `*` only.
      sid: "WafLogDelivery",
      resourceTypes: ["aws_wafv2_web_acl_logging_configuration"],
      actions: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
      ],
      resources: () => ["*"],
    },
  ],
  web: [
    {
      // CloudFront's ARNs are global (no region) and hold generated ids. The deploy's invalidation
      // after uploading the dashboard (cloudfront:CreateInvalidation) is covered too.
      sid: "DashboardDistribution",
      resourceTypes: [
        "aws_cloudfront_distribution",
        "aws_cloudfront_origin_access_control",
        "aws_cloudfront_response_headers_policy",
        "aws_cloudfront_cache_policy",
      ],
      actions: ["cloudfront:*"],
      resources: (s) =>
        ["distribution", "origin-access-control", "response-headers-policy", "cache-policy"].map(
          (type) => `arn:${s.partition}:cloudfront::${s.accountId}:${type}/*`,
        ),
    },
    {
      // The dashboard's bucket, `<prefix>-dashboard-<account>`, and its files (the deploy uploads them).
      sid: "DashboardBucket",
      resourceTypes: [
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_object",
      ],
      actions: ["s3:*"],
      resources: (s) => [
        `arn:${s.partition}:s3:::${siteBucketName(s.prefix, s.accountId)}`,
        `arn:${s.partition}:s3:::${siteBucketName(s.prefix, s.accountId)}/*`,
      ],
    },
  ],
  observability: [
    {
      sid: "AlarmsAndDashboard",
      resourceTypes: ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard"],
      actions: ["cloudwatch:*"],
      resources: (s) => [
        arn(s, "cloudwatch", `alarm:${s.prefix}-*`),
        `arn:${s.partition}:cloudwatch::${s.accountId}:dashboard/${s.prefix}`,
        `arn:${s.partition}:cloudwatch::${s.accountId}:dashboard/${s.prefix}-*`,
      ],
    },
    {
      sid: "AlarmTopics",
      resourceTypes: ["aws_sns_topic", "aws_sns_topic_policy", "aws_sns_topic_subscription"],
      actions: ["sns:*"],
      resources: (s) => [arn(s, "sns", `${s.prefix}-*`)],
    },
    {
      // The environment's monthly budget (`<prefix>-monthly`); Budgets' ARNs have no region.
      sid: "CostBudget",
      resourceTypes: ["aws_budgets_budget"],
      actions: [
        "budgets:ModifyBudget",
        "budgets:ViewBudget",
        "budgets:TagResource",
        "budgets:UntagResource",
        "budgets:ListTagsForResource",
      ],
      resources: (s) => [`arn:${s.partition}:budgets::${s.accountId}:budget/${s.prefix}-*`],
    },
    {
      sid: "AuditTrail",
      resourceTypes: ["aws_cloudtrail"],
      actions: ["cloudtrail:*"],
      resources: (s) => [arn(s, "cloudtrail", `trail/${s.prefix}-*`)],
    },
    {
      // The security-event metric filters on the trail's log group (`/aws/cloudtrail/<prefix>`).
      sid: "SecurityEventMetricFilters",
      resourceTypes: ["aws_cloudwatch_log_metric_filter"],
      actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter"],
      resources: (s) => [
        arn(s, "logs", `log-group:/aws/cloudtrail/${s.prefix}`),
        arn(s, "logs", `log-group:/aws/cloudtrail/${s.prefix}:*`),
      ],
    },
    {
      // The trail's bucket, `<prefix>-cloudtrail-<account>`, and its objects (emptied on destroy in dev).
      sid: "AuditTrailBucket",
      resourceTypes: [
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
      ],
      actions: ["s3:*"],
      resources: (s) => [
        `arn:${s.partition}:s3:::${s.prefix}-cloudtrail-${s.accountId}`,
        `arn:${s.partition}:s3:::${s.prefix}-cloudtrail-${s.accountId}/*`,
      ],
    },
  ],
  shared: [
    {
      // Key ids are generated: CreateKey is authorized on `*` only, and so is the TagResource it
      // needs for the tags it creates the key with (the provider's default tags).
      sid: "KmsCreateKeys",
      resourceTypes: ["aws_kms_key"],
      actions: ["kms:CreateKey", "kms:TagResource"],
      resources: () => ["*"],
    },
    {
      // The environment's keys (logs, database, CloudTrail, alarm topics): their lifecycle and
      // policies. The key policies delegate to IAM (the account root statement), so the role must
      // be able to put the policy it creates a key with (KMS's lockout safety check).
      sid: "KmsManageKeys",
      resourceTypes: ["aws_kms_key", "aws_kms_alias"],
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        "kms:ListKeyRotations",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:DisableKeyRotation",
        "kms:UpdateKeyDescription",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:UpdateAlias",
      ],
      resources: (s) => keysOf(s, "key/*"),
    },
    {
      // Creating or moving an alias needs the permission on the alias as well as on the key.
      sid: "KmsAliases",
      resourceTypes: ["aws_kms_alias"],
      actions: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
      resources: (s) => keysOf(s, `alias/${s.prefix}-*`),
    },
    {
      // RDS (storage, Performance Insights) and Secrets Manager (the RDS-managed master secret)
      // use the database key with the caller's permissions: grants for AWS resources, and data
      // keys only through those two services.
      sid: "KmsGrantsForAwsResources",
      resourceTypes: ["aws_db_instance", "aws_secretsmanager_secret", "aws_db_instance_automated_backups_replication"],
      actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant", "kms:RetireGrant"],
      resources: (s) => keysOf(s, "key/*"),
      conditions: () => [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["true"] }],
    },
    {
      sid: "KmsDataKeysThroughRdsAndSecretsManager",
      resourceTypes: ["aws_db_instance", "aws_secretsmanager_secret", "aws_db_instance_automated_backups_replication"],
      actions: ["kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
      resources: (s) => keysOf(s, "key/*"),
      conditions: (s) => [
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: [
            ...keyRegions(s).map((region) => `rds.${region}.amazonaws.com`),
            `secretsmanager.${s.region}.amazonaws.com`,
          ],
        },
      ],
    },
    {
      // A function whose environment is encrypted with the project's key: Lambda encrypts the
      // variables and creates its grant with the caller's permissions, only through Lambda.
      sid: "KmsLambdaEnvironmentThroughLambda",
      resourceTypes: ["aws_lambda_function"],
      actions: ["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant"],
      resources: (s) => [arn(s, "kms", "key/*")],
      conditions: (s) => [
        { test: "StringEquals", variable: "kms:ViaService", values: [`lambda.${s.region}.amazonaws.com`] },
      ],
    },
    {
      sid: "LogGroups",
      resourceTypes: ["aws_cloudwatch_log_group"],
      actions: ["logs:*"],
      resources: (s) => logGroupNamePatterns(s.prefix).map((name) => arn(s, "logs", `log-group:${name}`)),
    },
    {
      // The environment's roles and their inline policies (and customer managed policies, should a
      // stack create one), all named `<prefix>-*`. The CI roles themselves are denied below.
      sid: "IamRolesOfTheEnvironment",
      resourceTypes: ["aws_iam_role", "aws_iam_role_policy", "aws_iam_policy"],
      actions: [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:GetRole",
        "iam:UpdateRole",
        "iam:UpdateRoleDescription",
        "iam:UpdateAssumeRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:ListRoleTags",
        "iam:PutRolePolicy",
        "iam:GetRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        "iam:CreatePolicy",
        "iam:DeletePolicy",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
        "iam:ListPolicyTags",
        "iam:ListEntitiesForPolicy",
      ],
      resources: (s) => [iamArn(s, `role/${s.prefix}-*`), iamArn(s, `policy/${s.prefix}-*`)],
    },
    {
      // Attaching a managed policy to a role is limited to the AWS policies the stacks use and the
      // environment's own: never AdministratorAccess or the like.
      sid: "IamAttachKnownPolicies",
      resourceTypes: ["aws_iam_role_policy_attachment"],
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: (s) => [iamArn(s, `role/${s.prefix}-*`)],
      conditions: (s) => [
        {
          test: "ArnLike",
          variable: "iam:PolicyARN",
          values: [
            ...ATTACHABLE_AWS_MANAGED_POLICIES.map((p) => `arn:${s.partition}:iam::aws:policy/${p}`),
            iamArn(s, `policy/${s.prefix}-*`),
          ],
        },
      ],
    },
    {
      sid: "IamPassRolesToTheirServices",
      resourceTypes: [
        "aws_lambda_function",
        "aws_db_instance",
        "aws_db_proxy",
        "aws_flow_log",
        "aws_api_gateway_account",
        "aws_cloudtrail",
        "aws_codedeploy_deployment_group",
        "aws_scheduler_schedule",
      ],
      actions: ["iam:PassRole"],
      resources: (s) => [iamArn(s, `role/${s.prefix}-*`)],
      conditions: () => [{ test: "StringEquals", variable: "iam:PassedToService", values: [...PASS_ROLE_TO_SERVICES] }],
    },
    {
      // AWSServiceRoleForRDS, created on the account's first DB instance or proxy.
      sid: "RdsServiceLinkedRole",
      resourceTypes: ["aws_db_instance", "aws_db_proxy"],
      actions: ["iam:CreateServiceLinkedRole"],
      resources: (s) => [iamArn(s, "role/aws-service-role/rds.amazonaws.com/*")],
      conditions: () => [{ test: "StringEquals", variable: "iam:AWSServiceName", values: ["rds.amazonaws.com"] }],
    },
    {
      // The CI roles, their policies and the OIDC provider match `<prefix>-*` but belong to
      // bootstrap-<env>, which only an admin applies: CI can never widen its own access.
      sid: "NotTheCiAccess",
      effect: "Deny",
      resourceTypes: [],
      actions: ["iam:*"],
      resources: (s) => [
        iamArn(s, `role/${s.prefix}-github-*`),
        iamArn(s, `policy/${s.prefix}-github-*`),
        iamArn(s, "oidc-provider/*"),
      ],
    },
  ],
};

export const PERMISSION_GROUPS = Object.keys(DEPLOY_PERMISSIONS) as PermissionGroup[];

/** Every resource type the apply role's policies are written for. */
export const COVERED_RESOURCE_TYPES: ReadonlySet<string> = new Set(
  Object.values(DEPLOY_PERMISSIONS).flatMap((rules) => rules.flatMap((r) => r.resourceTypes)),
);

/** The statements of one group, for an aws_iam_policy_document. */
export function deployStatements(group: PermissionGroup, scope: DeployScope): DataAwsIamPolicyDocumentStatement[] {
  return DEPLOY_PERMISSIONS[group].map((rule) => ({
    sid: rule.sid,
    effect: rule.effect ?? "Allow",
    actions: [...rule.actions],
    resources: rule.resources(scope),
    ...(rule.conditions ? { condition: rule.conditions(scope) } : {}),
  }));
}
