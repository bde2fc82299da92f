import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { createConnection } from "mysql2/promise";
import { LOCAL_LIMITS } from "../../../functions/db/connection";
import {
  CONNECT_TIMEOUT_MS,
  DatabaseSetupError,
  DEFAULT_MYSQL_SERVER_URL,
  DEFAULT_MYSQL_URL,
  PrivateMysqlServer,
  defaultServerSearchDirs,
  ensureDatabase,
  findServerBinary,
  mysqlAnswers,
  resolveMysql,
} from "../../../tools/local/mysql-server";

/**
 * The server this run's tests use (global setup's: MYSQL_URL, else 127.0.0.1:3306, else a
 * private server), without the database: these tests must pass wherever the suite can run,
 * including a machine where nothing listens on 3306.
 */
const suiteServerUrl = (() => {
  const url = new URL(process.env.MYSQL_URL!);
  url.pathname = "";
  return url.toString();
})();

/** A port nothing listens on (bound, read back, released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T> {
  const connection = await createConnection(url);
  try {
    const [rows] = await connection.query(sql, values);
    return rows as T;
  } finally {
    await connection.end();
  }
}

const tempDirs: string[] = [];
const servers: PrivateMysqlServer[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("resolveMysql", () => {
  it("returns MYSQL_URL untouched once its server answers, creating a missing database, starting nothing", async () => {
    const database = `analytics_test_env_${Date.now().toString(36)}`;
    const url = `${suiteServerUrl.replace(/\/$/, "")}/${database}?charset=utf8mb4_bin`;
    const logged: string[] = [];
    try {
      const resolved = await resolveMysql({
        env: { MYSQL_URL: url },
        probeUrl: `mysql://root@127.0.0.1:${await closedPort()}`,
        searchDirs: [],
        log: (line) => logged.push(line),
      });
      expect(resolved).toEqual({ url, source: "env" });
      expect(logged).toEqual([]);
      await expect(query(url, "SELECT DATABASE() AS db")).resolves.toEqual([{ db: database }]);
    } finally {
      await query(suiteServerUrl, `DROP DATABASE IF EXISTS \`${database}\``);
    }
  });

  it("createDatabase false: checks MYSQL_URL's server and user, creates no database (global setup)", async () => {
    const database = `analytics_test_absent_${Date.now().toString(36)}`;
    const url = `${suiteServerUrl.replace(/\/$/, "")}/${database}`;
    await expect(resolveMysql({ env: { MYSQL_URL: url }, searchDirs: [], createDatabase: false })).resolves.toEqual({
      url,
      source: "env",
    });
    const schemas = await query<unknown[]>(
      suiteServerUrl,
      "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
      [database],
    );
    expect(schemas).toEqual([]);
  });

  describe("refuses a MYSQL_URL it cannot use, saying what failed, for which URL and what to do", () => {
    const resolveEnv = (url: string) => resolveMysql({ env: { MYSQL_URL: url }, searchDirs: [], log: () => undefined });

    it("a wrong password: the user, the URL with the password masked", async () => {
      const url = new URL(suiteServerUrl);
      url.password = "not-the-password";
      url.pathname = "/analytics";
      const attempt = resolveEnv(url.toString());
      await expect(attempt).rejects.toThrow(DatabaseSetupError);
      const message = await attempt.catch((error: Error) => error.message);
      expect(message).toContain(`cannot use the database mysql://root:***@${url.host}/analytics (MYSQL_URL)`);
      expect(message).toContain('the server refused user "root": wrong user name or password');
      expect(message).toContain("What to do: correct the user and password in MYSQL_URL");
      expect(message).not.toContain("not-the-password");
    });

    it("a closed port: at once", async () => {
      const port = await closedPort();
      const started = Date.now();
      await expect(resolveEnv(`mysql://root@127.0.0.1:${port}/analytics`)).rejects.toThrow(
        new RegExp(
          `nothing accepts connections on 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\.\n` +
            `What to do: start the MySQL server there`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it("a server that never answers: after the 3 s connect timeout, not later", async () => {
      expect(CONNECT_TIMEOUT_MS).toBe(LOCAL_LIMITS.connectTimeoutMs);
      const held: Socket[] = [];
      const silent = createServer((socket) => held.push(socket)); // accepts connections, never sends a handshake
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const { port } = silent.address() as AddressInfo;
      try {
        const started = Date.now();
        await expect(resolveEnv(`mysql://root@127.0.0.1:${port}/analytics`)).rejects.toThrow(
          `no answer from 127.0.0.1:${port} within 3 s (ETIMEDOUT)`,
        );
        const elapsed = Date.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(2900);
        expect(elapsed).toBeLessThan(3600);
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it("not a URL, or not a mysql:// one", async () => {
      await expect(resolveEnv("not a url")).rejects.toThrow(
        'MYSQL_URL is not a URL: "not a url".\nWhat to do: set it as mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
      );
      await expect(resolveEnv("postgres://u:secret@h/db")).rejects.toThrow(
        'MYSQL_URL must be a mysql:// URL, got "postgres://u:***@h/db"',
      );
    });
  });

  it("probes 127.0.0.1:3306 as root by default and uses the analytics database there", () => {
    expect(DEFAULT_MYSQL_SERVER_URL).toBe("mysql://root@127.0.0.1:3306");
    expect(DEFAULT_MYSQL_URL).toBe("mysql://root@127.0.0.1:3306/analytics");
  });

  it("uses the server that answers the probe, with the analytics database", async () => {
    const resolved = await resolveMysql({ env: {}, probeUrl: suiteServerUrl, searchDirs: [], createDatabase: false });
    const expected = new URL(suiteServerUrl);
    expected.pathname = "/analytics";
    expect(resolved).toEqual({ url: expected.toString(), source: "default" });
  });

  it("says what to install when nothing answers and no server binary exists", async () => {
    const empty = await tempDir("mysql-nobin-");
    const port = await closedPort();
    const attempt = resolveMysql({
      env: { PATH: empty },
      probeUrl: `mysql://root@127.0.0.1:${port}`,
      searchDirs: [empty],
      projectRoot: empty,
    });
    await expect(attempt).rejects.toThrow(
      `No MySQL-compatible server answers on 127.0.0.1:${port} and no mysqld or mariadbd binary was found. ` +
        "Install one (Debian/Ubuntu: `apt-get install mariadb-server`; macOS: `brew install mysql@8.4`) " +
        "or set MYSQL_URL=mysql://user:pass@host:port/db.",
    );
  });
});

describe("mysqlAnswers", () => {
  it("is true for a live server (whatever database the URL names) and false for a closed port", async () => {
    await expect(mysqlAnswers(`${suiteServerUrl.replace(/\/$/, "")}/no_such_database_here`)).resolves.toBe(true);
    const started = Date.now();
    await expect(mysqlAnswers(`mysql://root@127.0.0.1:${await closedPort()}`)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1600);
  });
});

const serverBinary = findServerBinary(defaultServerSearchDirs());
const describeWithBinary = serverBinary ? describe : describe.skip;

describeWithBinary(`PrivateMysqlServer (${serverBinary ?? "no mysqld/mariadbd found"})`, () => {
  // Both tests below use this project's `.local/mysql`, so the data dir is initialized (~2 s) only once.
  let projectRoot: string;
  beforeAll(async () => {
    projectRoot = await tempDir("mysql-project-");
  });

  it("keeps its data across stop and start", async () => {
    const dataDir = path.join(projectRoot, ".local", "mysql");
    const server = new PrivateMysqlServer({ dataDir, port: 0 });
    servers.push(server);
    expect(server.running).toBe(false);

    await server.start();
    await server.start(); // idempotent
    expect(server.running).toBe(true);
    expect(server.url).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+$/);
    const url = `${server.url}/resilience`;
    await ensureDatabase(url);
    await query(url, "CREATE TABLE orders (id INT PRIMARY KEY, total_cents INT NOT NULL)");
    await query(url, "INSERT INTO orders VALUES (?, ?)", [1, 4200]);

    await server.stop();
    expect(server.running).toBe(false);
    await expect(createConnection(url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(mysqlAnswers(url)).resolves.toBe(false);
    await server.stop(); // idempotent

    const urlBefore = server.url;
    await server.start();
    expect(server.url).toBe(urlBefore);
    await expect(query(url, "SELECT id, total_cents FROM orders")).resolves.toEqual([{ id: 1, total_cents: 4200 }]);
    await server.stop();
    expect(server.running).toBe(false);
  });

  it("is what resolveMysql starts when nothing answers, and is reused by the next run", async () => {
    const options = {
      env: { PATH: process.env.PATH },
      projectRoot,
      probeUrl: `mysql://root@127.0.0.1:${await closedPort()}`,
      searchDirs: [path.dirname(serverBinary ?? "")],
    };
    const first = await resolveMysql(options);
    if (first.server) servers.push(first.server);
    expect(first.source).toBe("private");
    expect(first.url).toMatch(/^mysql:\/\/root@127\.0\.0\.1:\d+\/analytics$/);
    await expect(query(first.url, "SELECT DATABASE() AS db")).resolves.toEqual([{ db: "analytics" }]);
    const [{ collation }] = await query<{ collation: string }[]>(
      first.url,
      "SELECT DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'analytics'",
    );
    expect(collation).toBe("utf8mb4_bin");

    const logged: string[] = [];
    const second = await resolveMysql({ ...options, log: (line) => logged.push(line) });
    expect(second.url).toBe(first.url);
    expect(second.server?.running).toBe(true);
    expect(logged.join("\n")).toMatch(/reusing the private server/);

    // A fresh instance on the same directory stops the server an earlier run left behind.
    await new PrivateMysqlServer({ dataDir: path.join(projectRoot, ".local", "mysql") }).stop();
    expect(first.server?.running).toBe(false);
    await expect(mysqlAnswers(first.url)).resolves.toBe(false);
  });

  it("fails fast with the server's log when the server cannot start", async () => {
    const dataDir = await tempDir("mysql-broken-");
    await mkdir(path.join(dataDir, "data")); // looks initialized, has no system tables
    const server = new PrivateMysqlServer({ dataDir, port: 0 });
    servers.push(server);
    const started = Date.now();
    await expect(server.start()).rejects.toThrow(/exited with code \d+; .*mysqld\.log ends with:\n[\s\S]*\[ERROR\]/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.running).toBe(false);
  });

  it("refuses a fixed port that is taken", async () => {
    const dataDir = await tempDir("mysql-taken-");
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const server = new PrivateMysqlServer({ dataDir, port });
      servers.push(server);
      // Checked before initializing or spawning anything.
      await expect(server.start()).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
      expect(server.running).toBe(false);
      expect(existsSync(path.join(dataDir, "data"))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
