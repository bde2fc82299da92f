import { Kysely, MysqlDialect } from "kysely";
import { createPool } from "mysql2";
import { migrateToLatest } from "../../functions/db/migrate";
import { resolveMysql } from "../../functions/local/mysql-server";
import { createTestDatabase } from "./test-database";

/**
 * One throwaway, migrated database per `npm test` run, shared by every test file through
 * MYSQL_URL: the server at MYSQL_URL, else 127.0.0.1:3306, else a private server under .local/.
 */
export default async function globalSetup(): Promise<void> {
  const server = await resolveMysql({ log: (line) => process.stderr.write(`${line}\n`) });
  const url = await createTestDatabase(server.url);
  const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: createPool({ uri: url, timezone: "Z" }) }) });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  process.env.MYSQL_URL = url;
  process.env.TEST_DATABASE_URL = url;
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  process.env.POWERTOOLS_TRACE_ENABLED ??= "false";
}
