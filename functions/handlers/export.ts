/**
 * The history export (docs/history-export.md): run by EventBridge Scheduler, writes each store's
 * raw rows of every changed UTC day to the export bucket as Parquet (functions/export). Reads and
 * writes `export_days` through the proxy as the app user; writes only under EXPORT_PREFIX.
 */
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { sharedDatabase } from "../db/shared-database";
import { exportHistory, type ExportSummary } from "../export/run";
import { BucketSink, type S3Calls } from "../export/sink";
import { withPowertools } from "../middleware/powertools";
import { logger, metrics } from "../observability";

let s3: S3Calls | undefined;
const STOP_BEFORE_TIMEOUT_MS = 60_000;

/** The runtime's S3 client, loaded on first use (kept external by the bundle). */
async function s3Calls(): Promise<S3Calls> {
  if (!s3) {
    const { S3Client, PutObjectCommand, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
    const client = new S3Client({});
    s3 = {
      putObject: (input) => client.send(new PutObjectCommand(input)),
      deleteObject: (input) => client.send(new DeleteObjectCommand(input)),
    };
  }
  return s3;
}

export interface ExportResult {
  /** False when the run stopped before its timeout with days left: the next run carries on. */
  complete: boolean;
  stores: number;
  written: number;
  deleted: number;
  unchanged: number;
}

/** The schedule sends `{}` (every store); a manual run may name stores: `{ "storeIds": [42] }`. */
export interface ExportEvent {
  storeIds?: number[];
}

function storeIdsOf(event: unknown): number[] | undefined {
  const ids = event && typeof event === "object" ? (event as ExportEvent).storeIds : undefined;
  if (ids === undefined) return undefined;
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id > 0))
    throw new Error("storeIds must be an array of positive integers");
  return ids;
}

export const handler = withPowertools<ExportEvent | undefined, ExportResult>(async (event, context) => {
  const bucket = process.env.EXPORT_BUCKET;
  if (!bucket) throw new Error("EXPORT_BUCKET is not set");
  const prefix = process.env.EXPORT_PREFIX ?? "raw/";
  const sink = new BucketSink(await s3Calls(), bucket);
  const summary: ExportSummary = await exportHistory(sharedDatabase().db, sink, {
    prefix,
    storeIds: storeIdsOf(event),
    // No day is started in the last minute before Lambda's timeout: a file and its record are never cut off.
    deadline: Date.now() + context.getRemainingTimeInMillis() - STOP_BEFORE_TIMEOUT_MS,
  });
  metrics.addMetric("ExportFilesWritten", MetricUnit.Count, summary.written.length);
  metrics.addMetric("ExportFilesDeleted", MetricUnit.Count, summary.deleted.length);
  logger.info("history exported", {
    stores: summary.stores,
    written: summary.written.length,
    deleted: summary.deleted.length,
    complete: summary.complete,
  });
  return {
    complete: summary.complete,
    stores: summary.stores,
    written: summary.written.length,
    deleted: summary.deleted.length,
    unchanged: summary.unchanged,
  };
});
