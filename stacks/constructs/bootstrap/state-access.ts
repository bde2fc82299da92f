import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export interface StateAccessProps {
  partition: string;
  /** The state bucket (`state.bucket`). */
  bucket: string;
  /** Region of the state bucket (`state.region`): S3 is the only caller allowed to use its KMS key. */
  bucketRegion: string;
  /** `state.keyPrefix`: every stack of an environment keeps its state under `<keyPrefix>/<env>/`. */
  keyPrefix: string;
  environment: string;
  /** Key of the bootstrap stack's own state, which CI must never overwrite. */
  bootstrapStateKey: string;
  /** The state's KMS key (`ci.stateKmsKeyArn`), if it is encrypted with one. */
  kmsKeyArn?: string;
}

/**
 * Terraform's S3 backend with native locking (`use_lockfile`, Terraform >= 1.10) per stack of the
 * environment: `ListBucket` on the bucket, `GetObject` of `<keyPrefix>/<env>/<stack>.tfstate` (and of
 * the environment's other stacks for `terraform_remote_state`), and a lock object
 * `<keyPrefix>/<env>/<stack>.tfstate.tflock` that every plan and apply creates and deletes.
 */
const paths = (p: StateAccessProps) => {
  const bucketArn = `arn:${p.partition}:s3:::${p.bucket}`;
  const environment = `${bucketArn}/${p.keyPrefix}/${p.environment}`;
  return {
    bucketArn,
    objects: `${environment}/*`,
    lockFiles: `${environment}/*.tflock`,
    bootstrapState: `${bucketArn}/${p.bootstrapStateKey}`,
  };
};

const stateKey = (p: StateAccessProps): DataAwsIamPolicyDocumentStatement[] =>
  p.kmsKeyArn
    ? [
        {
          sid: "StateKmsKeyThroughS3",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey"],
          resources: [p.kmsKeyArn],
          condition: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${p.bucketRegion}.amazonaws.com`] },
          ],
        },
      ]
    : [];

/**
 * The plan role's state access: read this environment's states; write nothing but lock files. A
 * plan takes the state lock (S3-native locking writes `<stack>.tfstate.tflock` and deletes it
 * afterwards), so PutObject and DeleteObject are allowed on `*.tflock` under the environment only:
 * a pull request can never change a state file.
 */
export function planStateStatements(p: StateAccessProps): DataAwsIamPolicyDocumentStatement[] {
  const { bucketArn, objects, lockFiles } = paths(p);
  return [
    { sid: "StateBucketList", effect: "Allow", actions: ["s3:ListBucket"], resources: [bucketArn] },
    { sid: "StateRead", effect: "Allow", actions: ["s3:GetObject"], resources: [objects] },
    {
      sid: "StateLockFilesOnly",
      effect: "Allow",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: [lockFiles],
    },
    ...stateKey(p),
  ];
}

/**
 * The apply role's state access: read and write the states and locks of this environment's
 * stacks, except the bootstrap stack's state, which only an admin changes (the apply role could
 * otherwise rewrite the record of its own permissions).
 */
export function applyStateStatements(p: StateAccessProps): DataAwsIamPolicyDocumentStatement[] {
  const { bucketArn, objects, bootstrapState } = paths(p);
  return [
    { sid: "StateBucketList", effect: "Allow", actions: ["s3:ListBucket"], resources: [bucketArn] },
    {
      sid: "StateReadWrite",
      effect: "Allow",
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [objects],
    },
    {
      sid: "NotTheBootstrapState",
      effect: "Deny",
      actions: ["s3:PutObject", "s3:DeleteObject"],
      resources: [`${bootstrapState}`, `${bootstrapState}.tflock`],
    },
    ...stateKey(p),
  ];
}
