import { execFile } from "node:child_process";
import { accessSync, constants, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export type MysqlFlavor = "mariadb" | "mysql";

export interface MysqlServerBinary {
  path: string;
  flavor: MysqlFlavor;
  /** First line of `<binary> --version`. */
  version: string;
}

const SERVER_NAMES = ["mariadbd", "mysqld"] as const;
const INSTALLER_NAMES = ["mariadb-install-db", "mysql_install_db"] as const;

/** Directories holding versioned Homebrew kegs, e.g. `/opt/homebrew/opt/mysql@8.4/bin`. */
const HOMEBREW_OPT_DIRS = ["/opt/homebrew/opt", "/usr/local/opt"];

/**
 * Where to look for `mariadbd` / `mysqld`: the PATH of `env` first, then the usual
 * install locations of Debian/Ubuntu, Oracle tarballs and Homebrew (keg-only formulas included).
 */
export function defaultServerSearchDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromPath = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  const homebrewKegs = HOMEBREW_OPT_DIRS.flatMap((optDir) =>
    listDir(optDir)
      .filter((name) => name.startsWith("mysql") || name.startsWith("mariadb"))
      .sort((a, b) => b.localeCompare(a, "en", { numeric: true }))
      .flatMap((name) => [path.join(optDir, name, "bin"), path.join(optDir, name, "sbin")]),
  );
  return unique([
    ...fromPath,
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/local/mysql/bin",
    "/usr/local/mariadb/bin",
    "/usr/libexec",
    ...homebrewKegs,
    "/opt/homebrew/sbin",
    "/opt/homebrew/bin",
    "/usr/local/bin",
  ]);
}

/** First `mariadbd` or `mysqld` executable in `dirs` (directory order wins over name order). */
export function findServerBinary(dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    for (const name of SERVER_NAMES) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Runs `<binary> --version` and tells MariaDB from MySQL (Debian's `mysqld` is MariaDB). */
export async function describeServerBinary(binary: string): Promise<MysqlServerBinary> {
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync(binary, ["--no-defaults", "--version"], { timeout: 15_000 });
    output = `${stdout}${stderr}`.trim();
  } catch (error) {
    throw new Error(`${binary} --version failed: ${(error as Error).message}`, { cause: error });
  }
  const version = output.split("\n")[0] ?? output;
  const flavor: MysqlFlavor =
    /mariadb/i.test(output) || path.basename(binary).startsWith("mariadbd") ? "mariadb" : "mysql";
  return { path: binary, flavor, version };
}

export interface MariadbInstaller {
  path: string;
  /** Set for tarball layouts (`<base>/scripts/mariadb-install-db`), where the script needs `--basedir`. */
  basedir?: string;
}

/** Finds `mariadb-install-db` (or `mysql_install_db`) belonging to a MariaDB server binary. */
export function findMariadbInstaller(
  binary: string,
  env: NodeJS.ProcessEnv = process.env,
): MariadbInstaller | undefined {
  const binaryDirs = unique([path.dirname(binary), path.dirname(realpathOr(binary))]);
  const near = binaryDirs.flatMap((dir) => [dir, path.join(dir, "..", "bin")]);
  for (const dir of unique(near)) {
    const found = findExecutable(dir, INSTALLER_NAMES);
    if (found) return { path: found };
  }
  for (const dir of binaryDirs) {
    const base = path.resolve(dir, "..");
    const found = findExecutable(path.join(base, "scripts"), INSTALLER_NAMES);
    if (found) return { path: found, basedir: base };
  }
  const fromPath = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  for (const dir of unique([...fromPath, "/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"])) {
    const found = findExecutable(dir, INSTALLER_NAMES);
    if (found) return { path: found };
  }
  return undefined;
}

function findExecutable(dir: string, names: readonly string[]): string | undefined {
  for (const name of names) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function realpathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items.map((item) => path.resolve(item)))];
}
