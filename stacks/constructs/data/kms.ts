import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";

export interface DatabaseKeyProps {
  /** `ecommerce-analytics-prod`: the alias becomes `alias/<prefix>-db`. */
  prefix: string;
  accountId: string;
  partition: string;
}

/**
 * The database's customer-managed KMS key: storage encryption, Performance Insights, the
 * RDS-managed master secret and the app user's secret. Symmetric, yearly rotation, 30-day
 * deletion window. The key policy is written out rather than left to AWS's default: the account
 * root statement hands authorization to IAM policies (the RDS and Secrets Manager services use the
 * key through grants and `kms:ViaService` on behalf of principals that IAM allows), nothing else.
 */
export class DatabaseKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: DatabaseKeyProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountAdministersKeyThroughIam",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [`arn:${props.partition}:iam::${props.accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `${props.prefix} database: storage, Performance Insights, Secrets Manager`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      multiRegion: false,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    this.alias = new KmsAlias(this, "alias", { name: `alias/${props.prefix}-db`, targetKeyId: this.key.keyId });
  }
}
