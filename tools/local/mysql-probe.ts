import { createServer } from "node:net";
import { createConnection } from "mysql2/promise";

export type ProbeResult = { ok: true } | { ok: false; code?: string; reason: string };

/** The URL without its database path, so probing does not depend on a database existing. */
export function serverUrl(url: string): URL {
  const target = new URL(url);
  target.pathname = "";
  return target;
}

/** `url` with its password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const target = new URL(url);
    if (target.password) target.password = "***";
    return target.toString();
  } catch {
    return "<unparseable url>";
  }
}

/** `mysql://user@host:port` + `/db` (keeps user, password and query string). */
export function withDatabase(url: string, database: string): string {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(database)}`;
  return target.toString();
}

/**
 * Attempts a real MySQL handshake (with the URL's credentials, ignoring its database unless
 * `keepDatabase`) and says why it failed. Never takes longer than `timeoutMs`.
 */
export async function probeMysql(
  url: string,
  timeoutMs = 1500,
  options: { keepDatabase?: boolean } = {},
): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const uri = options.keepDatabase ? url : serverUrl(url).toString();
  const attempt: Promise<ProbeResult> = createConnection({ uri, connectTimeout: timeoutMs }).then(
    async (connection) => {
      await connection.end().catch(() => connection.destroy());
      return { ok: true };
    },
    (error: NodeJS.ErrnoException) => ({ ok: false, code: error.code, reason: error.message || String(error.code) }),
  );
  const deadline = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, code: "ETIMEDOUT", reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when a MySQL-compatible server at `url` completes a handshake within `timeoutMs`. */
export async function mysqlAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  return (await probeMysql(url, timeoutMs)).ok;
}

/** How long connecting may take (the README's and the Lambda pools' connect timeout). */
export const CONNECT_TIMEOUT_MS = 3_000;

/** `CREATE DATABASE IF NOT EXISTS` the database named by the URL's path (utf8mb4, binary collation). */
export async function ensureDatabase(url: string, connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const database = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (database === "") throw new Error(`ensureDatabase: ${redactUrl(url)} names no database`);
  const connection = await createConnection({ uri: serverUrl(url).toString(), connectTimeout: connectTimeoutMs });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    );
  } finally {
    await connection.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/** Whether nothing listens on `host:port` (tries to bind it). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** `first`, or the next port after it that is free. */
export async function findFreePort(first: number, host = "127.0.0.1", attempts = 100): Promise<number> {
  for (let port = first; port < first + attempts && port <= 65535; port++) {
    if (await isPortFree(port, host)) return port;
  }
  throw new Error(`no free port in ${first}..${first + attempts - 1} on ${host}`);
}

/** A port the OS considers free right now (bind to 0, read it back, release it). */
export function ephemeralPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not read an ephemeral port"))));
    });
  });
}
