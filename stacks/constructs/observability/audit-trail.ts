import { Cloudtrail } from "@cdktf/provider-aws/lib/cloudtrail";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { Construct } from "constructs";
import { privateBucket } from "../storage/private-bucket";
import type { AwsAccount } from "./alarm-topics";

export interface AuditTrailProps {
  prefix: string;
  account: AwsAccount;
  /** Days before log files expire (transitions to cheaper classes happen before). */
  expireAfterDays: number;
  /** Let `terraform destroy` empty the bucket (dev only: audit logs are otherwise kept). */
  forceDestroy: boolean;
  /** Days the CloudWatch Logs copy of the events is kept (the bucket keeps them for the long term). */
  logRetentionDays: number;
  /**
   * The environment's log-group key (network stack's LogsKey; its policy admits every log group of the account and
   * region).
   */
  logsKeyArn: string;
}

/**
 * CloudTrail: a multi-region trail of management events (global services included) with log
 * file validation, into a bucket of its own that is KMS-encrypted (a key with rotation that
 * CloudTrail may use for this trail only), versioned, private (all four public access block
 * flags, BucketOwnerEnforced), TLS-only, and aged out by a lifecycle rule.
 *
 * The trail also delivers to the CloudWatch Logs group `/aws/cloudtrail/<prefix>` (the
 * environment's log KMS key, the environment's log retention), where the security-event metric
 * filters run (security-alarms.ts). CloudTrail writes there with a role of its own that may only
 * create streams in, and put events to, that one group ("Role policy document for CloudTrail to
 * use CloudWatch Logs for monitoring",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
 */
export class AuditTrail extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  readonly trail: Cloudtrail;
  readonly logGroup: CloudwatchLogGroup;
  readonly logsRole: IamRole;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { prefix, account, expireAfterDays } = props;
    const { partition, accountId, region } = account;
    const trailName = `${prefix}-trail`;
    // Known before the trail exists, so the key and bucket policies can name it (no cycle).
    const trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${trailName}`;
    const root = `arn:${partition}:iam::${accountId}:root`;
    const cloudtrail = [{ type: "Service", identifiers: ["cloudtrail.amazonaws.com"] }];
    const sourceArn = { test: "StringEquals", variable: "aws:SourceArn", values: [trailArn] };
    const trailContext = {
      test: "StringLike",
      variable: "kms:EncryptionContext:aws:cloudtrail:arn",
      values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`],
    };

    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      statement: [
        {
          sid: "AccountAdministersKey",
          principals: [{ type: "AWS", identifiers: [root] }],
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "CloudTrailEncryptsLogs",
          principals: cloudtrail,
          actions: ["kms:GenerateDataKey*"],
          resources: ["*"],
          condition: [sourceArn, trailContext],
        },
        {
          sid: "CloudTrailDescribesKey",
          principals: cloudtrail,
          actions: ["kms:DescribeKey"],
          resources: ["*"],
          condition: [sourceArn],
        },
        {
          sid: "AccountDecryptsLogs",
          principals: [{ type: "AWS", identifiers: [root] }],
          actions: ["kms:Decrypt", "kms:ReEncryptFrom"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "kms:CallerAccount", values: [accountId] }, trailContext],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      description: `${prefix} CloudTrail logs`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${prefix}-cloudtrail`, targetKeyId: this.key.keyId });

    const { bucket: trailBucket, publicAccess } = privateBucket(this, {
      name: `${prefix}-cloudtrail-${accountId}`,
      forceDestroy: props.forceDestroy,
      kmsKeyArn: this.key.arn,
      lifecycle: [
        {
          id: "age-out-trail-logs",
          status: "Enabled",
          filter: [{ prefix: "AWSLogs/" }],
          transition: [
            { days: 30, storageClass: "STANDARD_IA" },
            { days: 90, storageClass: "GLACIER" },
          ],
          expiration: [{ days: expireAfterDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    this.bucket = trailBucket;
    const bucket = trailBucket.id;

    const bucketPolicy = new DataAwsIamPolicyDocument(this, "bucket-policy", {
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
          sid: "CloudTrailAclCheck",
          principals: cloudtrail,
          actions: ["s3:GetBucketAcl"],
          resources: [this.bucket.arn],
          condition: [sourceArn],
        },
        {
          sid: "CloudTrailWrite",
          principals: cloudtrail,
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/AWSLogs/${accountId}/*`],
          condition: [
            sourceArn,
            { test: "StringEquals", variable: "s3:x-amz-acl", values: ["bucket-owner-full-control"] },
          ],
        },
      ],
    });
    // After the public access block: S3 aborts concurrent configuration changes of one bucket.
    const policy = new S3BucketPolicy(this, "policy", { bucket, policy: bucketPolicy.json, dependsOn: [publicAccess] });

    // Standard class: metric filters don't run on Infrequent Access log groups.
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      name: `/aws/cloudtrail/${prefix}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKeyArn,
      logGroupClass: "STANDARD",
    });
    // No aws:SourceArn/SourceAccount condition: AWS's CloudTrail-to-CloudWatch-Logs role (the
    // console's CloudTrail_CloudWatchLogs_Role) trusts the service without one, and whether
    // CloudTrail sends those keys when it assumes the role is not documented; a condition it
    // doesn't satisfy would stop delivery silently. What the role can do is one group's writes,
    // and only a caller allowed iam:PassRole on it can name it on a trail.
    const trust = new DataAwsIamPolicyDocument(this, "logs-trust", {
      statement: [{ effect: "Allow", principals: cloudtrail, actions: ["sts:AssumeRole"] }],
    });
    this.logsRole = new IamRole(this, "logs-role", {
      name: `${prefix}-cloudtrail-logs`,
      description: `${trailName}: deliver events to ${this.logGroup.name}`,
      assumeRolePolicy: trust.json,
    });
    const write = new DataAwsIamPolicyDocument(this, "logs-write", {
      statement: [
        {
          sid: "WriteTrailLogGroupOnly",
          effect: "Allow",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          // The group's streams (`<account>_CloudTrail_<region>`, one per region of the trail).
          resources: [`${this.logGroup.arn}:log-stream:*`],
        },
      ],
    });
    const writePolicy = new IamRolePolicy(this, "logs-write-policy", {
      name: "write-trail-log-group",
      role: this.logsRole.id,
      policy: write.json,
    });

    this.trail = new Cloudtrail(this, "trail", {
      name: trailName,
      s3BucketName: bucket,
      kmsKeyId: this.key.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      // The provider's log group `arn` has no stream part; CloudTrail requires the `:*` wildcard.
      cloudWatchLogsGroupArn: `${this.logGroup.arn}:*`,
      cloudWatchLogsRoleArn: this.logsRole.arn,
      // CloudTrail checks at creation and update that it may write to the bucket and the group.
      dependsOn: [policy, writePolicy],
    });
  }
}
