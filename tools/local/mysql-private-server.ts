import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  describeServerBinary,
  defaultServerSearchDirs,
  findMariadbInstaller,
  findServerBinary,
  type MysqlServerBinary,
} from "./mysql-binaries";
import {
  acquireFileLock,
  commandLineOf,
  fileSize,
  isAlive,
  readPidFile,
  removeQuietly,
  tailFile,
  waitForExit,
} from "./mysql-process";
import { ephemeralPort, findFreePort, isPortFree, mysqlAnswers } from "./mysql-probe";

/** First port tried when none is given; taken ports are skipped. */
export const PRIVATE_MYSQL_FIRST_PORT = 3307;

export interface PrivateMysqlServerOptions {
  /** Holds everything: `data/` (the datadir), `mysqld.pid`, `mysqld.sock`, `mysqld.log`, `install.log`. */
  dataDir: string;
  /** Fixed port; `0` = any free port; omitted = 3307 or the next free one. Kept across stop/start. */
  port?: number;
  /** `mariadbd` / `mysqld` to run; found on PATH and the usual install locations if omitted. */
  binary?: string;
  log?: (line: string) => void;
  /** Used to find the server binary and `mariadb-install-db` (PATH). Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** How long start() waits for the server to accept connections. Default 30 s. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 20 s. */
  stopTimeoutMs?: number;
  /**
   * TLS for the server (PEM files: --ssl-cert, --ssl-key, --ssl-ca). Off by default; tests use it
   * to check the client's certificate verification. `FLUSH SSL` reloads the files while running.
   */
  tls?: { certFile: string; keyFile: string; caFile?: string };
}

interface ServerPaths {
  root: string;
  data: string;
  initializing: string;
  pidFile: string;
  socket: string;
  log: string;
  installLog: string;
  lock: string;
  /** the server's temp-table folder */
  tmp: string;
}

const MAX_SOCKET_PATH = 100; // sun_path is 108 bytes on Linux, 104 on macOS
const MAX_LOG_BYTES = 5 * 1024 * 1024;
const INIT_TIMEOUT_MS = 180_000;

/**
 * A MySQL/MariaDB server of our own, with its data kept in `dataDir` between runs. The server
 * process is detached and unref'd (it never keeps Node alive, and survives it so the next run can
 * reuse it); stop() shuts it down by pid.
 */
