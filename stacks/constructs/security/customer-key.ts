import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface CustomerKeyProps {
  /** `ecommerce-analytics-prod`: the alias becomes `alias/<prefix>-<name>`. */
  prefix: string;
  /** Short name in the alias: `db`, `functions`. */
  name: string;
  /** What the key encrypts, for its description. */
  purpose: string;
  accountId: string;
  partition: string;
  /** The provider of another region (a key is regional); the stack's own by default. */
  provider?: TerraformProvider;
}

/**
 * A customer-managed KMS key of the environment: symmetric, yearly rotation, 30-day deletion
 * window. The key policy is written out rather than left to AWS's default: the account root
 * statement hands authorization to IAM policies (services such as RDS, Secrets Manager and
 * Lambda use the key through grants and `kms:ViaService` on behalf of principals that IAM
 * allows), nothing else.
 */
export class CustomerKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: CustomerKeyProps) {
    super(scope, id);
    const { provider } = props;
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      provider,
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
      provider,
      description: `${props.prefix} ${props.purpose}`,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      multiRegion: false,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policy.json,
    });
    this.alias = new KmsAlias(this, "alias", {
      provider,
      name: `alias/${props.prefix}-${props.name}`,
      targetKeyId: this.key.keyId,
    });
  }
}
