/**
 * What the local commands say when the database cannot be used: what failed, for which URL
 * (password masked), what to do; no stack trace; the 3 s connect timeout honoured.
 */
import { spawn } from "node:child_process";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import path from "node:path";
import {
  DatabaseSetupError,
  describeDatabaseFailure,
  formatCommandError,
  isConnectionFailure,
  maskUrl,
  parseMysqlUrl,
} from "../../../tools/local/database-errors";

jest.setTimeout(60_000);

const root = path.resolve(__dirname, "../../..");

describe("maskUrl", () => {
  it("masks the password of a URL, and of a string that only looks like one", () => {
    expect(maskUrl("mysql://app:s3cr%40t@db:3310/shop")).toBe("mysql://app:***@db:3310/shop");
    expect(maskUrl("mysql://root@127.0.0.1:3306/analytics")).toBe("mysql://root@127.0.0.1:3306/analytics");
    expect(maskUrl("mysql://app:pa ss@db:port/x")).toBe("mysql://app:***@db:port/x");
    expect(maskUrl("not a url")).toBe("not a url");
  });
});

describe("parseMysqlUrl", () => {
  it("accepts mysql:// URLs and names the form otherwise", () => {
    expect(parseMysqlUrl("mysql://root@127.0.0.1:3306/analytics").port).toBe("3306");
    expect(() => parseMysqlUrl("")).toThrow(DatabaseSetupError);
    expect(() => parseMysqlUrl("127.0.0.1:3306")).toThrow(/MYSQL_URL is not a URL: "127\.0\.0\.1:3306"/);
    expect(() => parseMysqlUrl("mariadb://root@127.0.0.1/analytics")).toThrow(/MYSQL_URL must be a mysql:\/\/ URL/);
    expect(() => parseMysqlUrl("mysql:///analytics")).toThrow(/MYSQL_URL names no host/);
  });
});

describe("describeDatabaseFailure", () => {
  const url = "mysql://app:hunter2@db.internal:3310/shop";
  const describe_ = (code: string, message = code) =>
    describeDatabaseFailure(Object.assign(new Error(message), { code }), url).message;

  it.each([
    [
      "ER_ACCESS_DENIED_ERROR",
      'the server refused user "app": wrong user name or password',
      "correct the user and password in MYSQL_URL",
    ],
    ["ER_DBACCESS_DENIED_ERROR", 'user "app" may not use the database "shop"', "grant it (GRANT ALL ON `shop`.*"],
    [
      "ER_BAD_DB_ERROR",
      'the database "shop" does not exist and could not be created',
      "create it (CREATE DATABASE `shop`",
    ],
    ["ECONNREFUSED", "nothing accepts connections on db.internal:3310 (ECONNREFUSED)", "start the MySQL server there"],
    [
      "ETIMEDOUT",
      "no answer from db.internal:3310 within 3 s (ETIMEDOUT)",
      "check the host and port in MYSQL_URL, that the server runs, and that no firewall drops the connection",
    ],
    ["ENOTFOUND", 'the host name "db.internal" does not resolve (ENOTFOUND)', "correct the host in MYSQL_URL"],
  ])("%s: what failed, the URL without its password, what to do", (code, what, advice) => {
    const message = describe_(code);
    expect(message).toContain("cannot use the database mysql://app:***@db.internal:3310/shop (MYSQL_URL): ");
    expect(message).toContain(what);
    expect(message).toContain(`\nWhat to do: ${advice}`);
    expect(message).not.toContain("hunter2");
  });

  it("finds the code in the cause chain (the migrator wraps the driver's error)", () => {
    const driver = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const wrapped = new Error("migration unknown failed: connect ECONNREFUSED 127.0.0.1:1", { cause: driver });
    expect(isConnectionFailure(wrapped)).toBe(true);
    expect(describeDatabaseFailure(wrapped, url).message).toContain("nothing accepts connections on db.internal:3310");
    expect(isConnectionFailure(Object.assign(new Error("syntax"), { code: "ER_PARSE_ERROR" }))).toBe(false);
  });

  it("formatCommandError: an expected failure without a stack, a bug with one", () => {
    expect(formatCommandError(describeDatabaseFailure({ code: "ECONNREFUSED", message: "x" }, url))).not.toMatch(
      /\n\s+at /,
    );
    expect(formatCommandError(new TypeError("boom"))).toMatch(/^TypeError: boom\n\s+at /);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runStoreCli(mysqlUrl: string): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "tools/local/store-cli.ts", "list"], {
    cwd: root,
    env: { ...process.env, MYSQL_URL: mysqlUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

function suiteServer(): URL {
  const url = new URL(process.env.MYSQL_URL!);
  url.pathname = "/analytics";
  return url;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("npm run store with a MYSQL_URL it cannot use", () => {
  let silent: Server;
  const held: Socket[] = [];
  let silentPort: number;
  beforeAll(async () => {
    silent = createServer((socket) => held.push(socket)); // accepts, never answers: a hung or firewalled server
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("a wrong password: exit 1, the user, the masked URL, what to do", async () => {
    const url = suiteServer();
    url.password = "wrong-password";
    const run = await runStoreCli(url.toString());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: cannot use the database mysql://root:***@${url.host}/analytics (MYSQL_URL): the server refused user "root"`,
    );
    expect(run.stderr).toContain("What to do: correct the user and password in MYSQL_URL");
    expect(run.stderr).not.toContain("wrong-password");
    expect(run.stderr).not.toContain("migration");
    noStack(run.stderr);
  });

  it("a closed port: exit 1 at once", async () => {
    const run = await runStoreCli("mysql://root@127.0.0.1:1/analytics");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("nothing accepts connections on 127.0.0.1:1 (ECONNREFUSED)");
    noStack(run.stderr);
  });

  it("a server that never answers: exit 1 after the connect timeout (3 s), not 15", async () => {
    const run = await runStoreCli(`mysql://root@127.0.0.1:${silentPort}/analytics`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no answer from 127.0.0.1:${silentPort} within 3 s (ETIMEDOUT)`);
    noStack(run.stderr);
    // 3 s of connect timeout plus the start of node, tsx and the CLI's modules.
    expect(run.ms).toBeLessThan(5_500);
  });

  it('"not a url": exit 1, the form MYSQL_URL takes', async () => {
    const run = await runStoreCli("not a url");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: MYSQL_URL is not a URL: "not a url".\nWhat to do: set it as mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
    );
    expect(run.stderr).not.toContain("Invalid URL");
    noStack(run.stderr);
  });
});
