/**
 * The benchmark's command line (`npm run bench -- --orders 200000 ...`): every flag, its
 * default and its check. Kept apart from run.ts so the test can build options the same way.
 */
import { parseFlags, UsageError, wantsHelp } from "../tools/local/cli-args";

export interface BenchOptions {
  /** distinct orders of the generated store */
  orders: number;
  years: number;
  products: number;
  customers: number;
  /** non-converting browsing sessions per order (the generator's `sessionsPerOrder`) */
  sessionsPerOrder: number;
  seed: number;
  /** reuse the store already loaded in `database` instead of loading a fresh one */
  skipLoad: boolean;
  /** where results.json goes (relative to the working directory) */
  out: string;
  /** server from MYSQL_URL (its database path is ignored), else 127.0.0.1:3306 as root */
  serverUrl: string;
  /** the benchmark's own database on that server: dropped and recreated unless --skip-load */
  database: string;
  /** batches ingested at once while loading, and in the ingestion measurement */
  concurrency: number;
  /** measured iterations per report, after `warmups` */
  iterations: number;
  warmups: number;
  /** a report (or its baseline) stops sampling after this long, once it has 3 samples */
  maxCaseSeconds: number;
  /** fresh orders sent through the ingestion handler (and bare INSERT) */
  ingestOrders: number;
  /** rounds of the ingestion measurement (handler and bare INSERT each), their medians reported */
  ingestRounds: number;
  /** of the same fresh orders, sent through both paths before the first round, not counted (0: none) */
  ingestWarmup: number;
  /** requests of the 1-year summary over HTTP through the local gateway */
  httpRequests: number;
  /** before each phase but the load, the most seconds to wait for a local database server to go quiet (0: never) */
  settleSeconds: number;
  /** fresh `node` processes per bundle for the cold import time (and for bare node); 0 skips the bundles */
  bundleRuns: number;
  /** also compute every ranged report with DuckDB from the raw rows (loaded into it first, timed apart) */
  duckdb: boolean;
  /** progress lines and the table (false: silent, for tests) */
  verbose: boolean;
}

/** The ingestion measurement's rounds at most (bench/ingestion.ts gives each round stores of its own). */
export const MAX_INGEST_ROUNDS = 9;

export const DEFAULT_SERVER_URL = "mysql://root@127.0.0.1:3306";

export const DEFAULTS: Omit<BenchOptions, "serverUrl"> = {
  orders: 1_000_000,
  years: 3,
  products: 20_000,
  customers: 300_000,
  // The generator's own default is 3, which at 1M orders means ~40M events (~40 per order,
  // converting session included); 1 gives ~20 per order and keeps a 1M-order load near 15
  // minutes on 2 cores. See BENCHMARKS.md.
  sessionsPerOrder: 1,
  seed: 42,
  skipLoad: false,
  out: "bench/results.json",
  database: "analytics_bench",
  concurrency: 4,
  iterations: 20,
  warmups: 2,
  maxCaseSeconds: 60,
  ingestOrders: 20_000,
  ingestRounds: 3,
  ingestWarmup: 5_000,
  httpRequests: 10,
  settleSeconds: 120,
  bundleRuns: 10,
  duckdb: true,
  verbose: true,
};

export const USAGE = `usage: npm run bench -- [options]

Loads a generated store into its own database on the MYSQL_URL server (else 127.0.0.1:3306 as
root), then measures each report's latency beside a plain-SQL baseline, HTTP latency, ingestion
throughput and the Lambda bundles' cold imports (BENCHMARKS.md). Progress on stderr, the table
on stdout, the figures in --out. Exits 1 if a report's figures differ from the baseline's or DuckDB's.

  --orders N               distinct orders of the generated store (default 1,000,000)
  --years N                years of history ending now (default 3)
  --products N             catalog size (default 20,000)
  --customers N            registered customers at most (default 300,000)
  --sessions-per-order X   browsing sessions per order besides the buyer's (default 1)
  --seed N                 generator seed (default 42)
  --skip-load              reuse the store already loaded in the bench database (migrated to
                           this code's latest schema first)
  --out FILE               results file (default bench/results.json)
  --database NAME          bench database on the MYSQL_URL server (default analytics_bench;
                           dropped and recreated unless --skip-load; must start with analytics_bench)
  --concurrency N          batches in flight while loading and ingesting (default 4)
  --iterations N           measured runs per report after the warm-ups (default 20)
  --warmups N              warm-up runs per report (default 2)
  --max-case-seconds N     stop sampling a report after N s once it has 3 samples (default 60)
  --ingest-orders N        fresh orders for the ingestion measurement (default 20,000)
  --ingest-rounds N        rounds of it, 1 to 9, the phases' order alternating; medians reported (default 3)
  --ingest-warmup N        of those orders, sent through the handler and as bare INSERTs, not counted, before
                           the first round, as the reports get warm-ups (default 5,000; 0 none)
  --http-requests N        1-year summaries over HTTP (default 10)
  --settle-seconds N       before each phase but the load, wait up to N s for the database server, when it
                           runs on this machine, to go quiet: under 0.1 s of CPU in 3 s, its flushing and
                           purging of earlier deletes done (default 120; 0 never waits)
  --bundle-runs N          fresh node processes per bundle (default 10; 0 skips the bundles)
  --duckdb, --no-duckdb    load the store's raw rows into DuckDB (2 threads) and time it computing every
                           ranged report beside the report, checked equal (default on)
  --quiet                  no progress, no table
  --help, -h               this text`;

