import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import type { NetworkConfig } from "../../config";

/**
 * Seconds over which a flow log record aggregates packets: 600 (AWS's default) or 60. 600 keeps
 * the log volume (and cost) down; a candidate for the environment config if prod wants 60.
 */
export const FLOW_LOG_AGGREGATION_SECONDS = 600;

export interface VpcFlowLogsProps {
  prefix: string;
  region: string;
  vpc: Vpc;
  trafficType: NetworkConfig["flowLogTrafficType"];
  retentionDays: number;
  logsKey: KmsKey;
  account: DataAwsCallerIdentity;
  partition: DataAwsPartition;
}

/**
 * The VPC's flow log into an encrypted CloudWatch log group with retention, written by a role
 * that only VPC Flow Logs of this account may assume (confused-deputy conditions) and that can
 * only write to that one log group.
 */
export class VpcFlowLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: VpcFlowLogsProps) {
    super(scope, id);
    const { prefix, region, vpc, account, partition } = props;

    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/vpc-flow-logs/${prefix}`,
      retentionInDays: props.retentionDays,
      kmsKeyId: props.logsKey.arn,
      logGroupClass: "STANDARD",
      tags: { Name: `${prefix}-vpc-flow-logs` },
    });

    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:${partition.partition}:ec2:${region}:${account.accountId}:vpc-flow-log/*`],
            },
          ],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${prefix}-vpc-flow-logs`,
      description: "VPC Flow Logs: write the VPC's flow log to its log group",
      assumeRolePolicy: trust.json,
      tags: { Name: `${prefix}-vpc-flow-logs` },
    });

    const write = new DataAwsIamPolicyDocument(this, "write", {
      statement: [
        {
          sid: "WriteFlowLogGroupOnly",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          // The group itself and its streams (`<group arn>:log-stream:<name>`).
          resources: [this.logGroup.arn, `${this.logGroup.arn}:*`],
        },
      ],
    });
    const writePolicy = new IamRolePolicy(this, "write-policy", {
      name: "write-flow-log-group",
      role: this.role.id,
      policy: write.json,
    });

    this.flowLog = new FlowLog(this, "flow-log", {
      vpcId: vpc.id,
      trafficType: props.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: this.role.arn,
      maxAggregationInterval: FLOW_LOG_AGGREGATION_SECONDS,
      tags: { Name: `${prefix}-vpc` },
      // Deliveries start as soon as the flow log exists: let the role be able to write by then.
      dependsOn: [writePolicy],
    });
  }
}
