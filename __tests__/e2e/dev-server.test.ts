/**
 * `npm run dev` end to end: a child process on its own new database, seeded with a small demo,
 * answering a report with the key it printed, then stopping cleanly on SIGTERM; the same key on
 * every start; a start on a busy port that changes nothing; clear database errors.
 *
 * The child is `node --import tsx tools/local/dev.ts` (what `npx tsx` runs, minus the npm and
 * tsx wrapper processes) so the signal reaches dev.ts directly and its exit code is the one seen.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { createConnection } from "mysql2/promise";

jest.setTimeout(90_000);

const root = path.resolve(__dirname, "../..");
const devUrl = (() => {
  const url = new URL(process.env.MYSQL_URL!);
  url.pathname = `${url.pathname}_dev`;
  return url.toString();
})();
const devDatabase = decodeURIComponent(new URL(devUrl).pathname.slice(1));
const keyDir = mkdtempSync(path.join(os.tmpdir(), "dev-key-"));
const keyFile = path.join(keyDir, "demo-api-key");
// The sign-in's key and users, and a stand-in for the built dashboard (vite's build is not this test's).
const authDir = path.join(keyDir, "auth");
const distDir = path.join(keyDir, "dist");
mkdirSync(distDir);
writeFileSync(path.join(distDir, "index.html"), "<!doctype html><title>Dashboard stand-in</title>");

interface DevProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Milliseconds since the spawn at which `text` first appeared on stderr. */
  sawAt: (text: string) => number | undefined;
}

const started: ChildProcess[] = [];

function startDev(
  env: Record<string, string> = {},
  command: readonly string[] = [process.execPath, "--import", "tsx", "tools/local/dev.ts"],
): DevProcess {
  const spawnedAt = Date.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      MYSQL_URL: devUrl,
      PORT: "0",
      DEMO_ORDERS: "300",
      DEMO_KEY_FILE: keyFile,
      LOCAL_AUTH_DIR: authDir,
      DASHBOARD_BUILD: "0",
      DASHBOARD_DIST: distDir,
      POWERTOOLS_LOG_LEVEL: "WARN",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // npm start runs sh and tsx under npm: a group of its own, so all of it can be signalled at once.
    detached: command[0] === "npm",
  });
  started.push(child);
  let out = "";
  let err = "";
  const arrivals: { end: number; at: number }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    arrivals.push({ end: err.length, at: Date.now() - spawnedAt });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const sawAt = (text: string) => {
    const index = err.indexOf(text);
    return index === -1 ? undefined : arrivals.find((arrival) => arrival.end >= index + text.length)?.at;
  };
  return { child, stdout: () => out, stderr: () => err, exited, sawAt };
}

