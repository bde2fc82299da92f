/**
 * `npm run dev` end to end: a child process on its own new database, seeded with a small demo,
 * answering a report with the key it printed, then stopping cleanly on SIGTERM.
 *
 * The child is `node --import tsx functions/local/dev.ts` (what `npx tsx` runs, minus the npm and
 * tsx wrapper processes) so the signal reaches dev.ts directly and its exit code is the one seen.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createConnection } from "mysql2/promise";

jest.setTimeout(60_000);

const root = path.resolve(__dirname, "../..");
const devUrl = (() => {
  const url = new URL(process.env.MYSQL_URL!);
  url.pathname = `${url.pathname}_dev`;
  return url.toString();
})();
const devDatabase = decodeURIComponent(new URL(devUrl).pathname.slice(1));

interface DevProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];

function startDev(): DevProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "functions/local/dev.ts"], {
    cwd: root,
    env: { ...process.env, MYSQL_URL: devUrl, PORT: "0", DEMO_ORDERS: "300", POWERTOOLS_LOG_LEVEL: "WARN" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForListening(dev: DevProcess, timeoutMs = 40_000): Promise<{ url: string; apiKey: string }> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void dev.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline && !exitedEarly) {
    const listening = /listening on (http:\/\/\S+)/.exec(dev.stdout());
    if (listening) {
      const key = /API key: (eak_[0-9a-f]+)/.exec(dev.stdout());
      if (!key) throw new Error(`no API key printed:\n${dev.stdout()}`);
      return { url: listening[1]!, apiKey: key[1]! };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`dev server did not start:\nstdout:\n${dev.stdout()}\nstderr:\n${dev.stderr()}`);
}

async function dropDevDatabase(): Promise<void> {
  if (!/^analytics_test_\w+_dev$/.test(devDatabase)) throw new Error(`refusing to drop ${devDatabase}`);
  const server = new URL(devUrl);
  server.pathname = "";
  const connection = await createConnection(server.toString());
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${devDatabase}\``);
  } finally {
    await connection.end();
  }
}

async function stop(dev: DevProcess): Promise<void> {
  dev.child.kill("SIGTERM");
  const exit = await dev.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(dev.stderr()).toContain("SIGTERM: shutting down");
}

const summaryPath = () => `/api/v1/reports/summary?from=${new Date(Date.now() - 366 * 86_400_000).toISOString().slice(0, 10)}`;

beforeAll(dropDevDatabase);

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await dropDevDatabase();
});

it("seeds a demo store, serves it with the printed key, and stops cleanly on SIGTERM", async () => {
  const first = startDev();
  const { url, apiKey } = await waitForListening(first);
  expect(first.stdout()).toContain("try: curl");

  const response = await fetch(`${url}${summaryPath()}`, { headers: { "x-api-key": apiKey } });
  expect(response.status).toBe(200);
  const summary = (await response.json()) as { orders: number; currency: string };
  expect(summary.orders).toBeGreaterThan(0);
  expect(summary.currency).toBe("USD");
  await stop(first);

  // A second start finds the demo store: it rotates the key instead of seeding again.
  const second = startDev();
  const again = await waitForListening(second);
  expect(again.apiKey).not.toBe(apiKey);
  expect(second.stdout()).toContain("already existed");
  expect((await fetch(`${again.url}${summaryPath()}`, { headers: { "x-api-key": again.apiKey } })).status).toBe(200);
  expect((await fetch(`${again.url}${summaryPath()}`, { headers: { "x-api-key": apiKey } })).status).toBe(403);
  await stop(second);
});
