import { readFileSync } from "node:fs";
import { App, Testing } from "cdktf";
import { TABLE_EXPORTS, EXPORT_TABLES } from "../../shared/export-tables";
import { HISTORY_QUERIES } from "../../shared/history-queries";
import { historyDatabaseName } from "../../shared/physical-names";
import { ApiStack } from "../../stacks/api-stack";
import {
  ConfigError,
  ENVIRONMENT_NAMES,
  environmentSettings,
  loadEnvironments,
  type EnvironmentConfig,
} from "../../stacks/config";
import { BUNDLE_SIZE_LIMIT_BYTES, bundleFunction } from "../../stacks/constructs/compute/bundle";
import { RAW_PREFIX, RESULTS_PREFIX } from "../../stacks/constructs/history/history-export";
import { checkStack, formatViolations } from "../../stacks/policy";
import { athenaRule } from "../../stacks/policy/athena";
import { dataOutputs, networkOutputs } from "../support/stack-outputs";

/**
 * History beyond MySQL (issue 15 item 2, docs/history-export.md) over the synthesized api stack of
 * every environment: the export bucket, the exporter's least-privilege role, its schedule, the
 * Glue tables with partition projection, the Athena workgroup's enforced limits and the named queries.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
type Block = Record<string, any>;
interface Synth {
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
}

const configs = loadEnvironments(environmentSettings({}));
const synths = new Map<string, Synth>();
function synthApi(config: EnvironmentConfig): Synth {
  const cached = synths.get(config.name);
  if (cached) return cached;
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
  const synth = JSON.parse(Testing.synth(new ApiStack(app, config, networkOutputs, dataOutputs))) as Synth;
  synths.set(config.name, synth);
  return synth;
}
const all = (synth: Synth, type: string): [string, Block][] => Object.entries(synth.resource[type] ?? {});
const only = (synth: Synth, type: string, match: (name: string) => boolean = () => true): Block => {
  const found = all(synth, type).filter(([name]) => match(name));
  expect(found).toHaveLength(1);
  return found[0][1];
};
/** A single nested block: cdktf writes it as an object, a list of blocks as an array. */
const one = (value: any): Block => (Array.isArray(value) ? value[0] : value);
const isHistory = (name: string) => name.startsWith("history_");