async function waitFor<T>(dev: DevProcess, find: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void dev.exited.then(() => (exitedEarly = true));
  while (Date.now() < deadline && !exitedEarly) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dev server: no ${what}:\nstdout:\n${dev.stdout()}\nstderr:\n${dev.stderr()}`);
}

async function waitForListening(dev: DevProcess): Promise<{ url: string; apiKey: string }> {
  return waitFor(
    dev,
    () => {
      const listening = /listening on (http:\/\/\S+)/.exec(dev.stdout());
      if (!listening) return undefined;
      const key = /API key: (eak_[0-9a-f]+)/.exec(dev.stdout());
      if (!key) throw new Error(`no API key printed:\n${dev.stdout()}`);
      return { url: listening[1]!, apiKey: key[1]! };
    },
    "listening line",
  );
}

async function sql<T>(statement: string, values: unknown[] = []): Promise<T> {
  const connection = await createConnection(devUrl);
  try {
    return (await connection.query(statement, values))[0] as T;
  } finally {
    await connection.end();
  }
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

const summaryPath = () =>
  `/api/v1/reports/summary?from=${new Date(Date.now() - 366 * 86_400_000).toISOString().slice(0, 10)}`;
const status = async (url: string, apiKey: string) =>
  (await fetch(`${url}${summaryPath()}`, { headers: { "x-api-key": apiKey } })).status;
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

beforeAll(dropDevDatabase);

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(child.spawnargs[0] === "npm" ? -child.pid! : child.pid!, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  await dropDevDatabase();
  rmSync(keyDir, { recursive: true, force: true });
});

describe("the demo store and its key", () => {
  let firstKey: string;

  it("seeds a demo store, serves it with the printed key, and stops cleanly on SIGTERM", async () => {
    const first = startDev();
    const { url, apiKey } = await waitForListening(first);
    firstKey = apiKey;
    expect(first.stdout()).toContain("try: curl");

    const response = await fetch(`${url}${summaryPath()}`, { headers: { "x-api-key": apiKey } });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as { orders: number; currency: string };
    expect(summary.orders).toBeGreaterThan(0);
    expect(summary.currency).toBe("USD");
    // Kept for the next start, readable by its owner only.
    expect(readFileSync(keyFile, "utf8").trim()).toBe(apiKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    await stop(first);
  });

  it("gives the same key on the next start, without issuing or revoking any", async () => {
    const keysBefore = await sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM api_keys");
    const second = startDev();
    const again = await waitForListening(second);
    expect(again.apiKey).toBe(firstKey);
    expect(second.stdout()).not.toContain("revoked");
    expect(await status(again.url, firstKey)).toBe(200);
    expect(await sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM api_keys")).toEqual(keysBefore);
    await stop(second);
  });

  it("a second start on a busy port exits with a clear message, changes nothing: first key still works", async () => {
    const first = startDev();
    const { url, apiKey } = await waitForListening(first);
    const port = new URL(url).port;
    const keys = await sql<unknown[]>("SELECT id, revoked_at FROM api_keys ORDER BY id");

    const second = startDev({ PORT: port });
    const exit = await second.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(second.stderr()).toContain(`dev: port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr()).toContain("set PORT to another port");
    noStack(second.stderr());
    expect(second.stderr()).not.toContain("mysql:"); // it did not even look for the database
    expect(second.stdout()).toBe("");

    expect(await status(url, apiKey)).toBe(200);
    expect(await sql<unknown[]>("SELECT id, revoked_at FROM api_keys ORDER BY id")).toEqual(keys);
    await stop(first);
  });

  it("replaces a kept key that was revoked (npm run store -- rotate-key on the demo store)", async () => {
    await sql("UPDATE api_keys SET revoked_at = NOW() WHERE revoked_at IS NULL");
    const dev = startDev();
    const { url, apiKey } = await waitForListening(dev);
    expect(apiKey).not.toBe(firstKey);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(apiKey);
    expect(dev.stderr()).toContain("is revoked or another store's");
    expect(await status(url, apiKey)).toBe(200);
    expect(await status(url, firstKey)).toBe(403);
    await stop(dev);
  });
});

describe("npm start", () => {
  it("is the local API with the demo store, fast: no cdktf synth (that is npm run synth)", async () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.start).not.toMatch(/synth/);
    expect(scripts.synth).toMatch(/cdktf synth/);

    const started = Date.now();
    const dev = startDev({}, ["npm", "start"]);
    const { url } = await waitForListening(dev);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // A synth of the 15 stacks alone took 10-12 s; the API with an existing demo store answers in about one.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(`${dev.stdout()}${dev.stderr()}`).not.toMatch(/cdktf|STATE_BUCKET|Synthesizing/i);
    process.kill(-dev.child.pid!, "SIGTERM");
    await dev.exited;
  });
});

