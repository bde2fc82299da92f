import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { environmentPrefix, lambdaFunctionName } from "../../../shared/physical-names";
import type { EnvironmentConfig, FunctionConfig } from "../../config";
import type { DeployedFunction, NetworkOutputs } from "../../contracts";
import { BUNDLE_HANDLER, functionCode, type FunctionBundle } from "./bundle";
import { OUTSIDE_VPC_TAG } from "./outside-vpc";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const METRICS_NAMESPACE = "EcommerceAnalytics";
export const LOG_LEVEL = "INFO";

export interface PolicyStatementCondition {
  test: string;
  variable: string;
  values: string[];
}

/** One Allow statement of the function's role. */
export interface PolicyStatement {
  actions: string[];
  resources: string[];
  conditions?: PolicyStatementCondition[];
}

export interface NodeFunctionProps {
  /** `export` is the history exporter (docs/history-export.md), sized by `settings`. */
  name: DeployedFunction | "export";
  config: EnvironmentConfig;
  network: NetworkOutputs;
  /** Extra environment variables (DB_PROXY_ENDPOINT, DB_NAME, DB_USER, APP_SECRET_ARN, ...). Never secrets. */
  environment?: Record<string, string>;
  /** Extra Allow statements, e.g. `rdsDbConnectStatement(...)`. */
  statements?: PolicyStatement[];
  /** The customer-managed KMS key the function's environment variables are encrypted with. */
  environmentKeyArn: string;
  /** Memory, timeout and reserved concurrency; default `config.functions[name]`. */
  settings?: FunctionConfig;
  /** Default `<project>-<env>-<name>`, e.g. `ecommerce-analytics-prod-ingest`. */
  physicalName?: string;
  /** Bundle entry; default `functions/handlers/<name>.ts`. */
  entry?: string;
  /**
   * Where the function runs: in the private subnets (the default, whatever reaches the database),
   * or, for a function that reaches nothing inside the VPC but a public AWS endpoint the VPC has no
   * way to (no NAT), outside it. `outsideVpc` names why; the policy rule `lambda-vpc-and-tracing`
   * accepts a function outside the VPC only with that reason tagged and no database settings.
   */
  outsideVpc?: string;
  /**
   * Publish a numbered version on every code or configuration change (`publish = true`): what a
   * `live` alias points at (constructs/release/live-alias.ts, docs/releases.md). Default false.
   */
  publish?: boolean;
}

/**
 * Variable names that would put a secret into the function's configuration (readable by anyone with
 * lambda:GetFunction).
 */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET(?!_ARN$|_ID$|_NAME$)|TOKEN|PRIVATE_KEY|CREDENTIAL|API_KEY)/i;

export function assertNoSecrets(variables: Record<string, string>): void {
  const offending = Object.keys(variables).filter((key) => SECRET_NAME.test(key));
  if (offending.length > 0) {
    throw new Error(
      `environment variables look like secrets: ${offending.join(", ")} (pass an ARN and read it at runtime)`,
    );
  }
}

/** The stack's caller identity and partition, created once per stack (for ARNs built in Terraform). */
export function accountContext(scope: Construct): { account: DataAwsCallerIdentity; partition: DataAwsPartition } {
  const stack = TerraformStack.of(scope);
  const account =
    (stack.node.tryFindChild("compute-account") as DataAwsCallerIdentity | undefined) ??
    new DataAwsCallerIdentity(stack, "compute-account");
  const partition =
    (stack.node.tryFindChild("compute-partition") as DataAwsPartition | undefined) ??
    new DataAwsPartition(stack, "compute-partition");
  return { account, partition };
}

/**
 * `rds-db:connect` for one database user through one RDS Proxy:
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<prx-id>/<user>`.
 */
