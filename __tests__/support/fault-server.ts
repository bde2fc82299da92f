import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "mysql2/promise";
import { defaultServerSearchDirs, findServerBinary } from "../../tools/local/mysql-binaries";
import { PrivateMysqlServer } from "../../tools/local/mysql-private-server";
import { readPidFile } from "../../tools/local/mysql-process";
import { ensureDatabase, withDatabase } from "../../tools/local/mysql-probe";

/** Whether a MySQL/MariaDB server binary is here to start private servers with. */
export const hasServerBinary = findServerBinary(defaultServerSearchDirs()) !== undefined;

/**
 * A private MariaDB/MySQL server that tests may hang (SIGSTOP), resume, stop and start: its own
 * data directory and --tmpdir in a temp folder, 127.0.0.1 and a free port only. Signals go only to
 * the pid in that folder's pid file (never the system server). dispose() resumes it, stops it and
 * removes the folder.
 */
export class FaultServer {
  readonly dir: string;
  readonly server: PrivateMysqlServer;
  private hung = false;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    this.server = new PrivateMysqlServer({ dataDir: this.dir, port: 0, stopTimeoutMs: 10_000 });
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  stop(): Promise<void> {
    this.resume();
    return this.server.stop();
  }

  /** `mysql://root@127.0.0.1:<port>/<database>`, the database created if missing. */
  async database(name: string): Promise<string> {
    const url = withDatabase(this.server.url, name);
    await ensureDatabase(url);
    return url;
  }

  private pid(): number {
    const pid = readPidFile(join(this.dir, "mysqld.pid"));
    if (pid === undefined) throw new Error(`no pid file in ${this.dir}: the private server is not running`);
    return pid;
  }

  /** The server stops answering (its process is stopped; the kernel still accepts connections). */
  hang(): void {
    const pid = this.pid();
    process.kill(pid, "SIGSTOP");
    this.hung = true;
    waitUntilStopped(pid);
  }

  resume(): void {
    if (!this.hung) return;
    this.hung = false;
    try {
      process.kill(this.pid(), "SIGCONT");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }

  /** Server-side ids of the connections to `database` (information_schema.processlist). */
  async connectionIds(database: string): Promise<number[]> {
    const admin = await createConnection({ uri: this.server.url, connectTimeout: 3_000 });
    try {
      const [rows] = await admin.query(
        "select id from information_schema.processlist where db = ? and id <> connection_id()",
        [database],
      );
      return (rows as { id: number }[]).map((row) => Number(row.id));
    } finally {
      await admin.end();
    }
  }

  /**
   * KILLs server-side connections and waits until the server has closed them, all from a child
   * process while this one is blocked: this process cannot read the close before its next
   * statement, as a Lambda instance frozen between invocations cannot when RDS Proxy closes an
   * idle client connection.
   */
  killConnectionsWhileFrozen(ids: number[]): void {
    const script = `
      const { createConnection } = require("mysql2/promise");
      (async () => {
        const admin = await createConnection({ uri: process.argv[1], connectTimeout: 3000 });
        const ids = JSON.parse(process.argv[2]);
        for (const id of ids) await admin.query("KILL " + Number(id));
        for (let i = 0; i < 100; i++) {
          const [rows] = await admin.query("select id from information_schema.processlist");
          if (!rows.some((r) => ids.includes(Number(r.id)))) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await admin.end();
      })().catch((e) => { console.error(e); process.exit(1); });`;
    execFileSync(process.execPath, ["-e", script, this.server.url, JSON.stringify(ids)], {
      cwd: process.cwd(),
      timeout: 10_000,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }

  async dispose(): Promise<void> {
    try {
      this.resume();
      await this.server.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * SIGSTOP takes effect when each of the server's threads is next interrupted: a statement sent
 * right after kill() could still be answered. Waits (blocking, up to 1 s) until /proc shows every
 * thread stopped; where there is no /proc, a fixed 50 ms.
 */
function waitUntilStopped(pid: number): void {
  const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) {
    pause(50);
    return;
  }
  const deadline = Date.now() + 1_000;
  while (Date.now() < deadline) {
    try {
      const states = readdirSync(tasks).map((tid) => /\) (\S)/.exec(readFileSync(`${tasks}/${tid}/stat`, "utf8"))?.[1]);
      if (states.every((state) => state === "T" || state === "t")) return;
    } catch {
      // a thread ended between the listing and the read
    }
    pause(2);
  }
  throw new Error(`the private server (pid ${pid}) did not stop within 1 s of SIGSTOP`);
}
