import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { schedulerTrust } from "../security/scheduler-trust";
import { EXPORT_TABLES, TABLE_EXPORTS, type ColumnKind } from "../../../shared/export-tables";
import { HISTORY_QUERIES } from "../../../shared/history-queries";
import { historyBucketName, historyDatabaseName } from "../../../shared/physical-names";
import type { EnvironmentConfig } from "../../config";
import type { NetworkOutputs } from "../../contracts";
import { NodeFunction, type PolicyStatement } from "../compute/node-function";
import { CustomerKey } from "../security/customer-key";
import { privateBucket } from "../storage/private-bucket";

/** Where the Parquet files go in the bucket, and where Athena writes its results. */
export const RAW_PREFIX = "raw/";
export const RESULTS_PREFIX = "athena-results/";
/** The first day partition projection enumerates (nothing the platform holds is older). */
export const FIRST_DAY = "2020-01-01";

const GLUE_TYPES: Record<ColumnKind, string> = {
  string: "string",
  int: "int",
  decimal: "decimal(19,4)",
  timestamp: "timestamp",
};

export interface HistoryExportProps {
  prefix: string;
  config: EnvironmentConfig;
  network: NetworkOutputs;
  accountId: string;
  partition: string;
  region: string;
  /** The function's database settings (DB_* variables, rds-db:connect as the app user). */
  database: { environment: Record<string, string>; statements: PolicyStatement[] };
  environmentKeyArn: string;
}

/**
 * History beyond MySQL (docs/history-export.md): the export bucket (private, SSE-KMS under its own
 * key, versioned, TLS only), the exporter Lambda (writes and deletes under `raw/` only), its
 * EventBridge Scheduler schedule, a Glue database with one table per raw table (Hive partitions
 * `store_id` injected and `day` projected, so no crawler and no partition loading), and an Athena
 * workgroup that enforces its settings: results SSE-KMS under `athena-results/`, a per-query scan
 * cutoff, engine 3, CloudWatch metrics; one named query per report.
 */
export class HistoryExport extends Construct {
  readonly key: CustomerKey;
  readonly bucket: S3Bucket;
  readonly exporter: NodeFunction;
  readonly schedule: SchedulerSchedule;
  readonly database: GlueCatalogDatabase;
  readonly tables: Record<string, GlueCatalogTable>;
  readonly workgroup: AthenaWorkgroup;
  readonly namedQueries: AthenaNamedQuery[];