export function rdsDbConnectStatement(
  scope: Construct,
  props: { region: string; proxyResourceId: string; dbUser: string },
): PolicyStatement {
  const { account, partition } = accountContext(scope);
  return {
    actions: ["rds-db:connect"],
    resources: [
      `arn:${partition.partition}:rds-db:${props.region}:${account.accountId}:` +
        `dbuser:${props.proxyResourceId}/${props.dbUser}`,
    ],
  };
}

/**
 * One Lambda function with everything it needs: its esbuild bundle as a zip asset, its log
 * group (retention, KMS), its role (VPC ENIs, its own log group, X-Ray, its environment's key,
 * plus `statements`), in the private subnets behind the Lambda security group, X-Ray active,
 * JSON logs, environment variables encrypted with the project's key.
 */
export class NodeFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly policy: IamRolePolicy;
  readonly bundle: FunctionBundle;
  readonly physicalName: string;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const { name, config, network } = props;
    const settings = props.settings ?? (name === "export" ? undefined : config.functions[name]);
    if (!settings) throw new Error(`no function settings for ${name} in ${config.name}`);
    const physicalName = props.physicalName ?? lambdaFunctionName(environmentPrefix(config.project, config.name), name);
    this.physicalName = physicalName;

    const variables: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: config.project,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_LOG_LEVEL: LOG_LEVEL,
      NODE_OPTIONS: "--enable-source-maps",
      ...props.environment,
    };
    assertNoSecrets(variables);

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/lambda/${physicalName}`,
      retentionInDays: config.logRetentionDays,
      kmsKeyId: network.logsKeyArn,
    });

    const assumeRole = new DataAwsIamPolicyDocument(this, "assume-role", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: physicalName,
      description: `Lambda ${physicalName}`,
      assumeRolePolicy: assumeRole.json,
    });

    const inVpc = props.outsideVpc === undefined;
    const statements: PolicyStatement[] = [
      ...(inVpc
        ? [
            {
              // AWSLambdaVPCAccessExecutionRole's actions: the ENI calls take no resource-level scoping.
              actions: [
                "ec2:CreateNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
              ],
              resources: ["*"],
            },
          ]
        : []),
      // Its own log group's streams only (the group itself is created here, not by Lambda).
      { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${this.logGroup.arn}:*`] },
      // X-Ray has no resource-level permissions.
      { actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
      // Its environment variables, encrypted with the project's key (decrypted at cold start).
      { actions: ["kms:Decrypt"], resources: [props.environmentKeyArn] },
      ...(props.statements ?? []),
    ];
    const document = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: statements.map((s) => ({
        effect: "Allow",
        actions: s.actions,
        resources: s.resources,
        ...(s.conditions?.length ? { condition: s.conditions } : {}),
      })),
    });
    this.policy = new IamRolePolicy(this, "policy", { name: physicalName, role: this.role.id, policy: document.json });

    const code = functionCode(this, "code", name, props.entry);
    this.bundle = code.bundle;

    this.fn = new LambdaFunction(this, "function", {
      functionName: physicalName,
      description: `${config.project} ${name} (${config.name})`,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: BUNDLE_HANDLER,
      filename: code.asset.path,
      sourceCodeHash: code.sourceCodeHash,
      ...(props.publish ? { publish: true } : {}),
      memorySize: settings.memoryMb,
      timeout: settings.timeoutSeconds,
      ...(settings.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: settings.reservedConcurrency }
        : {}),
      tracingConfig: { mode: "Active" },
      ...(props.outsideVpc === undefined
        ? { vpcConfig: { subnetIds: network.privateSubnetIds, securityGroupIds: [network.lambdaSecurityGroupId] } }
        : { tags: { [OUTSIDE_VPC_TAG]: props.outsideVpc } }),
      environment: { variables },
      kmsKeyArn: props.environmentKeyArn,
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: LOG_LEVEL,
        systemLogLevel: "INFO",
      },
      // Lambda checks the ENI permissions when it creates a VPC function; logs need their group.
      dependsOn: [this.policy, this.logGroup],
    });
  }
}
