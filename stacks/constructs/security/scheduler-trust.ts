import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { Construct } from "constructs";

export interface SchedulerTrustProps {
  partition: string;
  region: string;
  accountId: string;
  /** the schedules (in the default group) that may assume the role: names or name patterns */
  schedules: string[];
}

/**
 * The trust policy of a role EventBridge Scheduler assumes: the service, from this account only,
 * for the named schedules. AWS's execution-role example names the schedule group as the source;
 * the schedules themselves are listed too. Either way only this account's default group, and only
 * a schedule created with iam:PassRole on the role, can assume it.
 */
export function schedulerTrust(scope: Construct, id: string, props: SchedulerTrustProps): DataAwsIamPolicyDocument {
  const { partition, region, accountId, schedules } = props;
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        effect: "Allow",
        principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }],
        actions: ["sts:AssumeRole"],
        condition: [
          { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
          {
            test: "ArnLike",
            variable: "aws:SourceArn",
            values: [
              `arn:${partition}:scheduler:${region}:${accountId}:schedule-group/default`,
              ...schedules.map((name) => `arn:${partition}:scheduler:${region}:${accountId}:schedule/default/${name}`),
            ],
          },
        ],
      },
    ],
  });
}
