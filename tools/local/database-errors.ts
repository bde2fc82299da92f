/**
 * What the local commands (`npm run dev`, `store`, `rollups`, `demo`) say when the database
 * cannot be used: what failed, for which URL (password masked), and what to do, without a stack
 * trace, since a wrong password or a stopped server is an expected failure, not a bug.
 */

/** An expected failure to reach or prepare the database; its message is complete and is printed as it is. */
export class DatabaseSetupError extends Error {
  override readonly name = "DatabaseSetupError";

  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The connection string's variable, named in messages. */
export const URL_VARIABLE = "MYSQL_URL";
const URL_FORM = "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE, e.g. mysql://root@127.0.0.1:3306/analytics";
const WITHOUT_URL =
  `unset ${URL_VARIABLE} to use the server on 127.0.0.1:3306 (root, no password), ` +
  "or a private one under .local/mysql when none answers there";

/** `url` with its password masked; an unparseable string keeps its shape with anything like a password masked. */
export function maskUrl(url: string): string {
  try {
    const target = new URL(url);
    if (target.password) target.password = "***";
    return target.toString();
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^/]*@/i, "$1***@");
  }
}

/** Parses a MySQL connection URL; a DatabaseSetupError saying what form it must take otherwise. */
export function parseMysqlUrl(raw: string, variable = URL_VARIABLE): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new DatabaseSetupError(
      `${variable} is not a URL: "${maskUrl(raw)}".\nWhat to do: set it as ${URL_FORM}, or ${WITHOUT_URL}.`,
      "ERR_INVALID_URL",
      {
        cause: error,
      },
    );
  }
  if (url.protocol !== "mysql:") {
    throw new DatabaseSetupError(
      `${variable} must be a mysql:// URL, got "${maskUrl(raw)}" (scheme ${url.protocol.replace(/:$/, "")}).\nWhat to do: set it as ${URL_FORM}, or ${WITHOUT_URL}.`,
      "ERR_INVALID_URL",
    );
  }
  if (!url.hostname) {
    throw new DatabaseSetupError(
      `${variable} names no host: "${maskUrl(raw)}".\nWhat to do: set it as ${URL_FORM}, or ${WITHOUT_URL}.`,
      "ERR_INVALID_URL",
    );
  }
  return url;
}

interface ErrorFacts {
  code?: string;
  message: string;
}

/** The first error in the `cause` chain that carries a code (mysql2 and Node set one), else the outermost. */
function factsOf(error: unknown): ErrorFacts {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && !seen.has(current); current = (current as { cause?: unknown }).cause) {
    seen.add(current);
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && code !== "") return { code, message: typeof message === "string" ? message : code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** Codes of failures to reach, log in to or find the database (not of a statement that failed). */
const CONNECTION_CODES = new Set([
  "ER_ACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_BAD_DB_ERROR",
  "ER_HOST_NOT_PRIVILEGED",
  "ER_HOST_IS_BLOCKED",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNRESET",
  "PROTOCOL_CONNECTION_LOST",
  "EPIPE",
]);

/** Whether `error` (or its cause) is a failure to reach, log in to or find the database. */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof DatabaseSetupError) return true;
  const { code } = factsOf(error);
  return code !== undefined && CONNECTION_CODES.has(code);
}

export interface DescribeOptions {
  /** Where the URL came from, for the message: "MYSQL_URL" (default) or e.g. "the server on 127.0.0.1:3306". */
  source?: string;
  /** The connect timeout that was applied, for a timeout's message. */
  connectTimeoutMs?: number;
}

/**
 * A DatabaseSetupError for a failure to connect to or prepare `url`: what failed (by the error's
 * code: mysql2's server errors, Node's socket errors), for which URL, and what to do.
 */
