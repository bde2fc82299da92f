import type { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";

/** The longest waiting period KMS allows before deleting a key: the most time to cancel a mistake. */
export const KEY_DELETION_WINDOW_DAYS = 30;

export interface LogsKeyProps {
  prefix: string;
  region: string;
  account: DataAwsCallerIdentity;
  partition: DataAwsPartition;
}

/**
 * The customer-managed KMS key for every CloudWatch log group of the environment (all stacks),
 * with yearly automatic rotation. Its key policy:
 * - the account root: full control, which delegates access to IAM policies (AWS's default key
 *   policy statement; in a key policy `*` as the resource means this key only). Without it the
 *   key could become unmanageable.
 * - CloudWatch Logs of this region: use of the key, only for log groups of this account and
 *   region (the `kms:EncryptionContext:aws:logs:arn` condition).
 */
export class LogsKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const { prefix, region, account, partition } = props;
    const accountId = account.accountId;

    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountRootAdministersKeyThroughIam",
          effect: "Allow",
          principals: [{ type: "AWS", identifiers: [`arn:${partition.partition}:iam::${accountId}:root`] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [`arn:${partition.partition}:logs:${region}:${accountId}:log-group:*`],
            },
          ],
        },
      ],
    });

    this.key = new KmsKey(this, "key", {
      description: `${prefix}: CloudWatch Logs encryption`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      multiRegion: false,
      policy: policy.json,
      tags: { Name: `${prefix}-logs` },
    });
    this.alias = new KmsAlias(this, "alias", { name: `alias/${prefix}-logs`, targetKeyId: this.key.keyId });
  }
}
