/**
 * What the history export writes: the five raw tables, each column with its Parquet type, the
 * column whose UTC day partitions the rows, the sort order that makes a day's bytes deterministic,
 * and how a day's change is seen (docs/history-export.md).
 */
export type ColumnKind = "string" | "int" | "decimal" | "timestamp";

export interface ExportColumn {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}

export const EXPORT_TABLES = ["orders", "order_lines", "refunds", "refund_lines", "events"] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface TableExport {
  name: ExportTable;
  /** The UTC day of this column is the partition `day=YYYY-MM-DD`. */
  dayColumn: string;
  /** Primary key without store_id: rows are written in this order. */
  orderBy: string[];
  /**
   * SQL over the day's rows that changes when any of them changes: for events (insert-only: ingest
   * skips a known id) the count, read from the time index alone; for refunds and their lines
   * (replaced whole when re-sent) the count and a checksum of every column; for orders the count,
   * the latest updated_at (a re-sent order is rewritten with updated_at = now) and a checksum of
   * prev_paid_at, which ingest sets on a customer's later orders without touching their updated_at.
   */
  fingerprint: string;
  /** A lines table is rewritten for every day its parent's fingerprint changed too. */
  parent?: ExportTable;
  /** Every column but store_id, which is the partition `store_id=N` (Hive style). */
  columns: ExportColumn[];
}

const col = (name: string, kind: ColumnKind, nullable = false): ExportColumn => ({ name, kind, nullable });

const TIME_TEXT = "'%Y-%m-%dT%H:%i:%s.%f'";
/** The day's count and the sum of a CRC-32 of each row's columns (order-independent). */
const checksum = (columns: string[]) =>
  `concat(count(*), '/', sum(crc32(concat_ws('|', ${columns
    .map((c) => (c === "created_at" ? `date_format(created_at, ${TIME_TEXT})` : c))
    .join(", ")}))))`;

/** DECIMAL(19,4) in MySQL and in Parquet: money never becomes a float. */
export const MONEY_PRECISION = 19;
export const MONEY_SCALE = 4;

export const TABLE_EXPORTS: Readonly<Record<ExportTable, TableExport>> = {
  orders: {
    name: "orders",
    dayColumn: "created_at",
    orderBy: ["id"],
    fingerprint:
      "concat(count(*), '/', date_format(max(updated_at), '%Y-%m-%dT%H:%i:%s.%f'), '/', " +
      "sum(crc32(concat(id, '|', coalesce(date_format(prev_paid_at, '%Y-%m-%dT%H:%i:%s.%f'), '-')))))",
    columns: [
      col("id", "string"),
      col("customer_id", "string", true),
      col("created_at", "timestamp"),
      col("currency", "string"),
      col("status", "string"),
      col("channel", "string", true),
      col("units", "int"),
      col("gross_sales", "decimal"),
      col("discounts", "decimal"),
      col("shipping", "decimal"),
      col("taxes", "decimal"),
      col("total", "decimal"),
      col("updated_at", "timestamp"),
      col("prev_paid_at", "timestamp", true),
    ],
  },
  order_lines: {
    name: "order_lines",
    dayColumn: "created_at",
    orderBy: ["order_id", "line_no"],
    fingerprint: "count(*)",
    parent: "orders",
    columns: [
      col("order_id", "string"),
      col("line_no", "int"),
      col("product_id", "string"),
      col("quantity", "int"),
      col("unit_price", "decimal"),
      col("gross", "decimal"),
      col("discount", "decimal"),
      col("created_at", "timestamp"),
      col("status", "string"),
    ],
  },
  refunds: {
    name: "refunds",
    dayColumn: "created_at",
    orderBy: ["id"],
    fingerprint: checksum(["id", "order_id", "created_at", "amount"]),
    columns: [col("id", "string"), col("order_id", "string"), col("created_at", "timestamp"), col("amount", "decimal")],
  },
  refund_lines: {
    name: "refund_lines",
    dayColumn: "created_at",
    orderBy: ["refund_id", "line_no"],
    fingerprint: checksum(["refund_id", "line_no", "order_id", "product_id", "quantity", "amount", "created_at"]),
    parent: "refunds",
    columns: [
      col("refund_id", "string"),
      col("line_no", "int"),
      col("order_id", "string"),
      col("product_id", "string"),
      col("quantity", "int"),
      col("amount", "decimal"),
      col("created_at", "timestamp"),
    ],
  },
  events: {
    name: "events",
    dayColumn: "occurred_at",
    orderBy: ["id"],
    fingerprint: "count(*)",
    columns: [
      col("id", "string"),
      col("type", "string"),
      col("session_id", "string"),
      col("occurred_at", "timestamp"),
      col("customer_id", "string", true),
      col("product_id", "string", true),
      col("order_id", "string", true),
    ],
  },
};

/** `table=orders/store_id=1/day=2026-11-03/part-0.parquet`: Hive-style, what Glue's partition projection reads. */
export function objectKey(prefix: string, table: ExportTable, storeId: number, day: string): string {
  return `${prefix}table=${table}/store_id=${storeId}/day=${day}/part-0.parquet`;
}
