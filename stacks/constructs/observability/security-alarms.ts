import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { severityAlarm, type AlarmTopicArns } from "./alarm";

/**
 * Namespace of the metrics the CloudTrail log group's metric filters publish. Security events are
 * account-wide (every trail of an account sees every event), so environments that share an account
 * publish into the same metrics: each still alarms on any event, which is what it should do.
 */
export const SECURITY_METRICS_NAMESPACE = "EcommerceAnalytics/Security";

export interface SecurityEvent {
  /** Short id: the metric filter is `<prefix>-<id>`, the alarm `<prefix>-security-<id>`. */
  id: string;
  metricName: string;
  /** The AWS Security Hub control (and CIS AWS Foundations Benchmark item) the filter is for. */
  control: string;
  description: string;
  /** CloudWatch Logs filter pattern over CloudTrail's JSON events. */
  pattern: string;
}

/**
 * The CIS AWS Foundations Benchmark monitoring filters, exactly as AWS Security Hub's CloudWatch
 * controls prescribe them (Security Hub fails a control whose filter has terms added or removed):
 * "Security Hub controls for Amazon CloudWatch",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 * (source: github.com/awsdocs/aws-security-hub-user-guide, doc_source/cloudwatch-controls.md).
 * Left out: CloudWatch.9 (AWS Config changes; this project runs no AWS Config recorder) and CIS's
 * AWS Organizations changes (the environments' accounts manage no organization).
 */
export const SECURITY_EVENTS: readonly SecurityEvent[] = [
  {
    id: "root-user",
    metricName: "RootUserUsage",
    control: "CloudWatch.1 (CIS 1.4.0 4.3)",
    description: "the root user made an API call",
    pattern: '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
  },
  {
    id: "unauthorized-api-calls",
    metricName: "UnauthorizedApiCalls",
    control: "CloudWatch.2 (CIS 1.2.0 3.1)",
    description: "an API call was denied (UnauthorizedOperation / AccessDenied)",
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
  },
  {
    id: "console-signin-without-mfa",
    metricName: "ConsoleSigninWithoutMfa",
    control: "CloudWatch.3 (CIS 1.2.0 3.2)",
    description: "an IAM user signed in to the console without MFA",
    pattern:
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ' +
      '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
  },
  {
    id: "iam-policy-changes",
    metricName: "IamPolicyChanges",
    control: "CloudWatch.4 (CIS 1.4.0 4.4)",
    description: "an IAM policy was created, changed, attached or detached",
    pattern:
      "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || " +
      "($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || " +
      "($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || " +
      "($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || " +
      "($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || " +
      "($.eventName=DetachGroupPolicy)}",
  },
  {
    id: "cloudtrail-changes",
    metricName: "CloudTrailConfigurationChanges",
    control: "CloudWatch.5 (CIS 1.4.0 4.5)",
    description: "a trail was created, updated, deleted, started or stopped",
    pattern:
      "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || " +
      "($.eventName=StartLogging) || ($.eventName=StopLogging)}",
  },
  {
    id: "console-auth-failures",
    metricName: "ConsoleAuthenticationFailures",
    control: "CloudWatch.6 (CIS 1.4.0 4.6)",
    description: "a console sign-in failed authentication",
    pattern: '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
  },
  {
    id: "kms-key-disable-or-delete",
    metricName: "KmsKeyDisabledOrScheduledForDeletion",
    control: "CloudWatch.7 (CIS 1.4.0 4.7)",
    description: "a customer managed KMS key was disabled or scheduled for deletion",
    pattern: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
  },
  {
    id: "s3-bucket-policy-changes",
    metricName: "S3BucketPolicyChanges",
    control: "CloudWatch.8 (CIS 1.4.0 4.8)",
    description: "an S3 bucket's ACL, policy, CORS, lifecycle or replication changed",
    pattern:
      "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || " +
      "($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || " +
      "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || " +
      "($.eventName=DeleteBucketReplication))}",
  },
  {
    id: "security-group-changes",
    metricName: "SecurityGroupChanges",
    control: "CloudWatch.10 (CIS 1.4.0 4.10)",
    description: "a security group or one of its rules was created, changed or deleted",
    pattern:
      "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || " +
      "($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || " +
      "($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
  },
  {
    id: "nacl-changes",
    metricName: "NetworkAclChanges",
    control: "CloudWatch.11 (CIS 1.4.0 4.11)",
    description: "a network ACL, entry or association was created, changed or deleted",
    pattern:
      "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || " +
      "($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || " +
      "($.eventName=ReplaceNetworkAclAssociation)}",
  },
  {
    id: "network-gateway-changes",
    metricName: "NetworkGatewayChanges",
    control: "CloudWatch.12 (CIS 1.4.0 4.12)",
    description: "an internet or customer gateway was created, attached, detached or deleted",
    pattern:
      "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || " +
      "($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || " +
      "($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
  },
  {
    id: "route-table-changes",
    metricName: "RouteTableChanges",
    control: "CloudWatch.13 (CIS 1.4.0 4.13)",
    description: "a route or route table was created, replaced, disassociated or deleted",
    pattern:
      "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || " +
      "($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || " +
      "($.eventName=DisassociateRouteTable)}",
  },
  {
    id: "vpc-changes",
    metricName: "VpcChanges",
    control: "CloudWatch.14 (CIS 1.4.0 4.14)",
    description: "a VPC, its attributes or a peering connection changed",
    pattern:
      "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || " +
      "($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || " +
      "($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || " +
      "($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || " +
      "($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
  },
];

export interface SecurityAlarmsProps {
  prefix: string;
  /** The CloudWatch Logs group CloudTrail delivers to. */
  logGroupName: string;
  topics: AlarmTopicArns;
}

/**
 * One metric filter on the trail's log group and one critical alarm per security event: the
 * filter counts 1 per matching event into `SECURITY_METRICS_NAMESPACE`, and the alarm fires when
 * five minutes hold one or more. A period without a match has no data point, which is not
 * breaching. A deploy (the apply role changes IAM policies, security groups, routes...) sets off
 * some of these alarms by design: a change to the account's security posture is reported whoever
 * makes it.
 */
export class SecurityAlarms extends Construct {
  readonly filters: Record<string, CloudwatchLogMetricFilter> = {};
  readonly alarms: Record<string, CloudwatchMetricAlarm> = {};

  constructor(scope: Construct, id: string, props: SecurityAlarmsProps) {
    super(scope, id);
    const { prefix, logGroupName, topics } = props;
    for (const event of SECURITY_EVENTS) {
      this.filters[event.id] = new CloudwatchLogMetricFilter(this, `${event.id}-filter`, {
        name: `${prefix}-${event.id}`,
        logGroupName,
        pattern: event.pattern,
        metricTransformation: { name: event.metricName, namespace: SECURITY_METRICS_NAMESPACE, value: "1" },
      });
      this.alarms[event.id] = severityAlarm(this, `${event.id}-alarm`, topics, {
        severity: "critical",
        alarmName: `${prefix}-security-${event.id}`,
        alarmDescription: `Security event (${event.control}): ${event.description}`,
        namespace: SECURITY_METRICS_NAMESPACE,
        metricName: event.metricName,
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
        // The metric first exists when the filter does.
        dependsOn: [this.filters[event.id]],
      });
    }
  }
}
