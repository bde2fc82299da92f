/**
 * Loads the bench store's raw rows from MariaDB into an in-memory DuckDB: one streamed SELECT
 * per table (mysql2, text protocol, dates as the stored UTC text), each row through DuckDB's
 * appender. Money stays decimal (DECIMAL(18,4)), times are UTC TIMESTAMPs, events keep their type as an
 * ENUM like MariaDB's. Only the store's rows are copied, without store_id.
 */
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from "@duckdb/node-api";
import { createConnection, type Connection } from "mysql2";

type Kind = "text" | "int" | "time" | "money";

interface TableSpec {
  name: DuckTable;
  /** DuckDB column name and type, and how a MariaDB value is appended */
  columns: [name: string, type: string, kind: Kind][];
  /** the MariaDB source, columns in the same order */
  from: string;
}

export type DuckTable = "products" | "orders" | "order_lines" | "refunds" | "refund_lines" | "events";

const EVENT_TYPES = ["session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"];
// MariaDB's DECIMAL(19,4) would be a 128-bit decimal in DuckDB, summed about 3x slower; 18 digits (64 bits) hold
// every amount up to 10^14, and one that does not fit fails the load instead of being rounded. Sums are DECIMAL(38,4).
const MONEY = "DECIMAL(18,4)";

const TABLES: readonly TableSpec[] = [
  {
    name: "products",
    columns: [
      ["id", "VARCHAR", "text"],
      ["name", "VARCHAR", "text"],
      ["category", "VARCHAR", "text"],
    ],
    from: "products",
  },
  {
    name: "orders",
    columns: [
      ["id", "VARCHAR", "text"],
      ["customer_id", "VARCHAR", "text"],
      ["created_at", "TIMESTAMP", "time"],
      ["status", "order_status", "text"],
      ["gross_sales", MONEY, "money"],
      ["discounts", MONEY, "money"],
      ["shipping", MONEY, "money"],
      ["taxes", MONEY, "money"],
    ],
    from: "orders",
  },
  {
    name: "order_lines",
    columns: [
      ["order_id", "VARCHAR", "text"],
      ["product_id", "VARCHAR", "text"],
      ["quantity", "INTEGER", "int"],
      ["unit_price", MONEY, "money"],
      ["discount", MONEY, "money"],
      ["created_at", "TIMESTAMP", "time"],
      ["status", "order_status", "text"],
    ],
    from: "order_lines",
  },
  {
    name: "refunds",
    columns: [
      ["id", "VARCHAR", "text"],
      ["order_id", "VARCHAR", "text"],
      ["created_at", "TIMESTAMP", "time"],
      ["amount", MONEY, "money"],
    ],
    from: "refunds",
  },
  {
    name: "refund_lines",
    columns: [
      ["order_id", "VARCHAR", "text"],
      ["product_id", "VARCHAR", "text"],
      ["amount", MONEY, "money"],
      ["created_at", "TIMESTAMP", "time"],
    ],
    from: "refund_lines",
  },
  {
    name: "events",
    columns: [
      ["session_id", "VARCHAR", "text"],
      ["type", "event_type", "text"],
      ["occurred_at", "TIMESTAMP", "time"],
    ],
    from: "events",
  },
];

export interface DuckStore {
  connection: DuckDBConnection;
  /** seconds from the first SELECT to the last appended row */
  loadSeconds: number;
  rows: Record<DuckTable, number>;
  close(): void;
}

export interface DuckLoadOptions {
  /** DuckDB's worker threads (the benchmark's machine has 2 cores) */
  threads?: number;
  log?: (line: string) => void;
}

function append(appender: DuckDBAppender, kind: Kind, value: unknown): void {
  if (value === null || value === undefined) appender.appendNull();
  else if (kind === "int") appender.appendInteger(Number(value));
  // the appender casts text to the column's DECIMAL or TIMESTAMP exactly ("2024-01-01 05:00:00.123" is UTC here)
  else appender.appendVarchar(String(value));
}

async function copyTable(mysql: Connection, duck: DuckDBConnection, spec: TableSpec, storeId: number) {
  const columns = spec.columns.map(([name]) => `\`${name}\``).join(", ");
  const select = `select ${columns} from \`${spec.from}\` where store_id = ?`;
  const appender = await duck.createAppender(spec.name);
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = mysql.query({ sql: select, values: [storeId], rowsAsArray: true }).stream();
    stream.on("data", (row: unknown[]) => {
      for (let i = 0; i < spec.columns.length; i++) append(appender, spec.columns[i][2], row[i]);
      appender.endRow();
      rows++;
    });
    stream.on("error", reject);
    stream.on("end", () => resolve());
  });
  appender.closeSync();
  return rows;
}

/** A fresh in-memory DuckDB holding store `storeId`'s raw rows read from the MariaDB database at `mysqlUrl`. */
export async function loadDuckStore(
  mysqlUrl: string,
  storeId: number,
  options: DuckLoadOptions = {},
): Promise<DuckStore> {
  const instance = await DuckDBInstance.create(":memory:", { threads: String(options.threads ?? 2) });
  const duck = await instance.connect();
  const mysql = createConnection({ uri: mysqlUrl, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  try {
    await duck.run(`create type order_status as enum ('paid', 'cancelled')`);
    await duck.run(`create type event_type as enum (${EVENT_TYPES.map((t) => `'${t}'`).join(", ")})`);
    for (const spec of TABLES) {
      await duck.run(`create table ${spec.name} (${spec.columns.map(([name, type]) => `${name} ${type}`).join(", ")})`);
    }
    const started = performance.now();
    const rows = {} as Record<DuckTable, number>;
    for (const spec of TABLES) {
      const tableStarted = performance.now();
      rows[spec.name] = await copyTable(mysql, duck, spec, storeId);
      options.log?.(
        `duckdb: ${spec.name} ${rows[spec.name].toLocaleString("en-US")} rows in ` +
          `${((performance.now() - tableStarted) / 1000).toFixed(1)} s`,
      );
    }
    const loadSeconds = Math.round((performance.now() - started) / 100) / 10;
    return {
      connection: duck,
      loadSeconds,
      rows,
      close: () => {
        duck.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    duck.closeSync();
    instance.closeSync();
    throw error;
  } finally {
    await new Promise<void>((resolve) => mysql.end(() => resolve()));
  }
}
