/**
 * The private bucket of the dashboard's files: all public access blocked, objects owned by the
 * bucket owner, SSE-S3 by default, versioned (old versions kept 30 days, so a bad upload can be
 * rolled back), reachable over TLS only and read only by the one CloudFront distribution, through
 * origin access control.
 */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import * as s3Encryption from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface SiteBucketProps {
  name: string;
  forceDestroy: boolean;
}

export class SiteBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccess: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: SiteBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.name, forceDestroy: props.forceDestroy });
    const bucket = this.bucket.id;
    this.publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    // SSE-S3, not a KMS key: the files are served to anyone who opens the dashboard, and a KMS key
    // would have to let CloudFront decrypt (a key policy for the service) for no secrecy gained.
    new s3Encryption.S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-replaced-files",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
  }

  /** The bucket policy: TLS only, and `s3:GetObject` for this distribution (origin access control) only. */
  allowDistribution(distributionArn: string): S3BucketPolicy {
    const document = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "CloudFrontReadsThroughOriginAccessControl",
          effect: "Allow",
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          actions: ["s3:GetObject"],
          resources: [`${this.bucket.arn}/*`],
          condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [distributionArn] }],
        },
      ],
    });
    // After the public access block: S3 aborts concurrent configuration changes of one bucket.
    return new S3BucketPolicy(this, "policy", {
      bucket: this.bucket.id,
      policy: document.json,
      dependsOn: [this.publicAccess],
    });
  }
}
