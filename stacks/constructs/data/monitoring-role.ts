import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";

export interface EnhancedMonitoringRoleProps {
  prefix: string;
  accountId: string;
  partition: string;
}

/**
 * The role RDS Enhanced Monitoring assumes to publish OS metrics (AWS's managed
 * AmazonRDSEnhancedMonitoringRole policy: the RDSOSMetrics log group only). The trust policy is
 * limited to this account (`aws:SourceAccount`) against the confused-deputy problem.
 */
export class EnhancedMonitoringRole extends Construct {
  readonly role: IamRole;
  /** Depend on this, not just the role: RDS rejects a monitoring role that lacks the policy yet. */
  readonly policy: IamRolePolicyAttachment;

  constructor(scope: Construct, id: string, props: EnhancedMonitoringRoleProps) {
    super(scope, id);
    const trust = new DataAwsIamPolicyDocument(this, "trust", {
      statement: [
        {
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
          actions: ["sts:AssumeRole"],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    this.role = new IamRole(this, "role", {
      name: `${props.prefix}-rds-monitoring`,
      description: `${props.prefix}: RDS Enhanced Monitoring`,
      assumeRolePolicy: trust.json,
    });
    this.policy = new IamRolePolicyAttachment(this, "policy", {
      role: this.role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
    });
  }
}
