import type { StatementInfo } from "./statements";

/**
 * X-Ray subsegments around database statements, through Powertools' Tracer (or anything shaped
 * like it: the types below are the few members used, so tests can hand in a segment of their own).
 * One subsegment per statement, named `mysql.<operation>` (`mysql.select`, `mysql.begin`, ...),
 * with annotations `db_operation` and `db_table` (searchable in X-Ray) and metadata (namespace
 * `db`): operation, table, the number of parameters, rows returned or affected, the error code.
 * Never the SQL text or a parameter value, nor an error's message (mysql2's can quote values,
 * e.g. "Duplicate entry '...'"): a failed statement sets the fault flag (connection failures) or
 * the error flag (the database refused it) and records only the code.
 */
export interface TraceSubsegment {
  addAnnotation(key: string, value: string | number | boolean): void;
  addMetadata(key: string, value: unknown, namespace?: string): void;
  addErrorFlag(): void;
  addFaultFlag(): void;
  close(): void;
}

export interface TraceParent {
  addNewSubsegment(name: string): TraceSubsegment;
}

/** Powertools' Tracer fits: `isTracingEnabled()` and `getSegment()`. */
export interface SegmentSource {
  isTracingEnabled(): boolean;
  getSegment(): TraceParent | undefined;
}

export interface StatementSpan {
  end(outcome: { error?: unknown; connectionFailure?: boolean; rows?: number }): void;
}

const NO_SPAN: StatementSpan = { end: () => undefined };

export function startStatementSpan(
  source: SegmentSource | undefined,
  statement: StatementInfo,
  parameterCount: number,
): StatementSpan {
  if (!source?.isTracingEnabled()) return NO_SPAN;
  let subsegment: TraceSubsegment;
  try {
    const parent = source.getSegment();
    if (!parent) return NO_SPAN;
    subsegment = parent.addNewSubsegment(`mysql.${statement.operation.toLowerCase()}`);
    subsegment.addAnnotation("db_operation", statement.operation);
    if (statement.table) subsegment.addAnnotation("db_table", statement.table);
  } catch {
    return NO_SPAN; // tracing must never fail a statement
  }
  return {
    end({ error, connectionFailure, rows }) {
      try {
        const code = errorCode(error);
        subsegment.addMetadata(
          "statement",
          {
            operation: statement.operation,
            table: statement.table ?? null,
            parameters: parameterCount,
            rows: rows ?? null,
            errorCode: code ?? null,
          },
          "db",
        );
        if (error !== undefined) {
          if (connectionFailure) subsegment.addFaultFlag();
          else subsegment.addErrorFlag();
          if (code) subsegment.addAnnotation("db_error_code", code);
        }
        subsegment.close();
      } catch {
        // as above
      }
    },
  };
}

function errorCode(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "UNKNOWN";
}
