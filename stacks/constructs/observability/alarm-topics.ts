import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import type { AlarmTopicArns, Severity } from "./alarm";

export interface AwsAccount {
  accountId: string;
  partition: string;
  region: string;
}

export interface AlarmTopicsProps {
  prefix: string;
  account: AwsAccount;
  emails: Record<Severity, string[]>;
}

/**
 * The two alarm topics, `<prefix>-critical` and `<prefix>-warning`, encrypted with a
 * customer-managed key of their own that CloudWatch may use (an alarm publishing to an
 * encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on the key: with the AWS-managed
 * aws/sns key, whose policy can't be changed, alarm notifications are silently dropped). The
 * warning topic also takes AWS Budgets' forecast notifications (this account's budgets only).
 */
export class AlarmTopics extends Construct {
  readonly key: KmsKey;
  readonly topics: Record<Severity, SnsTopic>;
  readonly arns: AlarmTopicArns;
  /** The topic policies: a budget notifying a topic must wait for its policy. */
  readonly policies: Record<Severity, SnsTopicPolicy>;

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    const { prefix, account, emails } = props;
    const root = `arn:${account.partition}:iam::${account.accountId}:root`;

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        {
          sid: "AccountAdministersKey",
          principals: [{ type: "AWS", identifiers: [root] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          // No aws:SourceAccount condition here: SNS calls KMS on CloudWatch's behalf and the
          // key is only reachable through these topics, whose policy carries the conditions.
          sid: "CloudWatchAlarmsUseKey",
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
        },
        {
          // The budget's notifications go to the warning topic (budget.ts): AWS Budgets publishes
          // to an encrypted topic only with these two on the key.
          sid: "BudgetsUseKey",
          principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `${prefix} alarm topics`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${prefix}-alarms`, targetKeyId: this.key.keyId });

    const policies: Partial<Record<Severity, SnsTopicPolicy>> = {};
    const topic = (severity: Severity) => {
      const sns = new SnsTopic(this, severity, {
        name: `${prefix}-${severity}`,
        displayName: `${prefix} ${severity} alarms`,
        kmsMasterKeyId: this.key.arn,
      });
      const policy = new DataAwsIamPolicyDocument(this, `${severity}-policy`, {
        statement: [
          {
            sid: "CloudWatchAlarmsPublish",
            principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
            actions: ["sns:Publish"],
            resources: [sns.arn],
            condition: [
              { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
              {
                test: "ArnLike",
                variable: "aws:SourceArn",
                values: [
                  `arn:${account.partition}:cloudwatch:${account.region}:${account.accountId}:alarm:${prefix}-*`,
                ],
              },
            ],
          },
          ...(severity === "warning"
            ? [
                {
                  // The environment's budget notifies the warning topic (budget.ts).
                  sid: "BudgetsPublish",
                  principals: [{ type: "Service", identifiers: ["budgets.amazonaws.com"] }],
                  actions: ["sns:Publish"],
                  resources: [sns.arn],
                  condition: [
                    { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
                    {
                      test: "ArnLike",
                      variable: "aws:SourceArn",
                      values: [`arn:${account.partition}:budgets::${account.accountId}:*`],
                    },
                  ],
                },
              ]
            : []),
          {
            sid: "AccountManagesTopic",
            principals: [{ type: "AWS", identifiers: [root] }],
            actions: [
              "sns:GetTopicAttributes",
              "sns:SetTopicAttributes",
              "sns:Subscribe",
              "sns:ListSubscriptionsByTopic",
              "sns:Publish",
            ],
            resources: [sns.arn],
          },
          {
            sid: "DenyInsecureTransport",
            effect: "Deny",
            principals: [{ type: "*", identifiers: ["*"] }],
            actions: ["sns:Publish"],
            resources: [sns.arn],
            condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
          },
        ],
      });
      policies[severity] = new SnsTopicPolicy(this, `${severity}-topic-policy`, { arn: sns.arn, policy: policy.json });
      emails[severity].forEach((email, i) => {
        new SnsTopicSubscription(this, `${severity}-email-${i}`, {
          topicArn: sns.arn,
          protocol: "email",
          endpoint: email,
        });
      });
      return sns;
    };
    this.topics = { critical: topic("critical"), warning: topic("warning") };
    this.arns = { critical: this.topics.critical.arn, warning: this.topics.warning.arn };
    this.policies = policies as Record<Severity, SnsTopicPolicy>;
  }
}
