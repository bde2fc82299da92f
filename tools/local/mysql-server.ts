/**
 * Finds or starts a MySQL-compatible server for local development and tests:
 * MYSQL_URL → a server already answering on 127.0.0.1:3306 → a private server of our own
 * (data in `<projectRoot>/.local/mysql/`) → an error saying what to install.
 * Whichever it is, the database is checked (created if missing) before it is returned; failures
 * are DatabaseSetupErrors that say what failed, for which URL, and what to do.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { defaultServerSearchDirs, findServerBinary } from "./mysql-binaries";
import { PrivateMysqlServer } from "./mysql-private-server";
import { DatabaseSetupError, describeDatabaseFailure, parseMysqlUrl } from "./database-errors";
import { CONNECT_TIMEOUT_MS, ensureDatabase, probeMysql, redactUrl, withDatabase } from "./mysql-probe";

export { PrivateMysqlServer, PRIVATE_MYSQL_FIRST_PORT, type PrivateMysqlServerOptions } from "./mysql-private-server";
export { CONNECT_TIMEOUT_MS, ensureDatabase, mysqlAnswers, probeMysql, type ProbeResult } from "./mysql-probe";
export { DatabaseSetupError, formatCommandError } from "./database-errors";
export { defaultServerSearchDirs, findServerBinary } from "./mysql-binaries";

export const DEFAULT_MYSQL_URL = "mysql://root@127.0.0.1:3306/analytics";
/** The server probed when MYSQL_URL is not set (DEFAULT_MYSQL_URL without its database). */
export const DEFAULT_MYSQL_SERVER_URL = "mysql://root@127.0.0.1:3306";
export const DEFAULT_DATABASE = "analytics";

export interface ResolvedMysql {
  url: string;
  source: "env" | "default" | "private";
  /** Only for source "private": the server, already running. It is left running for the next run unless stopped. */
  server?: PrivateMysqlServer;
}

export interface ResolveMysqlOptions {
  /** Where MYSQL_URL and PATH are read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * The private server keeps its data in `<projectRoot>/.local/mysql/`. Default: nearest ancestor of cwd with a
   * package.json.
   */
  projectRoot?: string;
  log?: (line: string) => void;
  /** The server to probe before starting one of our own. Default `mysql://root@127.0.0.1:3306`. */
  probeUrl?: string;
  /** Handshake timeout for the probe. Default 1500 ms. */
  probeTimeoutMs?: number;
  /** Directories searched for `mariadbd` / `mysqld`. Default: PATH of `env` plus the usual install locations. */
  searchDirs?: string[];
  /**
   * CREATE DATABASE IF NOT EXISTS the URL's database (`analytics` on the default or private server) when missing;
   * false: touch no database. Default true.
   */
  createDatabase?: boolean;
  /** How long connecting to MYSQL_URL may take before it counts as unreachable. Default 3000 ms. */
  connectTimeoutMs?: number;
}

export async function resolveMysql(options: ResolveMysqlOptions = {}): Promise<ResolvedMysql> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const createDatabase = options.createDatabase ?? true;

  const fromEnv = env.MYSQL_URL?.trim();
  if (fromEnv) {
    await checkDatabaseUrl(fromEnv, {
      createDatabase,
      connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    });
    return { url: fromEnv, source: "env" };
  }

  const probeUrl = options.probeUrl ?? DEFAULT_MYSQL_SERVER_URL;
  const probe = await probeMysql(probeUrl, options.probeTimeoutMs ?? 1500);
  if (probe.ok) {
    const url = withDatabase(probeUrl, DEFAULT_DATABASE);
    if (createDatabase) await prepare(url, `the server on ${hostPort(probeUrl)}`);
    log(`mysql: using the server on ${hostPort(probeUrl)} (${redactUrl(url)})`);
    return { url, source: "default" };
  }
  if (probe.code === "ER_ACCESS_DENIED_ERROR") {
    log(
      `mysql: a server on ${hostPort(probeUrl)} refused ${redactUrl(probeUrl)} (${probe.reason}); ` +
        "set MYSQL_URL to use it. Starting a private server instead.",
    );
  }

  const binary = findServerBinary(options.searchDirs ?? defaultServerSearchDirs(env));
  if (!binary) throw new DatabaseSetupError(noServerMessage(probeUrl), "NO_SERVER");

  const projectRoot = options.projectRoot ?? findProjectRoot(process.cwd());
  const server = new PrivateMysqlServer({ dataDir: path.join(projectRoot, ".local", "mysql"), binary, log, env });
  await server.start();
  const url = withDatabase(server.url, DEFAULT_DATABASE);
  if (createDatabase) await prepare(url, "the private server");
  return { url, source: "private", server };
}

async function prepare(url: string, source: string): Promise<void> {
  try {
    await ensureDatabase(url);
  } catch (error) {
    throw describeDatabaseFailure(error, url, { source });
  }
}

/**
 * MYSQL_URL is a mysql:// URL whose server answers within the connect timeout, accepts its user
 * and has its database (created when missing); else a DatabaseSetupError. With `createDatabase`
 * false only the server and the user are checked (the test suite makes databases of its own).
 */
export async function checkDatabaseUrl(
  url: string,
  options: { createDatabase?: boolean; connectTimeoutMs?: number } = {},
): Promise<void> {
  parseMysqlUrl(url);
  const connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const createDatabase = options.createDatabase ?? true;
  const probe = await probeMysql(url, connectTimeoutMs, { keepDatabase: createDatabase });
  if (probe.ok) return;
  const failure = { code: probe.code, message: probe.reason };
  if (probe.code !== "ER_BAD_DB_ERROR" || !createDatabase) {
    throw describeDatabaseFailure(failure, url, { connectTimeoutMs });
  }
  try {
    await ensureDatabase(url, connectTimeoutMs);
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    throw describeDatabaseFailure(
      { code: "ER_BAD_DB_ERROR", message: `${probe.reason}; CREATE DATABASE: ${reason}` },
      url,
      { connectTimeoutMs },
    );
  }
}

/** What to install when there is nothing to connect to. */
export function noServerMessage(probeUrl: string = DEFAULT_MYSQL_SERVER_URL): string {
  return (
    `No MySQL-compatible server answers on ${hostPort(probeUrl)} and no mysqld or mariadbd binary was found. ` +
    "Install one (Debian/Ubuntu: `apt-get install mariadb-server`; macOS: `brew install mysql@8.4`) " +
    "or set MYSQL_URL=mysql://user:pass@host:port/db."
  );
}

function hostPort(url: string): string {
  const target = new URL(url);
  return `${target.hostname}:${target.port || "3306"}`;
}

function findProjectRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start);
  }
}