describe.each(ENVIRONMENT_NAMES)("history export in %s", (env) => {
  const config = configs[env];
  const prefix = `ecommerce-analytics-${env}`;
  let synth: Synth;
  beforeAll(() => {
    synth = synthApi(config);
  });

  test("the export bucket is private, SSE-KMS under its own key, versioned, TLS only, results expire", () => {
    const bucket = only(synth, "aws_s3_bucket", isHistory);
    expect(bucket.bucket).toMatch(new RegExp(`^${prefix}-history-\\$\\{`));
    expect(bucket.force_destroy).toBe(env === "dev");
    const sse = only(synth, "aws_s3_bucket_server_side_encryption_configuration", isHistory);
    expect(one(sse.rule[0].apply_server_side_encryption_by_default).sse_algorithm).toBe("aws:kms");
    expect(one(sse.rule[0].apply_server_side_encryption_by_default).kms_master_key_id).toMatch(/aws_kms_key\.history/);
    expect(only(synth, "aws_s3_bucket_versioning", isHistory).versioning_configuration.status).toBe("Enabled");
    const lifecycle = only(synth, "aws_s3_bucket_lifecycle_configuration", isHistory);
    const results = lifecycle.rule.find((r: Block) => r.filter[0].prefix === RESULTS_PREFIX);
    expect(results.expiration[0].days).toBe(config.historyExport.athena.resultRetentionDays);
    const raw = lifecycle.rule.find((r: Block) => r.filter[0].prefix === RAW_PREFIX);
    expect(raw.noncurrent_version_expiration[0].noncurrent_days).toBe(config.historyExport.noncurrentVersionDays);
    expect(raw.expiration).toBeUndefined();
    const policyDoc = Object.entries(synth.data.aws_iam_policy_document).find(([n]) =>
      n.startsWith("history_bucket-policy-document"),
    )![1];
    expect(policyDoc.statement[0]).toMatchObject({ effect: "Deny", actions: ["s3:*"] });
  });

  test("the exporter may write and delete under raw/ only, with the bucket's key through S3 only", () => {
    const fn = only(synth, "aws_lambda_function", (n) => n.startsWith("history_function"));
    expect(fn.function_name).toBe(`${prefix}-export`);
    expect(fn.memory_size).toBe(config.historyExport.function.memoryMb);
    expect(fn.timeout).toBe(config.historyExport.function.timeoutSeconds);
    expect(fn.reserved_concurrent_executions).toBe(config.historyExport.function.reservedConcurrency);
    expect(one(fn.vpc_config).subnet_ids).toEqual(networkOutputs.privateSubnetIds);
    expect(one(fn.environment).variables).toMatchObject({
      EXPORT_PREFIX: RAW_PREFIX,
      DB_USER: dataOutputs.appUsername,
    });
    expect(fn.depends_on.some((d: string) => d.startsWith("aws_lambda_invocation.migration"))).toBe(true);
    const doc = Object.entries(synth.data.aws_iam_policy_document).find(([n]) =>
      n.startsWith("history_function_policy-document"),
    )![1];
    const s3 = doc.statement.filter((s: Block) => s.actions.some((a: string) => a.startsWith("s3:")));
    expect(s3).toHaveLength(1);
    expect(s3[0].actions.sort()).toEqual(["s3:DeleteObject", "s3:PutObject"]);
    expect(s3[0].resources).toEqual([expect.stringMatching(new RegExp(`/${RAW_PREFIX}\\*$`))]);
    const kms = doc.statement.find((s: Block) => s.actions.includes("kms:GenerateDataKey"));
    expect(kms.condition.map((c: Block) => c.variable).sort()).toEqual([
      "kms:EncryptionContext:aws:s3:arn",
      "kms:ViaService",
    ]);
    const connect = doc.statement.find((s: Block) => s.actions.includes("rds-db:connect"));
    expect(connect.resources[0]).toMatch(new RegExp(`/${dataOutputs.appUsername}$`));
  });

  test("the schedule runs the exporter at the configured rate, on or off per environment", () => {
    const schedule = only(synth, "aws_scheduler_schedule", isHistory);
    expect(schedule.name).toBe(`${prefix}-history-export`);
    expect(schedule.schedule_expression).toBe(`rate(${config.historyExport.schedule.rateMinutes} minutes)`);
    expect(schedule.state).toBe(config.historyExport.schedule.enabled ? "ENABLED" : "DISABLED");
    expect(one(schedule.target).arn).toMatch(/aws_lambda_function\.history_function/);
    const invoke = Object.entries(synth.data.aws_iam_policy_document).find(([n]) =>
      n.startsWith("history_schedule-permissions"),
    )![1];
    expect(invoke.statement).toEqual([
      expect.objectContaining({ actions: ["lambda:InvokeFunction"], resources: [one(schedule.target).arn] }),
    ]);
  });

  test("Glue has one table per raw table with Hive partitions store_id (injected) and day (projected)", () => {
    const database = only(synth, "aws_glue_catalog_database", isHistory);
    expect(database.name).toBe(historyDatabaseName(prefix));
    const tables = all(synth, "aws_glue_catalog_table").map(([, t]) => t);
    expect(tables.map((t) => t.name).sort()).toEqual([...EXPORT_TABLES].sort());
    for (const table of tables) {
      const spec = TABLE_EXPORTS[table.name as keyof typeof TABLE_EXPORTS];
      expect(table.partition_keys).toEqual([
        { name: "store_id", type: "string" },
        { name: "day", type: "string" },
      ]);
      expect(table.parameters).toMatchObject({
        "projection.enabled": "true",
        "projection.store_id.type": "injected",
        "projection.day.type": "date",
        "projection.day.format": "yyyy-MM-dd",
      });
      // $$ is Terraform's escape: Glue receives ${store_id} and ${day}
      expect(table.parameters["storage.location.template"]).toMatch(
        new RegExp(`/${RAW_PREFIX}table=${table.name}/store_id=\\$\\$\\{store_id\\}/day=\\$\\$\\{day\\}$`),
      );
      const columns = one(table.storage_descriptor).columns;
      expect(columns.map((c: Block) => c.name)).toEqual(spec.columns.map((c) => c.name));
      for (const c of spec.columns.filter((c) => c.kind === "decimal"))
        expect(columns.find((x: Block) => x.name === c.name).type).toBe("decimal(19,4)");
    }
  });

  test("the Athena workgroup enforces encrypted results and the per-query scan cutoff", () => {
    const workgroup = only(synth, "aws_athena_workgroup");
    const configuration = one(workgroup.configuration);
    expect(configuration.enforce_workgroup_configuration).toBe(true);
    expect(configuration.bytes_scanned_cutoff_per_query).toBe(config.historyExport.athena.bytesScannedCutoffPerQuery);
    expect(one(configuration.result_configuration).output_location).toMatch(new RegExp(`/${RESULTS_PREFIX}$`));
    expect(one(one(configuration.result_configuration).encryption_configuration)).toEqual({
      encryption_option: "SSE_KMS",
      kms_key_arn: expect.stringMatching(/aws_kms_key\.history/),
    });
  });

  test("one named query per report, in the history database and workgroup", () => {
    const queries = all(synth, "aws_athena_named_query").map(([, q]) => q);
    expect(queries.map((q) => q.name).sort()).toEqual(HISTORY_QUERIES.map((q) => q.name).sort());
    for (const query of queries) {
      expect(query.query).toBe(HISTORY_QUERIES.find((q) => q.name === query.name)!.sql);
      expect(query.workgroup).toMatch(/aws_athena_workgroup\.history_workgroup/);
      expect(query.database).toMatch(/aws_glue_catalog_database\.history/);
    }
  });

  test("the policy rules pass", () => {
    expect(formatViolations(checkStack(synth as never, `api-${env}`))).toBe("");
  });
});