export class PrivateMysqlServer {
  readonly dataDir: string;
  private readonly paths: ServerPaths;
  private readonly requestedPort: number | undefined;
  private readonly log: (line: string) => void;
  private readonly env: NodeJS.ProcessEnv;
  private readonly readyTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly tls: PrivateMysqlServerOptions["tls"];
  private binaryPath: string | undefined;
  private binary: MysqlServerBinary | undefined;
  private chosenPort: number | undefined;
  private pid: number | undefined;
  private launchedHere = false;
  private childExit: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PrivateMysqlServerOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.requestedPort = options.port;
    if (options.port !== undefined && options.port !== 0) this.chosenPort = options.port;
    this.binaryPath = options.binary;
    this.log = options.log ?? (() => undefined);
    this.env = options.env ?? process.env;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
    this.tls = options.tls;
    this.paths = serverPaths(this.dataDir);
  }

  /** The port, once known (given in the constructor, or chosen by start()). */
  get port(): number {
    if (this.chosenPort === undefined) {
      throw new Error("PrivateMysqlServer: the port is chosen by start(); call it first (or pass `port`)");
    }
    return this.chosenPort;
  }

  /** `mysql://root@127.0.0.1:<port>` (no database). */
  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  /**
   * Whether the running server is one this instance launched (false when start() adopted a server
   * an earlier run left on the data dir): who started it is who may stop it.
   */
  get launched(): boolean {
    return this.launchedHere && this.running;
  }

  /** Whether the server process (started or adopted by this instance) is alive. */
  get running(): boolean {
    return this.pid !== undefined && isAlive(this.pid);
  }

  /**
   * Initializes the data dir if needed, starts the server (or adopts one already running on it) and waits until it
   * answers. Idempotent.
   */
  start(): Promise<void> {
    return this.serialize(() => this.doStart());
  }

  /**
   * SIGTERM, wait for a clean shutdown, SIGKILL after `stopTimeoutMs`. Also stops a server an earlier run left on this
   * data dir.
   */
  stop(): Promise<void> {
    return this.serialize(() => this.doStop());
  }

  private serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation, operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async doStart(): Promise<void> {
    if (this.running) return;
    this.forgetProcess();
    mkdirSync(this.dataDir, { recursive: true });
    const release = await acquireFileLock(
      this.paths.lock,
      INIT_TIMEOUT_MS + this.readyTimeoutMs,
      `another start of ${this.dataDir}`,
    );
    try {
      const existing = await this.findRunningServer();
      if (existing) {
        if (existing.port === undefined) {
          throw new Error(
            `a server (pid ${existing.pid}) runs on ${this.paths.data} but its port is unknown; ` +
              `stop it (kill ${existing.pid}) and retry`,
          );
        }
        const port = existing.port;
        if (this.requestedPort && existing.port !== this.requestedPort) {
          throw new Error(
            `a server for ${this.paths.data} is already running on port ${existing.port} (pid ${existing.pid}), ` +
              `not ${this.requestedPort}; stop it first`,
          );
        }
        this.chosenPort = port;
        if (!(await this.waitUntilAnswers(() => isAlive(existing.pid)))) {
          throw new Error(
            `a server for ${this.paths.data} is running (pid ${existing.pid}) ` +
              `but does not answer on port ${existing.port} ` +
              `after ${this.readyTimeoutMs} ms; stop it (kill ${existing.pid}) and retry.\n${this.logTail()}`,
          );
        }
        this.pid = existing.pid;
        this.launchedHere = false;
        this.log(
          `mysql: reusing the private server already running on 127.0.0.1:${existing.port} (pid ${existing.pid})`,
        );
        return;
      }
      const binary = await this.serverBinary();
      const port = await this.choosePort(); // before initializing: a taken fixed port fails fast
      await this.initialize(binary);
      await this.launch(binary, port);
    } finally {
      release();
    }
  }

  private async doStop(): Promise<void> {
    let pid = this.pid;
    if (pid === undefined) pid = (await this.findRunningServer())?.pid;
    if (pid === undefined || !isAlive(pid)) {
      this.forgetProcess();
      return;
    }
    const started = Date.now();
    signal(pid, "SIGTERM");
    if (!(await waitForExit(pid, this.stopTimeoutMs, this.childExit))) {
      this.log(`mysql: pid ${pid} did not exit ${this.stopTimeoutMs} ms after SIGTERM; sending SIGKILL`);
      signal(pid, "SIGKILL");
      if (!(await waitForExit(pid, 5000, this.childExit)))
        throw new Error(`could not stop the MySQL server (pid ${pid})`);
      removeQuietly(this.paths.pidFile);
      removeQuietly(this.paths.socket);
    }
    this.log(`mysql: stopped the private server (pid ${pid}) in ${Date.now() - started} ms`);
    this.forgetProcess();
  }

  private forgetProcess(): void {
    this.pid = undefined;
    this.launchedHere = false;
    this.childExit = undefined;
  }

  /** A server from an earlier run: pid file → live process whose command line names our datadir. */
  private async findRunningServer(): Promise<{ pid: number; port: number | undefined } | undefined> {
    const pid = readPidFile(this.paths.pidFile);
    if (pid === undefined || !isAlive(pid)) return undefined;
    const commandLine = await commandLineOf(pid);
    if (!commandLine?.includes(`--datadir=${this.paths.data}`)) return undefined; // pid reused by something else
    const portArg = commandLine.find((arg) => arg.startsWith("--port="));
    const port = portArg ? Number.parseInt(portArg.slice("--port=".length), 10) : Number.NaN;
    return { pid, port: Number.isInteger(port) ? port : undefined };
  }

  private async serverBinary(): Promise<MysqlServerBinary> {
    if (this.binary) return this.binary;
    const binaryPath = this.binaryPath ?? findServerBinary(defaultServerSearchDirs(this.env));
    if (!binaryPath) {
      throw new Error(
        "no mysqld or mariadbd binary was found. " +
          "Install one (Debian/Ubuntu: `apt-get install mariadb-server`; macOS: `brew install mysql@8.4`) " +
          "or pass `binary`.",
      );
    }
    this.binaryPath = binaryPath;
    this.binary = await describeServerBinary(binaryPath);
    return this.binary;
  }

  /** First use only: creates the datadir in `data.init/` and renames it to `data/` once complete. */
  private async initialize(binary: MysqlServerBinary): Promise<void> {
    if (existsSync(this.paths.data)) return;
    rmSync(this.paths.initializing, { recursive: true, force: true });
    const started = Date.now();
    this.log(`mysql: initializing ${this.paths.data} with ${binary.version}`);
    let command: string;
    let args: string[];
    if (binary.flavor === "mariadb") {
      const installer = findMariadbInstaller(binary.path, this.env);
      if (!installer) {
        throw new Error(
          `found ${binary.path} but neither mariadb-install-db nor mysql_install_db ` +
            "to initialize a data directory with",
        );
      }
      command = installer.path;
      args = [
        "--no-defaults",
        "--auth-root-authentication-method=normal",
        `--datadir=${this.paths.initializing}`,
        `--user=${currentUser()}`,
        "--skip-test-db",
        "--skip-name-resolve",
        ...(installer.basedir ? [`--basedir=${installer.basedir}`] : []),
        // passed through to the bootstrap server
        ...innodbSizing(binary),
      ];
    } else {
      command = binary.path;
      args = [
        "--no-defaults",
        "--initialize-insecure",
        `--datadir=${this.paths.initializing}`,
        `--user=${currentUser()}`,
        ...innodbSizing(binary),
      ];
    }
    const offset = fileSize(this.paths.installLog);
    const result = await runToLog(command, args, this.paths.installLog, INIT_TIMEOUT_MS);
    if (result !== 0) {
      throw new Error(
        `initializing the MySQL data directory failed (${command} exited with ${result}); ` +
          `see ${this.paths.installLog}:\n` +
          tailFile(this.paths.installLog, 25, offset),
      );
    }
    renameSync(this.paths.initializing, this.paths.data);
    this.log(`mysql: initialized ${this.paths.data} in ${Date.now() - started} ms`);
  }

  private async choosePort(): Promise<number> {
    if (this.chosenPort !== undefined) {
      if (!(await isPortFree(this.chosenPort))) {
        throw new Error(
          `port ${this.chosenPort} on 127.0.0.1 is already in use; cannot start the private MySQL server there`,
        );
      }
      return this.chosenPort;
    }
    this.chosenPort = this.requestedPort === 0 ? await ephemeralPort() : await findFreePort(PRIVATE_MYSQL_FIRST_PORT);
    return this.chosenPort;
  }

  private async launch(binary: MysqlServerBinary, port: number): Promise<void> {
    const started = Date.now();
    rotateIfLarge(this.paths.log);
    const offset = fileSize(this.paths.log);
    mkdirSync(this.paths.tmp, { recursive: true });
    const args = [...serverArgs(binary, this.paths, port), ...tlsArgs(this.tls)];
    const logFd = openSync(this.paths.log, "a");
    let child: ChildProcess;
    try {
      writeSync(logFd, `\n=== ${new Date().toISOString()} ${binary.path} ${args.join(" ")}\n`);
      child = spawn(binary.path, args, { cwd: this.dataDir, detached: true, stdio: ["ignore", logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    let exit: string | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once("exit", (code, sig) => {
        exit = sig ? `was killed by ${sig}` : `exited with code ${code}`;
        resolve();
      });
      child.once("error", (error) => {
        exit = `could not be started: ${error.message}`;
        resolve();
      });
    });
    this.childExit = exited;
    this.pid = child.pid;
    this.launchedHere = true;
    const ready = await this.waitUntilAnswers(() => exit === undefined);
    if (!ready) {
      const reason = exit ?? `did not accept connections within ${this.readyTimeoutMs} ms`;
      if (exit === undefined && child.pid !== undefined) {
        signal(child.pid, "SIGKILL");
        await waitForExit(child.pid, 5000, exited);
      }
      this.forgetProcess();
      const tail = tailFile(this.paths.log, 25, offset);
      throw new Error(
        `the private MySQL server (${binary.path}) ${reason}; ${this.paths.log} ends with:\n${tail}${hint(tail)}`,
      );
    }
    this.log(
      `mysql: private server (${binary.version}) ready on 127.0.0.1:${port} ` +
        `(pid ${child.pid}) in ${Date.now() - started} ms`,
    );
  }

  /** Polls until the server answers; gives up early when `stillHopeful` turns false. */
  private async waitUntilAnswers(stillHopeful: () => boolean): Promise<boolean> {
    const deadline = Date.now() + this.readyTimeoutMs;
    while (Date.now() < deadline) {
      if (!stillHopeful()) return false;
      if (await mysqlAnswers(this.url, 1000)) return true;
      if (!stillHopeful()) return false;
      await sleep(50);
    }
    return false;
  }

  private logTail(): string {
    return tailFile(this.paths.log, 15);
  }
}

function serverPaths(dataDir: string): ServerPaths {
  let socket = path.join(dataDir, "mysqld.sock");
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const hash = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
    socket = path.join(os.tmpdir(), `mysqld-${hash}.sock`);
  }
  return {
    root: dataDir,
    data: path.join(dataDir, "data"),
    initializing: path.join(dataDir, "data.init"),
    pidFile: path.join(dataDir, "mysqld.pid"),
    socket,
    log: path.join(dataDir, "mysqld.log"),
    installLog: path.join(dataDir, "install.log"),
    lock: path.join(dataDir, "start.lock"),
    tmp: path.join(dataDir, "tmp"),
  };
}