  constructor(scope: Construct, id: string, props: HistoryExportProps) {
    super(scope, id);
    const { prefix, config, accountId, partition, region } = props;
    const settings = config.historyExport;

    this.key = new CustomerKey(this, "key", {
      prefix,
      name: "history",
      purpose: "history export files and Athena results",
      accountId,
      partition,
    });
    const keyArn = this.key.key.arn;
    const { bucket, publicAccess } = privateBucket(this, {
      name: historyBucketName(prefix, accountId),
      forceDestroy: settings.forceDestroy,
      kmsKeyArn: keyArn,
      lifecycle: [
        {
          id: "expire-replaced-files",
          status: "Enabled",
          filter: [{ prefix: RAW_PREFIX }],
          noncurrentVersionExpiration: [{ noncurrentDays: settings.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
        {
          id: "expire-query-results",
          status: "Enabled",
          filter: [{ prefix: RESULTS_PREFIX }],
          expiration: [{ days: settings.athena.resultRetentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });
    this.bucket = bucket;
    const bucketPolicy = new DataAwsIamPolicyDocument(this, "bucket-policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "bucket-policy", {
      bucket: bucket.id,
      policy: bucketPolicy.json,
      dependsOn: [publicAccess],
    });

    // --- the exporter: reads MySQL as the app user, writes only under raw/ -----------------------
    this.exporter = new NodeFunction(this, "function", {
      name: "export",
      config,
      network: props.network,
      settings: settings.function,
      environment: { ...props.database.environment, EXPORT_BUCKET: bucket.bucket, EXPORT_PREFIX: RAW_PREFIX },
      statements: [
        ...props.database.statements,
        { actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${bucket.arn}/${RAW_PREFIX}*`] },
        {
          // SSE-KMS writes need a data key from the bucket's key, only through S3 and for this bucket.
          actions: ["kms:GenerateDataKey", "kms:Decrypt"],
          resources: [keyArn],
          conditions: [
            { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${region}.amazonaws.com`] },
            { test: "ArnLike", variable: "kms:EncryptionContext:aws:s3:arn", values: [bucket.arn] },
          ],
        },
      ],
      environmentKeyArn: props.environmentKeyArn,
    });

    // --- the schedule -----------------------------------------------------------------------------
    const trust = schedulerTrust(this, "schedule-trust", {
      partition,
      region,
      accountId,
      schedules: [`${prefix}-history-export`],
    });
    const scheduleRole = new IamRole(this, "schedule-role", {
      name: `${prefix}-history-schedule`,
      description: `${prefix}: EventBridge Scheduler invokes the history exporter`,
      assumeRolePolicy: trust.json,
    });
    const invoke = new DataAwsIamPolicyDocument(this, "schedule-permissions", {
      statement: [
        {
          sid: "InvokeTheExporter",
          effect: "Allow",
          actions: ["lambda:InvokeFunction"],
          resources: [this.exporter.fn.arn],
        },
      ],
    });
    const schedulePolicy = new IamRolePolicy(this, "schedule-policy", {
      name: "invoke-exporter",
      role: scheduleRole.name,
      policy: invoke.json,
    });
    this.schedule = new SchedulerSchedule(this, "schedule", {
      name: `${prefix}-history-export`,
      description: `${prefix}: export changed days of raw rows to S3 every ${settings.schedule.rateMinutes} minutes`,
      groupName: "default",
      scheduleExpression: `rate(${settings.schedule.rateMinutes} minutes)`,
      flexibleTimeWindow: { mode: "OFF" },
      state: settings.schedule.enabled ? "ENABLED" : "DISABLED",
      target: {
        arn: this.exporter.fn.arn,
        roleArn: scheduleRole.arn,
        input: JSON.stringify({}),
        // The next run catches up whatever a failed one left: no retries that could overlap it.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 * settings.schedule.rateMinutes },
      },
      dependsOn: [schedulePolicy],
    });

    // --- Glue catalog: one table per raw table, partitions projected ------------------------------
    this.database = new GlueCatalogDatabase(this, "glue-database", {
      name: historyDatabaseName(prefix),
      description: `${prefix}: raw rows exported from MySQL as Parquet (docs/history-export.md)`,
    });
    const root = `s3://${bucket.bucket}/${RAW_PREFIX}`;
    this.tables = Object.fromEntries(
      EXPORT_TABLES.map((name) => {
        const table = TABLE_EXPORTS[name];
        const location = `${root}table=${name}/`;
        return [
          name,
          new GlueCatalogTable(this, `glue-table-${name}`, {
            name,
            databaseName: this.database.name,
            description: `${name}: one Parquet file per store and UTC day of ${table.dayColumn}`,
            tableType: "EXTERNAL_TABLE",
            parameters: {
              classification: "parquet",
              EXTERNAL: "TRUE",
              "projection.enabled": "true",
              // Injected: every query must name its store_id, so it reads one store's files. ($$ is
              // Terraform's escape: Glue gets ${store_id} and ${day}.)
              "projection.store_id.type": "injected",
              "projection.day.type": "date",
              "projection.day.format": "yyyy-MM-dd",
              "projection.day.range": `${FIRST_DAY},NOW`,
              "projection.day.interval": "1",
              "projection.day.interval.unit": "DAYS",
              "storage.location.template": `${location}store_id=$\${store_id}/day=$\${day}`,
            },
            partitionKeys: [
              { name: "store_id", type: "string" },
              { name: "day", type: "string" },
            ],
            storageDescriptor: {
              location,
              inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
              outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
              serDeInfo: {
                serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                parameters: { "serialization.format": "1" },
              },
              columns: table.columns.map((c) => ({ name: c.name, type: GLUE_TYPES[c.kind] })),
            },
          }),
        ];
      }),
    );

    // --- Athena ---------------------------------------------------------------------------------
    this.workgroup = new AthenaWorkgroup(this, "workgroup", {
      name: `${prefix}-history`,
      description: `${prefix}: queries over the exported history (docs/history-export.md)`,
      state: "ENABLED",
      forceDestroy: settings.forceDestroy,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: settings.athena.bytesScannedCutoffPerQuery,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${bucket.bucket}/${RESULTS_PREFIX}`,
          expectedBucketOwner: accountId,
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: keyArn },
        },
      },
    });
    this.namedQueries = HISTORY_QUERIES.map(
      (query) =>
        new AthenaNamedQuery(this, `query-${query.name}`, {
          name: query.name,
          description: `${query.description}. Parameters: ${query.parameters.join(", ")}`.slice(0, 1024),
          database: this.database.name,
          workgroup: this.workgroup.name,
          query: query.sql,
        }),
    );
  }
}
