/**
 * `npm run dev` (and `npm start`): the API on a local port, like API Gateway in front of the
 * Lambda handlers, against a local MySQL (MYSQL_URL, else 127.0.0.1:3306, else a private
 * server), migrated, with a seeded demo store whose key stays the same across restarts.
 *
 * The port is bound first: a second start on a busy port exits before it touches anything (no
 * migration, no key issued). Until the database is ready the port answers 503 with Retry-After.
 *
 * It also serves what the deployed environment's web stack does: the dashboard (built in the
 * background when dashboard/dist is missing or stale) at `/` with its `/config.json`, the API's
 * documentation at `/docs`, and a stand-in for Cognito at /local/cognito/ where the demo store's
 * person (auth/demo-user.ts) signs in (docs/sign-in.md, "Locally").
 *
 * Environment: PORT (default 3000; 0 = any free port), HOST (default 127.0.0.1),
 * DEMO_DATA=0 (no demo store), DEMO_ORDERS / DEMO_SEED (scale and seed of the demo),
 * DEMO_KEY_FILE (where the demo key is kept; default .local/demo-api-key),
 * LOCAL_AUTH_DIR (the sign-in's key and users; default .local/auth), DASHBOARD_BUILD=0 (never
 * build the dashboard), DASHBOARD_DIST (the built dashboard served; default dashboard/dist).
 */
import { randomUUID } from "node:crypto";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

// Powertools reads these when its objects are created, at module load: set them before the
// handler modules are imported (hence the dynamic imports below).
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";
process.env.POWERTOOLS_DEV ??= "true";

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** A failure the user can fix from its message (bad setting, busy port): printed without a stack. */
class StartupError extends Error {}