export function describeDatabaseFailure(
  error: unknown,
  url: string,
  options: DescribeOptions = {},
): DatabaseSetupError {
  if (error instanceof DatabaseSetupError) return error;
  const source = options.source ?? URL_VARIABLE;
  const fromEnv = source === URL_VARIABLE;
  const { code, message } = factsOf(error);
  let target: { host: string; user: string; database: string };
  try {
    const parsed = new URL(url);
    target = {
      host: `${parsed.hostname}:${parsed.port || "3306"}`,
      user: decodeURIComponent(parsed.username) || "(none)",
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")),
    };
  } catch {
    return parseMysqlUrlError(url, error);
  }
  const fix = (advice: string) => `\nWhat to do: ${advice}${fromEnv ? `; or ${WITHOUT_URL}` : ""}.`;
  const seconds = `${(options.connectTimeoutMs ?? 3000) / 1000} s`;
  let what: string;
  let advice: string;
  switch (code) {
    case "ER_ACCESS_DENIED_ERROR":
    case "ER_ACCESS_DENIED_NO_PASSWORD_ERROR":
      what = `the server refused user "${target.user}": wrong user name or password (${message})`;
      advice = fromEnv
        ? `correct the user and password in ${URL_VARIABLE} ` +
          "(percent-encode special characters in the password, e.g. @ as %40)"
        : "give that user access, or set MYSQL_URL to a user and password the server accepts";
      break;
    case "ER_DBACCESS_DENIED_ERROR":
      what = `user "${target.user}" may not use the database "${target.database}" (${message})`;
      advice = `grant it (GRANT ALL ON \`${target.database}\`.* TO ...), or name a database the user may use`;
      break;
    case "ER_BAD_DB_ERROR":
      what = `the database "${target.database}" does not exist and could not be created (${message})`;
      advice =
        `create it (CREATE DATABASE \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin), ` +
        `grant user "${target.user}" CREATE, or name an existing database`;
      break;
    case "ER_HOST_NOT_PRIVILEGED":
    case "ER_HOST_IS_BLOCKED":
      what = `the server does not accept connections from this host (${message})`;
      advice = `let user "${target.user}" connect from this host on the server`;
      break;
    case "ECONNREFUSED":
      what = `nothing accepts connections on ${target.host} (ECONNREFUSED)`;
      advice = `start the MySQL server there, or correct the host and port${fromEnv ? ` in ${URL_VARIABLE}` : ""}`;
      break;
    case "ETIMEDOUT":
    case "PROTOCOL_SEQUENCE_TIMEOUT":
      what = `no answer from ${target.host} within ${seconds} (${code})`;
      advice =
        `check the host and port${fromEnv ? ` in ${URL_VARIABLE}` : ""}, that the server runs, ` +
        "and that no firewall drops the connection";
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      what = `the host name "${target.host.replace(/:\d+$/, "")}" does not resolve (${code})`;
      advice = `correct the host${fromEnv ? ` in ${URL_VARIABLE}` : ""}`;
      break;
    case "ECONNRESET":
    case "PROTOCOL_CONNECTION_LOST":
    case "EPIPE":
      what =
        `the server on ${target.host} closed the connection ` +
        `(${code}${message && message !== code ? `: ${message}` : ""})`;
      advice = "check that it is a MySQL 8.4 or MariaDB 10.11 server and that it is running";
      break;
    default:
      what = code ? `${code}: ${message}` : message;
      advice = "check that the URL names a running MySQL 8.4 or MariaDB 10.11 server that the user may use";
  }
  return new DatabaseSetupError(`cannot use the database ${maskUrl(url)} (${source}): ${what}.${fix(advice)}`, code, {
    cause: error,
  });
}

function parseMysqlUrlError(url: string, cause: unknown): DatabaseSetupError {
  try {
    parseMysqlUrl(url);
  } catch (error) {
    if (error instanceof DatabaseSetupError) return error;
  }
  return new DatabaseSetupError(`cannot use the database ${maskUrl(url)}: ${factsOf(cause).message}`, undefined, {
    cause,
  });
}

/**
 * One line (or a few) for a command's stderr: an expected database failure's message as it is;
 * anything else with its stack, which is what a bug report needs.
 */
export function formatCommandError(error: unknown): string {
  if (error instanceof DatabaseSetupError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
