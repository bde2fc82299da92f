/**
 * `npm test` leaves nothing behind: the private MySQL server its global setup started is stopped
 * by the global teardown (and a server it only found running is left alone), and the temp
 * entries the tests make (cdktf's `Testing.app()` outdirs, ...) go with the run's temp folder.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import {
  defaultServerSearchDirs,
  findServerBinary,
  mysqlAnswers,
  PrivateMysqlServer,
} from "../../tools/local/mysql-server";
import { startSuite, stopSuite } from "./global-setup";

jest.setTimeout(120_000);

const root = path.resolve(__dirname, "../..");
const made: string[] = [];
const servers: PrivateMysqlServer[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** mariadbd/mysqld processes whose --datadir is inside `dir` (read from /proc). */
function serversUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // gone meanwhile
    }
    if (!/(mariadbd|mysqld)$/.test(args[0] ?? "")) continue;
    const datadir = args.find((arg) => arg.startsWith("--datadir="))?.slice("--datadir=".length);
    if (datadir && (datadir === dir || datadir.startsWith(`${dir}${path.sep}`))) pids.push(Number(entry));
  }
  return pids;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const serverBinary = findServerBinary(defaultServerSearchDirs());
const onLinux = process.platform === "linux";
const describeWithBinary = serverBinary && onLinux ? describe : describe.skip;

describeWithBinary("global setup and teardown with a private server", () => {
  async function options(projectRoot: string) {
    return {
      env: { PATH: process.env.PATH },
      projectRoot,
      probeUrl: `mysql://root@127.0.0.1:${await closedPort()}`,
      searchDirs: [path.dirname(serverBinary!)],
      tempParent: tempDir("suite-temp-"),
      log: () => undefined,
    };
  }

  it("the teardown stops the private server the setup started, and removes the run's temp folder", async () => {
    const projectRoot = tempDir("suite-project-");
    const state = await startSuite(await options(projectRoot));
    expect(state.startedServer?.launched).toBe(true);
    expect(serversUnder(projectRoot)).toHaveLength(1);
    await expect(mysqlAnswers(state.databaseUrl)).resolves.toBe(true);
    writeFileSync(path.join(state.tempRoot, "left-by-a-test"), "x");

    await stopSuite(state);
    expect(serversUnder(projectRoot)).toEqual([]);
    expect(existsSync(state.tempRoot)).toBe(false);
  });

  it("the teardown leaves alone a private server the setup found running", async () => {
    const projectRoot = tempDir("suite-project-");
    const running = new PrivateMysqlServer({ dataDir: path.join(projectRoot, ".local", "mysql") });
    servers.push(running);
    await running.start();
    const pids = serversUnder(projectRoot);
    expect(pids).toHaveLength(1);

    const state = await startSuite(await options(projectRoot));
    expect(state.startedServer).toBeUndefined();
    await stopSuite(state);
    expect(serversUnder(projectRoot)).toEqual(pids);
    expect(running.running).toBe(true);
  });
});

(onLinux ? it : it.skip)("a run of stack tests leaves no temp entry and no server process behind", async () => {
  const tmp = tempDir("suite-run-");
  const privateBefore = serversUnder(path.join(root, ".local"));
  const child = spawn(
    process.execPath,
    [
      require.resolve("jest/bin/jest"),
      "--maxWorkers=2",
      "__tests__/stacks/smoke-secret.test.ts",
      "__tests__/stacks/data.test.ts",
    ],
    // The run's own server comes from MYSQL_URL (this run's database: the child makes one of its own next to it).
    { cwd: root, env: { ...process.env, TMPDIR: tmp, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("Tests:") });
  expect(output).toMatch(/PASS __tests__\/stacks\/smoke-secret\.test\.ts/);

  // jest keeps its transform cache in the temp folder (jest_*): that one is meant to stay.
  const left = readdirSync(tmp).filter((name) => !name.startsWith("jest_"));
  expect(left).toEqual([]);
  expect(serversUnder(tmp)).toEqual([]);
  expect(serversUnder(path.join(root, ".local"))).toEqual(privateBefore);
});
