import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { MONEY_PRECISION, MONEY_SCALE, type ExportColumn, type TableExport } from "../../shared/export-tables";

/** Fixed, so the file's bytes depend only on its rows (no writer version or clock in the footer). */
export const CREATED_BY = "ecommerce-analytics history export";
/** DECIMAL(19,4) needs 9 bytes of two's complement (10^19 < 2^71). */
const DECIMAL_BYTES = 9;

/** `"-12.3400"` (MySQL's DECIMAL(19,4) as a string) as the unscaled integer -123400n: exact. */
export function unscaledDecimal(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!match) throw new Error(`not a decimal: ${value}`);
  const fraction = (match[3] ?? "").padEnd(MONEY_SCALE, "0");
  if (fraction.length > MONEY_SCALE) throw new Error(`more than ${MONEY_SCALE} decimals: ${value}`);
  const unscaled = BigInt(match[2] + fraction);
  return match[1] ? -unscaled : unscaled;
}

function schemaElement(column: ExportColumn): SchemaElement {
  const repetition_type = column.nullable ? "OPTIONAL" : "REQUIRED";
  const name = column.name;
  switch (column.kind) {
    case "string":
      return { name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type };
    case "int":
      return { name, type: "INT32", repetition_type };
    case "decimal":
      return {
        name,
        type: "FIXED_LEN_BYTE_ARRAY",
        type_length: DECIMAL_BYTES,
        converted_type: "DECIMAL",
        precision: MONEY_PRECISION,
        scale: MONEY_SCALE,
        logical_type: { type: "DECIMAL", precision: MONEY_PRECISION, scale: MONEY_SCALE },
        repetition_type,
      };
    case "timestamp":
      // UTC instants at millisecond precision (MySQL's DATETIME(3) holding UTC).
      return {
        name,
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        repetition_type,
      };
  }
}

function columnValue(column: ExportColumn, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new Error(`${column.name} is null`);
    return null;
  }
  switch (column.kind) {
    case "decimal":
      return unscaledDecimal(String(value));
    case "int":
      return Number(value);
    case "timestamp":
      return value instanceof Date ? value : new Date(String(value));
    case "string":
      return String(value);
  }
}

/**
 * One day's rows of a table as a Parquet file: one row group, Snappy, columns typed per
 * TABLE_EXPORTS (money as DECIMAL(19,4), times as UTC timestamps). The rows must come sorted:
 * the same rows give the same bytes.
 */
export function dayFile(table: TableExport, rows: readonly Record<string, unknown>[]): Uint8Array {
  const columnData = table.columns.map((column) => ({
    name: column.name,
    data: rows.map((row) => columnValue(column, row[column.name])),
  }));
  const schema: SchemaElement[] = [
    { name: "root", num_children: table.columns.length },
    ...table.columns.map(schemaElement),
  ];
  const buffer = parquetWriteBuffer({
    columnData,
    schema,
    codec: "SNAPPY",
    rowGroupSize: Math.max(rows.length, 1),
    createdBy: CREATED_BY,
  });
  return new Uint8Array(buffer);
}
