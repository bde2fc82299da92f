import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { Logger } from "@aws-lambda-powertools/logger";
import { mockClient } from "aws-sdk-client-mock";
import { sql } from "kysely";
import { createDatabase, type DatabaseHandle } from "../../../functions/db/connection";
import { RetryBudgetExhaustedError, type BackoffPolicy } from "../../../functions/db/retry";
import {
  APP_LOGIN_LIMITS,
  openMigrationDatabase,
  runMigrationJob,
  type JobDependencies,
} from "../../../functions/handlers/migrate";

/**
 * The migration before the proxy's target is usable, with REAL connections: a loopback TCP
 * forwarder in front of the test server refuses (resets or closes) its first N connections and
 * then forwards, as a proxy whose target is still registering would. The run connects through it
 * with the production code (openMigrationDatabase, retry, migrate, ensureAppUser), then checks the
 * app user's login, which fails with ER_ACCESS_DENIED until the "proxy" has the new secret.
 */
interface Forwarder {
  port: number;
  /** Connections seen, and how each was treated. */
  seen: ("reset" | "closed" | "forwarded")[];
  close(): Promise<void>;
}

async function startForwarder(target: { host: string; port: number }, refuseFirst: number): Promise<Forwarder> {
  const seen: Forwarder["seen"] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    const n = seen.length;
    if (n < refuseFirst) {
      // Alternate a TCP reset (ECONNRESET) and a plain close before the greeting (PROTOCOL_CONNECTION_LOST).
      if (n % 2 === 0) {
        seen.push("reset");
        client.resetAndDestroy();
      } else {
        seen.push("closed");
        client.destroy();
      }
      return;
    }
    seen.push("forwarded");
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    seen,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const fast: BackoffPolicy = { budgetMs: 20_000, initialDelayMs: 200, maxDelayMs: 1_000, multiplier: 2 };

describe("migration before the proxy's target is usable (real connections through a refusing forwarder)", () => {
  const serverUrl = new URL(process.env.MYSQL_URL!);
  const database = decodeURIComponent(serverUrl.pathname.slice(1));
  const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-db-Retry01";
  const username = `app_retry_${randomBytes(4).toString("hex")}`;
  const secretsMock = mockClient(SecretsManagerClient);
  const secrets = new SecretsManagerClient({ region: "eu-west-1" });
  let stored: string | undefined;
  let root: DatabaseHandle;
  const forwarders: Forwarder[] = [];

  beforeAll(() => {
    root = createDatabase({ kind: "url", url: process.env.MYSQL_URL! });
  });
  beforeEach(() => {
    secretsMock.reset();
    secretsMock.on(GetSecretValueCommand).callsFake(async () => {
      if (stored === undefined) throw new ResourceNotFoundException({ message: "no AWSCURRENT", $metadata: {} });
      return { SecretString: stored };
    });
    secretsMock.on(PutSecretValueCommand).callsFake(async (input: { SecretString?: string }) => {
      stored = input.SecretString;
      return {};
    });
  });
  afterAll(async () => {
    await Promise.all(forwarders.map((f) => f.close()));
    await sql.raw(`drop user if exists '${username}'@'%'`).execute(root.db);
    await root.db.destroy();
    secretsMock.restore();
  });

  function urlVia(port: number, user = "root", password?: string): string {
    const url = new URL(process.env.MYSQL_URL!);
    url.port = String(port);
    url.username = user;
    url.password = password ?? "";
    return url.toString();
  }

  /** The app user's login "through the proxy": the proxy knows the secret's password only from the k-th login on. */
  function appLogin(options: { proxyReadsSecretAtAttempt: number }) {
    let attempts = 0;
    let proxyPassword = "password-the-proxy-had-before";
    return () => {
      attempts += 1;
      if (attempts >= options.proxyReadsSecretAtAttempt) proxyPassword = JSON.parse(stored!).password;
      return createDatabase(
        { kind: "url", url: urlVia(Number(serverUrl.port || 3306), username, proxyPassword) },
        APP_LOGIN_LIMITS,
      );
    };
  }

  function deps(
    port: number,
    overrides: Partial<Omit<JobDependencies, "logger">>,
  ): JobDependencies & { logger: Logger } {
    const logger = new Logger({ serviceName: "migrate-retry-test" });
    return {
      openMaster: () => openMigrationDatabase({ kind: "url", url: urlVia(port) }),
      openApp: appLogin({ proxyReadsSecretAtAttempt: 1 }),
      appUser: { secrets, secretArn, username, database },
      connectRetry: fast,
      appLoginRetry: fast,
      ...overrides,
      logger,
    };
  }

  it("connects after 4 refusals, migrates, logs each failure; waits out app login's ER_ACCESS_DENIED", async () => {
    const forwarder = await startForwarder({ host: serverUrl.hostname, port: Number(serverUrl.port || 3306) }, 4);
    forwarders.push(forwarder);
    stored = undefined;
    const d = deps(forwarder.port, { openApp: appLogin({ proxyReadsSecretAtAttempt: 3 }) });
    const warn = jest.spyOn(d.logger, "warn");
    const info = jest.spyOn(d.logger, "info");

    const started = Date.now();
    const result = await runMigrationJob(d);
    const elapsed = Date.now() - started;

    expect(result).toEqual({ applied: [], appUser: "created", connectAttempts: 5, appLoginAttempts: 3 });
    expect(forwarder.seen.slice(0, 5)).toEqual(["reset", "closed", "reset", "closed", "forwarded"]);

    const retries = warn.mock.calls.map(([message, extra]) => ({
      message: String(message),
      ...(extra as object),
    })) as Array<{
      message: string;
      operation: string;
      attempt: number;
      errorCode?: string;
      errorMessage: string;
      nextDelayMs: number;
    }>;
    const connectRetries = retries.filter((r) => r.operation.startsWith("connect"));
    expect(connectRetries.map((r) => [r.attempt, r.errorCode])).toEqual([
      [1, "ECONNRESET"],
      [2, "PROTOCOL_CONNECTION_LOST"],
      [3, "ECONNRESET"],
      [4, "PROTOCOL_CONNECTION_LOST"],
    ]);
    connectRetries.forEach((r, i) => {
      const cap = Math.min(fast.maxDelayMs, fast.initialDelayMs * 2 ** i);
      expect(r.nextDelayMs).toBeGreaterThanOrEqual(cap / 2);
      expect(r.nextDelayMs).toBeLessThanOrEqual(cap);
      expect(r.message).toBe(
        `connect to the database as the master user: attempt ${r.attempt} failed, retrying in ${r.nextDelayMs} ms`,
      );
      expect(r.errorMessage).toMatch(/ECONNRESET|Connection lost/);
    });
    const loginRetries = retries.filter((r) => r.operation.startsWith("log in"));
    expect(loginRetries.map((r) => [r.attempt, r.errorCode])).toEqual([
      [1, "ER_ACCESS_DENIED_ERROR"],
      [2, "ER_ACCESS_DENIED_ERROR"],
    ]);
    expect(info).toHaveBeenCalledWith("connected to the database", expect.objectContaining({ attempts: 5 }));
    expect(info).toHaveBeenCalledWith(
      "application user logged in",
      expect.objectContaining({ attempts: 3, currentUser: `${username}@%` }),
    );

    const waited = retries.reduce((sum, r) => sum + r.nextDelayMs, 0);
    expect(elapsed).toBeGreaterThanOrEqual(waited);
    console.info(
      `retry timings: connect waits ${connectRetries.map((r) => r.nextDelayMs).join("+")} ms, ` +
        `login waits ${loginRetries.map((r) => r.nextDelayMs).join("+")} ms, whole run ${elapsed} ms`,
    );
  }, 60_000);

  it("gives up connecting when the budget is spent, with an error naming it, having logged every attempt", async () => {
    const forwarder = await startForwarder(
      { host: serverUrl.hostname, port: Number(serverUrl.port || 3306) },
      Number.MAX_SAFE_INTEGER,
    );
    forwarders.push(forwarder);
    const budget: BackoffPolicy = { ...fast, budgetMs: 1_500 };
    const d = deps(forwarder.port, { connectRetry: budget });
    const warn = jest.spyOn(d.logger, "warn");
    const error = jest.spyOn(d.logger, "error");

    const started = Date.now();
    const failure = await runMigrationJob(d).catch((e: unknown) => e);
    const elapsed = Date.now() - started;

    expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((failure as Error).message).toMatch(
      /^connect to the database as the master user: gave up after \d+ attempts in \d+ ms \(retry budget 1500 ms\); last error: (ECONNRESET|PROTOCOL_CONNECTION_LOST)/,
    );
    const attempts = (failure as RetryBudgetExhaustedError).attempts;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(forwarder.seen).toHaveLength(attempts);
    expect(warn).toHaveBeenCalledTimes(attempts - 1);
    expect(error).toHaveBeenCalledTimes(1);
    expect(elapsed).toBeGreaterThanOrEqual(1_500);
    expect(elapsed).toBeLessThan(1_500 + 1_000); // the last attempt starts at the budget's edge and fails fast
    console.info(`give-up timing: ${attempts} attempts, ${elapsed} ms for a 1500 ms budget`);
  }, 30_000);

  it("fails the run (so the deploy) when the app user never logs in within its budget", async () => {
    const forwarder = await startForwarder({ host: serverUrl.hostname, port: Number(serverUrl.port || 3306) }, 0);
    forwarders.push(forwarder);
    const d = deps(forwarder.port, {
      openApp: appLogin({ proxyReadsSecretAtAttempt: Number.MAX_SAFE_INTEGER }),
      appLoginRetry: { ...fast, budgetMs: 1_000 },
    });
    const failure = await runMigrationJob(d).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((failure as Error).message).toMatch(
      new RegExp(
        `^log in as the application user '${username}' after the migration filled the app secret: ` +
          `gave up after \\d+ attempts in \\d+ ms \\(retry budget 1000 ms\\); ` +
          `last error: ER_ACCESS_DENIED_ERROR Access denied`,
      ),
    );
  }, 30_000);

  it("does not retry a fatal error: a statement the server rejects fails the run at once", async () => {
    const forwarder = await startForwarder({ host: serverUrl.hostname, port: Number(serverUrl.port || 3306) }, 0);
    forwarders.push(forwarder);
    const noSuchDatabase = new URL(urlVia(forwarder.port));
    noSuchDatabase.pathname = "/analytics_test_does_not_exist";
    const d = deps(forwarder.port, {
      openMaster: () => openMigrationDatabase({ kind: "url", url: noSuchDatabase.toString() }),
    });
    const warn = jest.spyOn(d.logger, "warn");
    await expect(runMigrationJob(d)).rejects.toMatchObject({ code: "ER_BAD_DB_ERROR" });
    expect(warn).not.toHaveBeenCalled();
    expect(forwarder.seen).toEqual(["forwarded"]);
  }, 30_000);
});