/** Small InnoDB footprint: a dev/test server, not a production one. */
function innodbSizing(binary: MysqlServerBinary): string[] {
  // MySQL 8.0.30+ replaced innodb_log_file_size with innodb_redo_log_capacity; its default is fine.
  return binary.flavor === "mariadb"
    ? ["--innodb-buffer-pool-size=64M", "--innodb-log-file-size=16M"]
    : ["--innodb-buffer-pool-size=64M"];
}

function serverArgs(binary: MysqlServerBinary, paths: ServerPaths, port: number): string[] {
  return [
    "--no-defaults", // must come first
    `--datadir=${paths.data}`,
    "--bind-address=127.0.0.1",
    `--port=${port}`,
    `--socket=${paths.socket}`,
    `--pid-file=${paths.pidFile}`,
    // Its own temp folder: a server starting in the shared /tmp can remove the temp-table files
    // of another server working there (seen as "Error on delete of '/tmp/#sql-temptable-...'").
    `--tmpdir=${paths.tmp}`,
    ...(process.getuid?.() === 0 ? ["--user=root"] : []),
    ...innodbSizing(binary),
    // Commits reach the OS at once but are fsync'ed about once a second: survives a killed server,
    // may lose the last second on an OS crash. Fine for local data, much faster for tests.
    "--innodb-flush-log-at-trx-commit=2",
    "--skip-log-bin",
    // MariaDB creates root@127.0.0.1, so it can skip DNS; MySQL only creates root@localhost, which
    // a TCP client from 127.0.0.1 matches only through name resolution. MySQL's X plugin would
    // otherwise grab port 33060 and clash with any other MySQL.
    ...(binary.flavor === "mariadb" ? ["--skip-name-resolve"] : ["--mysqlx=OFF"]),
  ];
}

