import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import * as s3Encryption from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import type { Construct } from "constructs";

export interface PrivateBucketProps {
  name: string;
  forceDestroy: boolean;
  /** SSE-S3 by default; a KMS key's ARN for SSE-KMS with a bucket key. */
  kmsKeyArn?: string;
  lifecycle: S3BucketLifecycleConfigurationRule[];
}

/**
 * A bucket nobody outside the account reaches: every public access blocked, objects owned by the
 * bucket owner (no ACLs), versioned, encrypted by default, with its lifecycle rules. The resources
 * are made in `scope` itself under fixed ids (bucket, public-access, ...), so the buckets that
 * used them before keep their Terraform addresses. The caller adds the bucket policy, which must
 * depend on `publicAccess`.
 */
export function privateBucket(
  scope: Construct,
  props: PrivateBucketProps,
): { bucket: S3Bucket; publicAccess: S3BucketPublicAccessBlock } {
  const bucket = new S3Bucket(scope, "bucket", { bucket: props.name, forceDestroy: props.forceDestroy });
  const id = bucket.id;
  const publicAccess = new S3BucketPublicAccessBlock(scope, "public-access", {
    bucket: id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, "ownership", { bucket: id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  new S3BucketVersioningA(scope, "versioning", { bucket: id, versioningConfiguration: { status: "Enabled" } });
  new s3Encryption.S3BucketServerSideEncryptionConfigurationA(scope, "encryption", {
    bucket: id,
    rule: [
      props.kmsKeyArn
        ? {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn },
            bucketKeyEnabled: true,
          }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ],
  });
  new S3BucketLifecycleConfiguration(scope, "lifecycle", { bucket: id, rule: props.lifecycle });
  return { bucket, publicAccess };
}
