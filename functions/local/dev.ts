/**
 * `npm run dev`: the API on a local port, like API Gateway in front of the Lambda handlers,
 * against a local MySQL (MYSQL_URL, else 127.0.0.1:3306, else a private server), migrated,
 * with a seeded demo store.
 *
 * Environment: PORT (default 3000; 0 = any free port), HOST (default 127.0.0.1),
 * DEMO_DATA=0 (no demo store), DEMO_ORDERS / DEMO_SEED (scale and seed of the demo).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

// Powertools reads these when its objects are created, at module load: set them before the
// handler modules are imported (hence the dynamic imports below).
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";
process.env.POWERTOOLS_DEV ??= "true";

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function intFromEnv(name: string, fallback: number | undefined): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
}

const SHUTDOWN_GRACE_MS = 5_000;
const state: { server?: Server; stopping: boolean; cleanups: (() => Promise<unknown>)[] } = { stopping: false, cleanups: [] };

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (state.stopping) {
    err(`${signal} again: exiting now`);
    process.exit(1);
  }
  state.stopping = true;
  err(`${signal}: shutting down`);
  const { server } = state;
  if (server) {
    const closed = new Promise((resolve) => server.close(resolve));
    // close() waits for requests in flight; a stuck one does not hold the shutdown for ever.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    await closed;
  }
  for (const cleanup of state.cleanups.reverse()) await cleanup().catch((error: unknown) => err(`shutdown: ${String(error)}`));
  process.exit(0);
}

async function main(): Promise<void> {
  const port = intFromEnv("PORT", 3000)!;
  const host = process.env.HOST || "127.0.0.1";
  const { resolveMysql, ensureDatabase } = await import("./mysql-server");
  const { createDatabase, LOCAL_LIMITS } = await import("../db/connection");
  const { setSharedDatabase } = await import("../db/shared-database");
  const { migrateToLatest } = await import("../db/migrate");
  const { createGateway } = await import("./gateway");
  const cleanups = state.cleanups;

  const mysql = await resolveMysql({ log: err });
  if (mysql.server) cleanups.push(() => mysql.server!.stop());
  if (mysql.source === "env") {
    // MYSQL_URL may name a database that does not exist yet; without the privilege to create it, migration says what is wrong.
    await ensureDatabase(mysql.url).catch((error: unknown) => err(`mysql: could not create the database: ${String(error)}`));
  }
  const handle = createDatabase({ kind: "url", url: mysql.url }, LOCAL_LIMITS);
  cleanups.push(() => handle.db.destroy());
  setSharedDatabase(handle);
  await migrateToLatest(handle.db);

  let apiKey: string | undefined;
  if (process.env.DEMO_DATA !== "0") {
    const { ensureDemoStore } = await import("../demo/seed");
    const seeded = await ensureDemoStore(handle.db, { demo: { orders: intFromEnv("DEMO_ORDERS", undefined), seed: intFromEnv("DEMO_SEED", undefined) } });
    if (seeded.counts) {
      const c = seeded.counts;
      err(`demo: loaded ${c.ordersCreated} orders, ${c.refunds} refunds, ${c.eventsAccepted} events into store ${seeded.store.id}`);
    }
    apiKey = seeded.apiKey;
    out(`Demo store (id ${seeded.store.id}, ${seeded.store.currency}, ${seeded.store.timezone}) API key: ${apiKey}`);
    if (!seeded.created) out("(the demo store already existed: its key was rotated; the previous key no longer works)");
  }
  if (state.stopping) return;

  const server = createGateway({ db: handle.db, log: err });
  state.server = server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} on ${host} is in use: set PORT to another port (0 = any free one)`) : error),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  out(`listening on ${url}`);
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
  out(`try: curl -H 'x-api-key: ${apiKey ?? "<key from npm run store -- create>"}' '${url}/api/v1/reports/summary?from=${yearAgo}'`);
}

process.on("SIGINT", (signal) => void stop(signal));
process.on("SIGTERM", (signal) => void stop(signal));

main().catch((error: unknown) => {
  if (state.stopping) return; // the shutdown closed the database under a running step
  err(`dev: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