describe("history export config", () => {
  const problemsOf = (change: (c: Record<string, any>) => void): string[] => {
    const settings = environmentSettings({}) as Record<string, any>;
    change(settings.prod);
    try {
      loadEnvironments(settings as never);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  test("the schedule is off in dev and on in staging and prod", () => {
    expect(ENVIRONMENT_NAMES.map((e) => configs[e].historyExport.schedule.enabled)).toEqual([false, true, true]);
  });

  test("refuses a cutoff under Athena's 10 MB, a schedule faster than 15 minutes and a second concurrent run", () => {
    expect(problemsOf((c) => (c.historyExport.athena.bytesScannedCutoffPerQuery = 1_000_000)).join()).toMatch(
      /bytesScannedCutoffPerQuery/,
    );
    expect(problemsOf((c) => (c.historyExport.schedule.rateMinutes = 5)).join()).toMatch(/rateMinutes/);
    expect(problemsOf((c) => (c.historyExport.function.reservedConcurrency = 2)).join()).toMatch(/reservedConcurrency/);
  });
});

describe("policy rule athena-workgroup-enforced", () => {
  const workgroup = (configuration: Block | undefined) => ({
    resource: { aws_athena_workgroup: { wg: configuration ? { configuration: [configuration] } : {} } },
  });
  const good = {
    enforce_workgroup_configuration: true,
    bytes_scanned_cutoff_per_query: 10_485_760,
    result_configuration: [{ encryption_configuration: [{ encryption_option: "SSE_KMS", kms_key_arn: "arn:k" }] }],
  };

  test("passes a workgroup that enforces KMS-encrypted results and a cutoff", () => {
    expect(athenaRule.check(workgroup(good))).toEqual([]);
  });

  test.each([
    ["no configuration", undefined, /no configuration/],
    ["not enforced", { ...good, enforce_workgroup_configuration: false }, /enforce_workgroup_configuration/],
    ["no cutoff", { ...good, bytes_scanned_cutoff_per_query: undefined }, /bytes_scanned_cutoff_per_query/],
    [
      "SSE_S3 results",
      { ...good, result_configuration: [{ encryption_configuration: [{ encryption_option: "SSE_S3" }] }] },
      /not encrypted with KMS/,
    ],
    ["unencrypted results", { ...good, result_configuration: [{}] }, /not encrypted with KMS/],
  ])("fails a workgroup with %s", (_name, configuration, message) => {
    const findings = athenaRule.check(workgroup(configuration));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ address: "aws_athena_workgroup.wg", rule: "athena-workgroup-enforced" });
    expect(findings[0].message).toMatch(message);
  });
});

describe("the exporter's bundle", () => {
  test("carries the Parquet writer, not DuckDB, imports the runtime's S3 client, under the bundle limit", () => {
    const bundle = bundleFunction("export");
    expect(bundle.bytes).toBeLessThan(BUNDLE_SIZE_LIMIT_BYTES);
    const source = readFileSync(bundle.file, "utf8");
    expect(source).toContain("ecommerce-analytics history export");
    expect(source).not.toMatch(/duckdb/i);
    expect(bundle.externals).toContain("@aws-sdk/client-s3");
  });
});