describe("the dashboard beside the API", () => {
  it("serves it with its config, the API docs, and a demo user who signs in and reads the demo store", async () => {
    const dev = startDev();
    const { url, apiKey } = await waitForListening(dev);
    expect(dev.stdout()).toContain(
      `Dashboard: ${url}/ (sign in as demo@example.com, password demo-store-password); ` +
        `API documentation: ${url}/docs`,
    );
    expect(await (await fetch(`${url}/`)).text()).toContain("Dashboard stand-in");
    expect(await (await fetch(`${url}/config.json`)).json()).toEqual({
      apiBase: "/api/v1",
      auth: { endpoint: "/local/cognito/", clientId: "local-dashboard", region: "local" },
      demo: { username: "demo@example.com", password: "demo-store-password" },
    });
    expect((await fetch(`${url}/docs`)).status).toBe(200);
    expect(((await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe("3.1.0");

    const signIn = await fetch(`${url}/local/cognito/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: "USER_PASSWORD_AUTH",
        ClientId: "local-dashboard",
        AuthParameters: { USERNAME: "demo@example.com", PASSWORD: "demo-store-password" },
      }),
    });
    expect(signIn.status).toBe(200);
    const { IdToken } = ((await signIn.json()) as { AuthenticationResult: { IdToken: string } }).AuthenticationResult;
    const byPerson = await fetch(`${url}${summaryPath()}`, { headers: { authorization: `Bearer ${IdToken}` } });
    expect(byPerson.status).toBe(200);
    const byKey = await fetch(`${url}${summaryPath()}`, { headers: { "x-api-key": apiKey } });
    expect(await byPerson.json()).toEqual(await byKey.json());
    // The user is kept with a hash of the password only, beside the signing key.
    expect(readFileSync(path.join(authDir, "users.json"), "utf8")).not.toContain("demo-store-password");
    expect(statSync(path.join(authDir, "signing-key.pem")).mode & 0o777).toBe(0o600);
    await stop(dev);
  });
});

describe("a MYSQL_URL it cannot use: what failed, for which URL, what to do; exit 1; no stack trace", () => {
  async function failedStart(mysqlUrl: string): Promise<DevProcess> {
    const dev = startDev({ MYSQL_URL: mysqlUrl, DEMO_DATA: "0" });
    expect(await dev.exited).toEqual({ code: 1, signal: null });
    noStack(dev.stderr());
    expect(dev.stdout()).toBe("");
    return dev;
  }

  it("a wrong password", async () => {
    const url = new URL(devUrl);
    url.password = "wrong-password";
    const dev = await failedStart(url.toString());
    expect(dev.stderr()).toContain(
      `dev: cannot use the database mysql://root:***@${url.host}${url.pathname} (MYSQL_URL): the server refused user "root"`,
    );
    expect(dev.stderr()).toContain("What to do: correct the user and password in MYSQL_URL");
    expect(dev.stderr()).not.toContain("wrong-password");
    expect(dev.stderr()).not.toContain("migration");
  });

  it("a closed port", async () => {
    const dev = await failedStart("mysql://root@127.0.0.1:1/analytics");
    expect(dev.stderr()).toContain("nothing accepts connections on 127.0.0.1:1 (ECONNREFUSED)");
  });

  it("a server that never answers: 503 with Retry-After meanwhile, failure after the 3 s connect timeout", async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const dev = startDev({ MYSQL_URL: `mysql://root@127.0.0.1:${port}/analytics`, DEMO_DATA: "0" });
      const url = await waitFor(dev, () => /dev: bound (http:\/\/\S+);/.exec(dev.stderr())?.[1], "bound line");
      const meanwhile = await fetch(`${url}/health`);
      expect(meanwhile.status).toBe(503);
      expect(meanwhile.headers.get("retry-after")).toBe("2");
      expect(await dev.exited).toEqual({ code: 1, signal: null });
      expect(dev.stderr()).toContain(`no answer from 127.0.0.1:${port} within 3 s (ETIMEDOUT)`);
      noStack(dev.stderr());
      // From the bound port (the database is looked for right after) to the message: the 3 s timeout, not 15.
      const waited = dev.sawAt("dev: cannot use")! - dev.sawAt("dev: bound")!;
      expect(waited).toBeGreaterThanOrEqual(2_900);
      expect(waited).toBeLessThan(4_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('"not a url"', async () => {
    const dev = await failedStart("not a url");
    expect(dev.stderr()).toContain(
      'dev: MYSQL_URL is not a URL: "not a url".\nWhat to do: set it as mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE',
    );
    expect(dev.stderr()).not.toContain("Invalid URL");
    expect(dev.stderr()).not.toContain("dev: bound"); // checked before anything else
  });
});