function number(
  flag: string,
  raw: string | undefined,
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER, integer = true } = {},
): number {
  if (raw === undefined) return fallback;
  const text = raw.replace(/[_,]/g, "");
  const value = Number(text);
  const ok =
    text !== "" && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isSafeInteger(value));
  if (!ok) {
    const bounds = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be ${integer ? "a whole number" : "a number"} ${bounds} (got ${raw})`);
  }
  return value;
}

/** The server part of a MySQL URL (user, password, host, port; no database). */
export function serverOf(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = "";
  parsed.search = "";
  return parsed.toString().replace(/\/$/, "");
}

/** The options, or "help" for --help/-h; a bad or unknown flag throws a UsageError naming it. */
export function parseBenchArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchOptions | "help" {
  if (wantsHelp(argv)) return "help";
  const { values } = parseFlags({
    args: [...argv],
    allowPositionals: false,
    options: {
      orders: { type: "string" },
      years: { type: "string" },
      products: { type: "string" },
      customers: { type: "string" },
      "sessions-per-order": { type: "string" },
      seed: { type: "string" },
      "skip-load": { type: "boolean" },
      out: { type: "string" },
      database: { type: "string" },
      concurrency: { type: "string" },
      iterations: { type: "string" },
      warmups: { type: "string" },
      "max-case-seconds": { type: "string" },
      "ingest-orders": { type: "string" },
      "ingest-rounds": { type: "string" },
      "ingest-warmup": { type: "string" },
      "http-requests": { type: "string" },
      "settle-seconds": { type: "string" },
      "bundle-runs": { type: "string" },
      duckdb: { type: "boolean" },
      "no-duckdb": { type: "boolean" },
      quiet: { type: "boolean" },
    },
  });
  if (values.duckdb && values["no-duckdb"]) throw new UsageError("--duckdb and --no-duckdb: choose one");
  const database = values.database ?? DEFAULTS.database;
  if (!/^analytics_bench[A-Za-z0-9_]*$/.test(database) || database.length > 64) {
    throw new UsageError(
      `--database must start with analytics_bench (letters, digits, _): it is dropped and recreated (got ${database})`,
    );
  }
  return {
    orders: number("orders", values.orders, DEFAULTS.orders),
    years: number("years", values.years, DEFAULTS.years),
    products: number("products", values.products, DEFAULTS.products),
    customers: number("customers", values.customers, DEFAULTS.customers, { min: 0 }),
    sessionsPerOrder: number("sessions-per-order", values["sessions-per-order"], DEFAULTS.sessionsPerOrder, {
      min: 0,
      integer: false,
    }),
    seed: number("seed", values.seed, DEFAULTS.seed, { min: 0 }),
    skipLoad: values["skip-load"] ?? false,
    out: values.out ?? DEFAULTS.out,
    serverUrl: serverOf(env.MYSQL_URL ?? DEFAULT_SERVER_URL),
    database,
    concurrency: number("concurrency", values.concurrency, DEFAULTS.concurrency),
    iterations: number("iterations", values.iterations, DEFAULTS.iterations),
    warmups: number("warmups", values.warmups, DEFAULTS.warmups, { min: 0 }),
    maxCaseSeconds: number("max-case-seconds", values["max-case-seconds"], DEFAULTS.maxCaseSeconds, { integer: false }),
    ingestOrders: number("ingest-orders", values["ingest-orders"], DEFAULTS.ingestOrders),
    ingestRounds: number("ingest-rounds", values["ingest-rounds"], DEFAULTS.ingestRounds, { max: MAX_INGEST_ROUNDS }),
    ingestWarmup: number("ingest-warmup", values["ingest-warmup"], DEFAULTS.ingestWarmup, { min: 0 }),
    httpRequests: number("http-requests", values["http-requests"], DEFAULTS.httpRequests),
    settleSeconds: number("settle-seconds", values["settle-seconds"], DEFAULTS.settleSeconds, { min: 0, max: 3600 }),
    bundleRuns: number("bundle-runs", values["bundle-runs"], DEFAULTS.bundleRuns, { min: 0 }),
    duckdb: !(values["no-duckdb"] ?? !DEFAULTS.duckdb),
    verbose: !(values.quiet ?? false),
  };
}