function tlsArgs(tls: PrivateMysqlServerOptions["tls"]): string[] {
  if (!tls) return [];
  return [
    `--ssl-cert=${path.resolve(tls.certFile)}`,
    `--ssl-key=${path.resolve(tls.keyFile)}`,
    ...(tls.caFile ? [`--ssl-ca=${path.resolve(tls.caFile)}`] : []),
  ];
}

function runToLog(command: string, args: string[], logFile: string, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    const fd = openSync(logFile, "a");
    writeSync(fd, `\n=== ${new Date().toISOString()} ${command} ${args.join(" ")}\n`);
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once("exit", (code, sig) => {
      clearTimeout(timer);
      resolve(code ?? `signal ${sig}`);
    });
  });
}

function rotateIfLarge(file: string): void {
  if (fileSize(file) > MAX_LOG_BYTES) renameSync(file, `${file}.old`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "root";
  }
}

function hint(logTail: string): string {
  if (/permission denied|errno: 13|error 13/i.test(logTail)) {
    return (
      "\nHint: permission denied. On Ubuntu, AppArmor confines /usr/sbin/mysqld to /var/lib/mysql; " +
      "use MariaDB, or set MYSQL_URL to a server you run yourself."
    );
  }
  if (/address already in use|bind on tcp\/ip port/i.test(logTail))
    return "\nHint: the port was taken meanwhile; retry.";
  return "";
}
