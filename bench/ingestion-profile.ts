/**
 * Where ingestion's time goes, statement by statement: fresh orders through the real ingest
 * handler (bench/ingestion.ts, into its scratch store beside the loaded bench store), with every
 * database statement timed through the pool's tracing hook (functions/db/tracing.ts) and summed
 * per operation and table. Run against a store `npm run bench` loaded:
 *
 * `npx tsx bench/ingestion-profile.ts [--orders 10000] [--concurrency 4]` (MYSQL_URL's server, analytics_bench)
 *
 * Statement time includes waits for row locks held by the other requests in flight.
 */
import { createDatabase } from "../functions/db/connection";
import { setSharedDatabase } from "../functions/db/shared-database";
import type { SegmentSource, TraceSubsegment } from "../functions/db/tracing";
import { BENCH_LIMITS, reuseBenchStore } from "./load";
import { localServerCpu } from "./server-cpu";

// Read by Powertools when the handler loads (the dynamic import below): no metric lines in the output.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};

/** A stand-in for X-Ray's segment that keeps each statement's duration per `operation table`. */
function statementClock(): { source: SegmentSource; totals: Map<string, { count: number; ms: number }> } {
  const totals = new Map<string, { count: number; ms: number }>();
  const subsegment = (name: string): TraceSubsegment => {
    const started = performance.now();
    let table = "";
    let failed = "";
    return {
      addAnnotation: (key, value) => {
        if (key === "db_table") table = String(value);
        if (key === "db_error_code") failed = ` !${String(value)}`;
      },
      addMetadata: () => undefined,
      addErrorFlag: () => undefined,
      addFaultFlag: () => undefined,
      close: () => {
        const key = `${name.replace("mysql.", "")} ${table}${failed}`.trim();
        const total = totals.get(key) ?? { count: 0, ms: 0 };
        total.count += 1;
        total.ms += performance.now() - started;
        totals.set(key, total);
      },
    };
  };
  const source: SegmentSource = {
    isTracingEnabled: () => true,
    getSegment: () => ({ addNewSubsegment: subsegment }),
  };
  return { source, totals };
}

async function main(): Promise<void> {
  const url = process.env.BENCH_URL ?? "mysql://root@127.0.0.1:3306/analytics_bench";
  const clock = statementClock();
  // The handler's statements are timed; the bare INSERTs and the set-up go through a plain handle.
  const handle = createDatabase({ kind: "url", url }, BENCH_LIMITS, undefined, { tracer: clock.source });
  const plain = createDatabase({ kind: "url", url }, BENCH_LIMITS);
  setSharedDatabase(handle);
  try {
    const { store, meta } = await reuseBenchStore(plain.db, "analytics_bench");
    const { measureIngestion } = await import("./ingestion");
    const result = await measureIngestion(
      plain.db,
      store,
      meta,
      {
        orders: arg("--orders", 10_000),
        concurrency: arg("--concurrency", 4),
        rounds: 1,
        serverCpu: localServerCpu(url),
      },
      (line) => process.stderr.write(`${line}\n`),
    );
    const rows = [...clock.totals.entries()].sort(([, a], [, b]) => b.ms - a.ms);
    const all = rows.reduce((sum, [, t]) => sum + t.ms, 0);
    process.stdout.write(
      `${result.orders} orders: ${Math.round(result.ordersPerSec)} orders/s through the handler, ` +
        `${Math.round(result.bareInsertOrdersPerSec)} bare (ratio ${result.ratio})\n` +
        `statement time by operation and table (all connections, lock waits included; ${Math.round(all)} ms):\n`,
    );
    for (const [key, { count, ms }] of rows)
      process.stdout.write(
        `${key.padEnd(28)} ${String(count).padStart(7)}  ${ms.toFixed(0).padStart(8)} ms  ` +
          `${((ms / all) * 100).toFixed(1).padStart(5)} %\n`,
      );
  } finally {
    setSharedDatabase(undefined);
    await Promise.all([handle.db.destroy(), plain.db.destroy()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
