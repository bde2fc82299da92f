import * as z from "zod";

/**
 * History beyond MySQL (issue 15 item 2, docs/history-export.md): the scheduled export of each
 * store's raw rows to S3 as Parquet, the Glue catalog over it and the Athena workgroup that reads it.
 */

/** Athena's smallest per-query data limit (10 MB). */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;

export const historyExportSchema = z.strictObject({
  /** The EventBridge Scheduler schedule: on or off, and how often it runs the exporter. */
  schedule: z.strictObject({
    enabled: z.boolean(),
    /** `rate(N minutes)`: from 15 minutes (a run must end before the next) to once a day. */
    rateMinutes: z.number().int().min(15).max(1440),
  }),
  /** The exporter Lambda's size; reserved concurrency 1 where reservations apply (runs never overlap). */
  function: z.strictObject({
    memoryMb: z.number().int().min(256).max(10240),
    timeoutSeconds: z.number().int().min(60).max(900),
    reservedConcurrency: z.literal(1).optional(),
  }),
  /** Days a replaced or deleted Parquet file's old version is kept (versioned bucket): undo for a bad run. */
  noncurrentVersionDays: z.number().int().min(1).max(365),
  athena: z.strictObject({
    /** Athena cancels a query of the workgroup once it has scanned this many bytes (enforced). */
    bytesScannedCutoffPerQuery: z
      .number()
      .int()
      .min(MIN_BYTES_SCANNED_CUTOFF, `at least ${MIN_BYTES_SCANNED_CUTOFF} (Athena's minimum)`),
    /** Days query results are kept under the results prefix. */
    resultRetentionDays: z.number().int().min(1).max(365),
  }),
  /** Dev's bucket may be destroyed with its files; elsewhere a destroy must empty it first. */
  forceDestroy: z.boolean(),
  /** Cost-estimate inputs of docs/history-export.md (not enforced): Parquet stored and scanned per month. */
  expectedStoredGb: z.number().nonnegative(),
  expectedScannedGbPerMonth: z.number().nonnegative(),
});

export type HistoryExportConfig = z.output<typeof historyExportSchema>;
