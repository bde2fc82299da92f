/**
 * The private bucket of the dashboard's files: all public access blocked, objects owned by the
 * bucket owner, SSE-S3 by default, versioned (old versions kept 30 days, so a bad upload can be
 * rolled back), reachable over TLS only and read only by the one CloudFront distribution, through
 * origin access control.
 */
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { Construct } from "constructs";
import { privateBucket } from "../storage/private-bucket";

export interface SiteBucketProps {
  name: string;
  forceDestroy: boolean;
}

export class SiteBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly publicAccess: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: SiteBucketProps) {
    super(scope, id);
    // SSE-S3, not a KMS key: the files are served to anyone who opens the dashboard, and a KMS key
    // would have to let CloudFront decrypt (a key policy for the service) for no secrecy gained.
    const { bucket, publicAccess } = privateBucket(this, {
      name: props.name,
      forceDestroy: props.forceDestroy,
      lifecycle: [
        {
          id: "expire-replaced-files",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    this.bucket = bucket;
    this.publicAccess = publicAccess;
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
