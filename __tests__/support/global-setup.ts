import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kysely, MysqlDialect } from "kysely";
import { createPool } from "mysql2";
import { migrateToLatest } from "../../functions/db/migrate";
import { resolveMysql, type PrivateMysqlServer, type ResolveMysqlOptions } from "../../tools/local/mysql-server";
import { isAlive } from "../../tools/local/mysql-process";
import { createTestDatabase, dropTestDatabase } from "./test-database";

/** What one `npm test` run set up, and so what its teardown undoes. */
export interface SuiteState {
  /** The run's throwaway, migrated database. */
  databaseUrl: string;
  /** The private server this setup launched (not one it found running): the teardown stops it. */
  startedServer?: PrivateMysqlServer;
  /** The run's temp folder (TMPDIR of the workers): the teardown removes it with all it holds. */
  tempRoot: string;
}

const TEMP_PREFIX = "analytics-test-";

/**
 * The database server (MYSQL_URL, else 127.0.0.1:3306, else a private server under .local/), a
 * new database on it, migrated, and a temp folder for the run. On failure, undoes what it did.
 */
export async function startSuite(options: ResolveMysqlOptions & { tempParent?: string } = {}): Promise<SuiteState> {
  const tempParent = options.tempParent ?? os.tmpdir();
  removeAbandonedTempRoots(tempParent);
  // Only the server: the run's database is a new one of its own (createDatabase: false creates no other).
  const mysql = await resolveMysql({
    log: (line) => process.stderr.write(`${line}\n`),
    createDatabase: false,
    ...options,
  });
  const startedServer = mysql.server?.launched ? mysql.server : undefined;
  let databaseUrl: string | undefined;
  try {
    databaseUrl = await createTestDatabase(mysql.url);
    const db = new Kysely<unknown>({
      dialect: new MysqlDialect({ pool: createPool({ uri: databaseUrl, timezone: "Z" }) }),
    });
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }
  } catch (error) {
    if (databaseUrl) await dropTestDatabase(databaseUrl).catch(() => undefined);
    await startedServer?.stop().catch(() => undefined);
    throw error;
  }
  const tempRoot = mkdtempSync(path.join(tempParent, `${TEMP_PREFIX}${process.pid}-`));
  return { databaseUrl, tempRoot, ...(startedServer ? { startedServer } : {}) };
}

/**
 * Drops the run's database, stops the private server the run started (only that one), removes the run's temp folder.
 */
export async function stopSuite(state: SuiteState): Promise<void> {
  try {
    await dropTestDatabase(state.databaseUrl);
  } finally {
    try {
      await state.startedServer?.stop();
    } finally {
      rmSync(state.tempRoot, { recursive: true, force: true });
    }
  }
}

/** Temp folders of earlier runs that were killed before their teardown (their pid is gone). */
function removeAbandonedTempRoots(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const match = new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(name);
    if (match && Number(match[1]) !== process.pid && !isAlive(Number(match[1]))) {
      rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

const STATE_KEY = Symbol.for("analytics.test-suite");
type GlobalWithState = typeof globalThis & { [STATE_KEY]?: { state: SuiteState; tmpdir: string | undefined } };

/**
 * One throwaway, migrated database per `npm test` run, shared by every test file through
 * MYSQL_URL; TMPDIR points the workers at the run's temp folder, so what tests leave there (cdktf's
 * `Testing.app()` outdirs, among others) goes with the teardown. Globals set here are what
 * jest hands the global teardown.
 */
export default async function globalSetup(): Promise<void> {
  const state = await startSuite();
  (globalThis as GlobalWithState)[STATE_KEY] = { state, tmpdir: process.env.TMPDIR };
  process.env.TMPDIR = state.tempRoot;
  process.env.MYSQL_URL = state.databaseUrl;
  process.env.TEST_DATABASE_URL = state.databaseUrl;
  process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
  process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
  process.env.POWERTOOLS_TRACE_ENABLED ??= "false";
}

/** For global-teardown.ts: what setup recorded, and TMPDIR's earlier value. */
export function takeSuiteState(): { state: SuiteState; tmpdir: string | undefined } | undefined {
  const holder = globalThis as GlobalWithState;
  const recorded = holder[STATE_KEY];
  delete holder[STATE_KEY];
  return recorded;
}
