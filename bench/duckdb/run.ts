/**
 * `npx tsx bench/duckdb/run.ts [--database analytics_bench] [--iterations 20] [--warmups 2]`: the DuckDB
 * comparison alone, against the store a full `npm run bench` already loaded (nothing is reloaded in
 * MariaDB). Loads the store's raw rows into DuckDB (2 threads), then for each ranged report and range
 * samples the report through the handler and DuckDB's figures, and checks they are equal.
 * Exit codes: 0 all equal, 1 a difference or a failure, 2 bad arguments.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
process.env.POWERTOOLS_TRACE_ENABLED ??= "false";

const USAGE = `usage: npx tsx bench/duckdb/run.ts [options]

  --database NAME        the loaded bench database (default analytics_bench) on MYSQL_URL's server
  --iterations N         measured runs per report and per DuckDB query (default 20)
  --warmups N            warm-up runs of each (default 2)
  --max-case-seconds N   stop sampling one after N s once it has 3 samples (default 60)
  --threads N            DuckDB threads (default 2)
  --report NAME          only this report (as bench/reports.ts names it, e.g. products)
  --ends LIST            only ranges ending on these days (data-end,month-end,late-month,early-month; default all)
  --help, -h             this text`;

async function main(): Promise<number> {
  const { parseFlags, processOutput, reportUsageError, UsageError, wantsHelp, wholeNumberFlag } =
    await import("../../tools/local/cli-args");
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let settings: {
    database: string;
    iterations: number;
    warmups: number;
    maxSeconds: number;
    threads: number;
    report?: string;
    only?: string[];
  };
  try {
    const { values } = parseFlags({
      args: argv,
      allowPositionals: false,
      options: {
        database: { type: "string" },
        iterations: { type: "string" },
        warmups: { type: "string" },
        "max-case-seconds": { type: "string" },
        threads: { type: "string" },
        report: { type: "string" },
        ends: { type: "string" },
      },
    });
    settings = {
      database: values.database ?? "analytics_bench",
      iterations: wholeNumberFlag("iterations", values.iterations) ?? 20,
      warmups: wholeNumberFlag("warmups", values.warmups, 0) ?? 2,
      maxSeconds: wholeNumberFlag("max-case-seconds", values["max-case-seconds"]) ?? 60,
      threads: wholeNumberFlag("threads", values.threads) ?? 2,
      report: values.report,
      only: values.ends?.split(","),
    };
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(processOutput, error, USAGE);
    throw error;
  }

  const { randomBytes } = await import("node:crypto");
  const { loadavg } = await import("node:os");
  const { sql } = await import("kysely");
  const { setSharedDatabase } = await import("../../functions/db/shared-database");
  const { addKeyHash, findStoreById, revokeKeyIds } = await import("../../functions/stores/repository");
  const { databaseUrl, openDatabase } = await import("../load");
  type BenchMeta = import("../load").BenchMeta;
  const { serverOf, DEFAULT_SERVER_URL } = await import("../options");
  const { benchRanges, busiestWholeMonth, caseLabel, invokeReport, isTransientFailure, measureDuckdb, REPORT_CASES } =
    await import("../reports");
  const { percentiles, sample } = await import("../stats");
  const { loadDuckStore } = await import("./load");
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const load = () => Math.round(loadavg()[0] * 100) / 100;

  const url = databaseUrl({
    serverUrl: serverOf(process.env.MYSQL_URL ?? DEFAULT_SERVER_URL),
    database: settings.database,
  });
  const handle = openDatabase(url);
  setSharedDatabase(handle);
  const loadAtStart = load();
  let keyId: string | undefined;
  let revokeMine: (() => Promise<unknown>) | undefined;
  try {
    const { db } = handle;
    const metaRow = await sql<{ body: string }>`select body from bench_meta where id = 1`.execute(db);
    if (!metaRow.rows[0]) throw new Error(`${settings.database} holds no loaded bench store`);
    const meta = JSON.parse(metaRow.rows[0].body) as BenchMeta;
    const store = await findStoreById(db, meta.storeId);
    if (!store) throw new Error(`${settings.database}: the bench store ${meta.storeId} is gone`);
    // a key of its own, added beside the others: a concurrent `npm run bench --skip-load` rotates the store's
    // keys (revoking this one too), and is not disturbed by it
    const freshKey = async () => {
      if (keyId) await revokeKeyIds(db, store.id, keyId);
      keyId = `key_duckdb_${randomBytes(6).toString("hex")}`;
      await addKeyHash(db, store.id, { keyId, keyHash: randomBytes(32).toString("hex") });
    };
    revokeMine = async () => keyId && revokeKeyIds(db, store.id, keyId);
    const s = meta.scale;
    log(`store: ${s.orders} orders, ${s.lines} lines, ${s.events} events (${settings.database}, store ${store.id})`);
    const duck = await loadDuckStore(url, store.id, { threads: settings.threads, log });
    log(`duckdb: loaded in ${duck.loadSeconds} s (load average ${loadAtStart} → ${load()})`);
    await freshKey();
    const plan = { warmups: settings.warmups, iterations: settings.iterations, maxSeconds: settings.maxSeconds };
    const rows: string[] = [];
    let allEqual = true;
    const measureStart = load();
    try {
      const dataEnd = new Date(meta.demo.end);
      const ranges = benchRanges(dataEnd, store.timezone, await busiestWholeMonth(db, store, dataEnd));
      for (const range of ranges.filter((r) => settings.only === undefined || settings.only.includes(r.end))) {
        for (const report of REPORT_CASES.filter((r) => r.duckdb && (settings.report ?? r.name) === r.name)) {
          const query = { ...report.query, from: range.from, to: range.to };
          const handler = await sample(
            { ...plan, isTransient: (error) => isTransientFailure(error) || String(error).includes(": 403 ") },
            () =>
              invokeReport(keyId!, report.path, query).catch(async (error: unknown) => {
                if (String(error).includes(": 403 ")) await freshKey();
                throw error;
              }),
          );
          const mine = percentiles(handler.samples);
          const body: unknown = JSON.parse(handler.first);
          const result = await measureDuckdb(duck.connection, store, report.duckdb!, range, plan, body, mine);
          allEqual &&= result.duckdbMatches;
          const row = [
            caseLabel({ name: report.name, range: range.name, end: range.end }),
            mine.p50Ms,
            mine.p95Ms,
            result.duckdbP50Ms,
            result.duckdbP95Ms,
            `${result.duckdbRatio}×`,
            result.duckdbMatches ? "yes" : "NO",
          ].join(" | ");
          rows.push(`| ${row} |`);
          log(row);
          for (const difference of result.duckdbDifferences ?? []) log(`!!!   ${difference}`);
        }
      }
    } finally {
      duck.close();
    }
    process.stdout.write(
      `DuckDB ${settings.threads} threads, loaded in ${duck.loadSeconds} s: ` +
        `${Object.entries(duck.rows)
          .map(([table, n]) => `${table} ${n}`)
          .join(", ")}\n` +
        `load average ${loadAtStart} before loading, ${measureStart} → ${load()} while measuring\n\n` +
        "| report and range | p50 ms | p95 ms | duckdb p50 ms | duckdb p95 ms | duckdb / report p95 | equal |\n" +
        "|---|---|---|---|---|---|---|---|\n" +
        `${rows.join("\n")}\n`,
    );
    return allEqual ? 0 : 1;
  } finally {
    await revokeMine?.().catch(() => undefined);
    setSharedDatabase(undefined);
    await handle.db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench/duckdb: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);

export {};