function intFromEnv(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new StartupError(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
}

const SHUTDOWN_GRACE_MS = 5_000;
const STARTING_RETRY_AFTER_S = 2;
const root = path.join(import.meta.dirname, "..", "..");
const state: { server?: Server; stopping: boolean; cleanups: (() => Promise<unknown>)[] } = {
  stopping: false,
  cleanups: [],
};

async function closeAll(): Promise<void> {
  const { server } = state;
  if (server?.listening) {
    const closed = new Promise((resolve) => server.close(resolve));
    // close() waits for requests in flight; a stuck one does not hold the shutdown for ever.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    await closed;
  }
  for (const cleanup of state.cleanups.reverse())
    await cleanup().catch((error: unknown) => err(`shutdown: ${String(error)}`));
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (state.stopping) {
    err(`${signal} again: exiting now`);
    process.exit(1);
  }
  state.stopping = true;
  err(`${signal}: shutting down`);
  await closeAll();
  process.exit(0);
}

/**
 * What the port answers while the database is being prepared: 503, as API Gateway does when its backend is not there
 * yet.
 */
const starting: RequestListener = (_req, res) => {
  const body = JSON.stringify({
    error: {
      code: "SERVICE_UNAVAILABLE",
      message: "the local API is starting (preparing the database); retry shortly",
      details: [],
    },
    requestId: randomUUID(),
  });
  res.writeHead(503, {
    "Content-Type": "application/json",
    "Retry-After": String(STARTING_RETRY_AFTER_S),
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
};

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new StartupError(
            `port ${port} on ${host} is already in use (another npm run dev or npm start?). ` +
              "Stop that server, or set PORT to another port (PORT=0: any free one). Nothing was changed.",
          ),
        );
      } else if (error.code === "EACCES" || error.code === "EADDRNOTAVAIL") {
        reject(
          new StartupError(
            `cannot listen on ${host}:${port} (${error.code}): ` +
              "set HOST and PORT to an address of this machine and a port you may use",
          ),
        );
      } else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const port = intFromEnv("PORT", 3000)!;
  const host = process.env.HOST || "127.0.0.1";
  const demoData = process.env.DEMO_DATA !== "0";
  const demoOrders = intFromEnv("DEMO_ORDERS", undefined);
  const demoSeed = intFromEnv("DEMO_SEED", undefined);
  const cleanups = state.cleanups;
  const { parseMysqlUrl } = await import("./database-errors");
  // a malformed one fails before anything else
  if (process.env.MYSQL_URL?.trim()) parseMysqlUrl(process.env.MYSQL_URL.trim());

  // Bind first: a busy port must fail before anything is migrated, seeded or issued.
  const answer: { with: RequestListener } = { with: starting };
  const server = createServer((req, res) => answer.with(req, res));
  state.server = server;
  await listen(server, port, host);
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  err(`dev: bound ${url}; preparing the database`);

  // Beside the database's preparation, not before it: the API does not wait for the dashboard.
  const { buildDashboardIfStale } = await import("./dashboard-build");
  const noBuild = { state: () => undefined, stop: async () => undefined };
  const dashboard = process.env.DASHBOARD_BUILD === "0" ? noBuild : buildDashboardIfStale({ root, log: err });
  cleanups.push(() => dashboard.stop());

  const { resolveMysql } = await import("./mysql-server");
  const { redactUrl } = await import("./mysql-probe");
  const mysql = await resolveMysql({ log: err });
  // A private server this run launched is stopped with it; one an earlier run left is left running.
  if (mysql.server?.launched) cleanups.push(() => mysql.server!.stop());
  if (mysql.source === "env") err(`mysql: using ${redactUrl(mysql.url)} (MYSQL_URL)`);
  if (state.stopping) return;

  const { createDatabase, LOCAL_LIMITS } = await import("../../functions/db/connection");
  const { setSharedDatabase } = await import("../../functions/db/shared-database");
  const { migrateToLatest } = await import("../../functions/db/migrate");
  const { createGateway } = await import("./gateway");
  const { describeDatabaseFailure, isConnectionFailure } = await import("./database-errors");
  const handle = createDatabase({ kind: "url", url: mysql.url }, LOCAL_LIMITS);
  cleanups.push(() => handle.db.destroy());
  // The same two pools as in AWS (docs/read-replicas.md): reports read through their own pool, here
  // on the one local server, so the reader/writer split runs locally too.
  const reader = createDatabase({ kind: "url", url: mysql.url }, LOCAL_LIMITS);
  cleanups.push(() => reader.db.destroy());
  setSharedDatabase(handle, reader);
  const source =
    mysql.source === "env"
      ? "MYSQL_URL"
      : mysql.source === "default"
        ? "the server on 127.0.0.1:3306"
        : "the private server";
  await migrateToLatest(handle.db).catch((error: unknown) => {
    // The database went away or refused us after the check: say so; a migration's own error stays as it is.
    throw isConnectionFailure(error) ? describeDatabaseFailure(error, mysql.url, { source }) : error;
  });

  const { LocalCognito } = await import("./auth/cognito");
  const { localAuthDir } = await import("./auth/local-auth-dir");
  const cognito = new LocalCognito({ baseUrl: url, dir: localAuthDir(process.env) });

  let apiKey: string | undefined;
  let demoUser: { username: string; password: string } | undefined;
  if (demoData) {
    const { ensureDemoStore } = await import("../demo/seed");
    const { demoKeyFor, DEMO_KEY_FILE } = await import("./demo-key");
    const keyFile = path.resolve(process.env.DEMO_KEY_FILE || path.join(root, DEMO_KEY_FILE));
    const key = await demoKeyFor(handle.db, keyFile);
    if (key.replaced)
      err(`demo: the key in ${keyFile} is revoked or another store's in this database; a new one replaces it`);
    const seeded = await ensureDemoStore(handle.db, {
      apiKey: key.apiKey,
      demo: { orders: demoOrders, seed: demoSeed },
    });
    if (seeded.counts) {
      const c = seeded.counts;
      err(
        `demo: loaded ${c.ordersCreated} orders, ${c.refunds} refunds, ` +
          `${c.eventsAccepted} events into store ${seeded.store.id}`,
      );
    }
    apiKey = seeded.apiKey;
    out(`Demo store (id ${seeded.store.id}, ${seeded.store.currency}, ${seeded.store.timezone}) API key: ${apiKey}`);
    if (seeded.rotated) out("(the demo store's earlier keys were revoked for this one)");
    err(`demo: the key is kept in ${keyFile} (0600) and stays the same across restarts`);
    const { DEMO_USER_EMAIL, DEMO_USER_PASSWORD } = await import("./auth/demo-user");
    await cognito.users.ensure({ email: DEMO_USER_EMAIL, password: DEMO_USER_PASSWORD, storeId: seeded.store.id });
    demoUser = { username: DEMO_USER_EMAIL, password: DEMO_USER_PASSWORD };
  }
  if (state.stopping) return;

  // The gateway's request handler (its server is never listened on: this one already is).
  const { createSite } = await import("./site");
  const { API_BASE_PATH } = await import("../../shared/routes");
  const { COGNITO_PATH } = await import("./auth/cognito");
  const site = createSite({
    distDir: path.resolve(process.env.DASHBOARD_DIST || path.join(root, "dashboard", "dist")),
    config: {
      apiBase: API_BASE_PATH,
      auth: { endpoint: COGNITO_PATH, clientId: cognito.clientId, region: "local" },
      ...(demoUser ? { demo: demoUser } : {}),
    },
    openapiFile: path.join(root, "openapi.json"),
    swaggerUiDir: path.join(root, "node_modules", "swagger-ui-dist"),
    dashboardState: () => dashboard.state(),
  });
  // The dev environment's stage cache setting (off unless its config turns it on): one source for both.
  const { loadEnvironments } = await import("../../stacks/config");
  const gateway = createGateway({
    db: handle.db,
    log: err,
    cognito,
    site,
    stageCache: loadEnvironments().dev.api.stageCache,
  });
  answer.with = (req, res) => void gateway.emit("request", req, res);
  out(`listening on ${url}`);
  out(
    `Dashboard: ${url}/` +
      (demoUser ? ` (sign in as ${demoUser.username}, password ${demoUser.password})` : "") +
      `; API documentation: ${url}/docs`,
  );
  if (dashboard.state()) out(`(${dashboard.state()}: ${url}/ says so until it is ready)`);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  out(
    `try: curl -H 'x-api-key: ${apiKey ?? "<key from npm run store -- create>"}' ` +
      `'${url}/api/v1/reports/summary?from=${yearAgo}'`,
  );
  err(`dev: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

process.on("SIGINT", (signal) => void stop(signal));
process.on("SIGTERM", (signal) => void stop(signal));

main().catch(async (error: unknown) => {
  if (state.stopping) return; // the shutdown closed the database under a running step
  state.stopping = true;
  const { formatCommandError } = await import("./database-errors");
  err(`dev: ${error instanceof StartupError ? error.message : formatCommandError(error)}`);
  await closeAll();
  process.exit(1);
});
