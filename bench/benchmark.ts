/**
 * The benchmark (issue #5): loads a generated store into a fresh database (or reuses it),
 * then measures report latency beside a plain-SQL baseline, HTTP latency, ingestion
 * throughput and the Lambda bundles, prints a table and writes results.json.
 *
 * The handlers read Powertools settings at import: the caller sets POWERTOOLS_* first
 * (bench/run.ts does; jest's global setup does for the test).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, resolve } from "node:path";
import { sql, type Kysely } from "kysely";
import type { Database } from "../functions/db/schema";
import { migrateToLatest } from "../functions/db/migrate";
import { migrations } from "../functions/db/migrations";
import { setSharedDatabase } from "../functions/db/shared-database";
import { measureBundles, type BundleResult } from "./bundles";
import { measureIngestion, type IngestionResult } from "./ingestion";
import {
  databaseUrl,
  freshDatabase,
  loadBenchStore,
  openDatabase,
  reuseBenchStore,
  type BenchMeta,
  type Scale,
} from "./load";
import { loadDuckStore, type DuckStore, type DuckTable } from "./duckdb/load";
import type { BenchOptions } from "./options";
import { localServerCpu, waitForQuietServer, type Settled } from "./server-cpu";
import {
  benchRanges,
  busiestWholeMonth,
  caseLabel,
  measureHttp,
  measureReports,
  type HttpResult,
  type ReportResult,
} from "./reports";

export interface Machine {
  cpus: number;
  model: string;
  memGiB: number;
  node: string;
  mysqlVersion: string;
  innodbBufferPoolMiB: number;
  /**
   * 1-minute load average when the measurements started and when they ended (other work on the machine skews the
   * figures)
   */
  loadAverage: { atStart: number; atEnd: number };
}

/** One stage of the run, with the machine's 1-minute load average as it began and ended. */
export interface PhaseResult {
  phase: "load" | "duckdb-load" | "reports" | "http" | "ingestion" | "bundles";
  seconds: number;
  loadAverage: { atStart: number; atEnd: number };
  /** the wait, before the phase, for the local database server to go quiet (--settle-seconds) */
  settled?: Settled;
}

/** As many as the benchmark machine's cores: the reports' database gets no more. */
const DUCKDB_THREADS = 2;

const loadAverageNow = () => Math.round(loadavg()[0] * 100) / 100;

/**
 * Runs named phases, recording each one's duration and load averages in `phases`. Before every
 * phase but the load, it first waits (at most `settleSeconds`) for the database server, when it
 * runs on this machine, to go quiet.
 */
function phaseRunner(
  phases: PhaseResult[],
  settle: { serverCpu?: () => number; settleSeconds: number; log: (line: string) => void },
) {
  return async <T>(name: PhaseResult["phase"], work: () => Promise<T>): Promise<T> => {
    let settled: Settled | undefined;
    if (name !== "load" && settle.serverCpu && settle.settleSeconds > 0) {
      settled = await waitForQuietServer(settle.serverCpu, settle.settleSeconds);
      if (!settled.quiet) settle.log(`bench: the database server was still busy after ${settled.waitedSeconds} s`);
    }
    const atStart = loadAverageNow();
    const started = performance.now();
    const value = await work();
    phases.push({
      phase: name,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      loadAverage: { atStart, atEnd: loadAverageNow() },
      ...(settled ? { settled } : {}),
    });
    return value;
  };
}

export interface BenchResults {
  generatedAt: string;
  /** the code measured: BENCH_REVISION, else git's HEAD, marked when functions/ has uncommitted changes */
  code: { revision: string };
  machine: Machine;
  store: BenchMeta["demo"] & { database: string; storeId: number; loaded: "now" | "reused"; loadedAt: string };
  scale: Scale;
  settings: { iterations: number; warmups: number; maxCaseSeconds: number; concurrency: number };
  reports: ReportResult[];
  /** DuckDB's copy of the raw rows the reports are computed from (absent with --no-duckdb): its load, timed apart */
  duckdb?: { loadSeconds: number; threads: number; rows: Record<DuckTable, number> };
  http: HttpResult[];
  ingestion: IngestionResult;
  bundles: BundleResult[];
  phases: PhaseResult[];
}

async function describeMachine(db: Kysely<Database>): Promise<Machine> {
  const version = await sql<{ v: string }>`select version() as v`.execute(db);
  const pool = await sql<{ b: string | number }>`select @@innodb_buffer_pool_size as b`.execute(db);
  const processors = cpus();
  return {
    cpus: processors.length,
    model: processors[0]?.model.trim() ?? "unknown",
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    mysqlVersion: version.rows[0]?.v ?? "unknown",
    innodbBufferPoolMiB: Math.round(Number(pool.rows[0]?.b ?? 0) / 2 ** 20),
    loadAverage: { atStart: loadAverageNow(), atEnd: Number.NaN },
  };
}

function codeRevision(): string {
  if (process.env.BENCH_REVISION) return process.env.BENCH_REVISION;
  const git = (...args: string[]) =>
    execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const head = git("rev-parse", "--short", "HEAD");
    return git("status", "--porcelain", "--", "functions") === ""
      ? head
      : `${head} + uncommitted changes in functions/`;
  } catch {
    return "unknown";
  }
}

/**
 * A reused database may predate this code's migrations (loaded by an earlier revision): migrate
 * it. It may also be ahead of this code (measuring an earlier revision on a store loaded and
 * migrated by a later one): then it is used as it is, the extra tables unread.
 */
async function bringSchemaUpToDate(db: Kysely<Database>, log: (line: string) => void): Promise<void> {
  const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db).then(
    (result) => result.rows.map((row) => row.name),
    () => [] as string[],
  );
  const unknown = applied.filter((name) => !(name in migrations));
  if (unknown.length > 0) {
    log(`bench: the database has migrations this code does not know (${unknown.join(", ")}): using it as it is`);
    return;
  }
  await migrateToLatest(db);
}

export async function runBenchmark(options: BenchOptions): Promise<BenchResults> {
  const log = options.verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => undefined;
  const warn = (line: string) => process.stderr.write(`${line}\n`);
  const phases: PhaseResult[] = [];
  const serverCpu = localServerCpu(options.serverUrl);
  const phase = phaseRunner(phases, { serverCpu, settleSeconds: options.settleSeconds, log });
  if (!options.skipLoad) {
    log(`bench: fresh database ${options.database}`);
    await freshDatabase(options);
  }
  const handle = openDatabase(databaseUrl(options));
  setSharedDatabase(handle);
  try {
    const { db } = handle;
    if (options.skipLoad) await bringSchemaUpToDate(db, log);
    const loaded = options.skipLoad
      ? await reuseBenchStore(db, options.database)
      : await phase("load", () => loadBenchStore(db, options, log));
    const { meta, store, keyId, apiKey } = loaded;
    const machine = await describeMachine(db);
    const dataEnd = new Date(meta.demo.end);
    const ranges = benchRanges(dataEnd, store.timezone, await busiestWholeMonth(db, store, dataEnd));
    log(`reports: ${ranges.map((r) => `${r.name} ${r.end} ${r.from}..${r.to}`).join(", ")} (${store.timezone})`);

    const plan = { warmups: options.warmups, iterations: options.iterations, maxSeconds: options.maxCaseSeconds };
    let duck: DuckStore | undefined;
    const reports = await (async () => {
      if (options.duckdb) {
        duck = await phase("duckdb-load", () =>
          loadDuckStore(databaseUrl(options), store.id, { threads: DUCKDB_THREADS, log }),
        );
        log(`duckdb: loaded in ${duck.loadSeconds} s`);
      }
      try {
        return await phase("reports", () =>
          measureReports(db, store, keyId, ranges, plan, log, warn, duck?.connection),
        );
      } finally {
        duck?.close();
      }
    })();
    const year = ranges.find((r) => r.name === "1y" && r.end === "data-end")!;
    const summaryYear = reports.find((r) => r.name === "summary" && r.range === "1y" && r.end === "data-end");
    const http = await phase("http", () => measureHttp(db, apiKey, year, options.httpRequests, summaryYear?.p50Ms));
    const ingestion = await phase("ingestion", () =>
      measureIngestion(
        db,
        store,
        meta,
        {
          orders: options.ingestOrders,
          concurrency: options.concurrency,
          rounds: options.ingestRounds,
          warmupOrders: options.ingestWarmup,
          serverCpu,
          settleSeconds: options.settleSeconds,
        },
        log,
      ),
    );
    const bundles = options.bundleRuns > 0 ? await phase("bundles", () => measureBundles(options.bundleRuns, log)) : [];

    machine.loadAverage.atEnd = loadAverageNow();
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      code: { revision: codeRevision() },
      machine,
      store: {
        ...meta.demo,
        database: options.database,
        storeId: store.id,
        loaded: options.skipLoad ? "reused" : "now",
        loadedAt: meta.loadedAt,
      },
      scale: meta.scale,
      settings: {
        iterations: options.iterations,
        warmups: options.warmups,
        maxCaseSeconds: options.maxCaseSeconds,
        concurrency: options.concurrency,
      },
      reports,
      ...(duck ? { duckdb: { loadSeconds: duck.loadSeconds, threads: DUCKDB_THREADS, rows: duck.rows } } : {}),
      http,
      ingestion,
      bundles,
      phases,
    };
    const out = resolve(process.cwd(), options.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    log(`bench: results written to ${options.out}`);
    return results;
  } finally {
    setSharedDatabase(undefined);
    await handle.db.destroy();
  }
}

// ------------------------------------------------------------------ the printed table

function pad(cells: string[], widths: number[], right: boolean[]): string {
  return cells
    .map((cell, i) => (right[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
    .join("  ")
    .trimEnd();
}

function table(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [
    pad(header, widths, right),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map((r) => pad(r, widths, right)),
  ].join("\n");
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 100 ? 1 : 0) : "-");
const int = (value: number) => Math.round(value).toLocaleString("en-US");

export function formatResults(results: BenchResults): string {
  const { machine: m, scale: s, ingestion: i } = results;
  const lines: string[] = [];
  lines.push(
    `code: ${results.code.revision}`,
    `machine: ${m.cpus} × ${m.model}, ${m.memGiB} GiB, node ${m.node}, ${m.mysqlVersion} ` +
      `(buffer pool ${m.innodbBufferPoolMiB} MiB); ` +
      `load average ${m.loadAverage.atStart} at start, ${m.loadAverage.atEnd} at end`,
    `store: ${int(s.orders)} orders, ${int(s.lines)} lines, ${int(s.refunds)} refunds, ` +
      `${int(s.products)} products, ${int(s.customers)} customers, ` +
      `${int(s.sessions)} sessions, ${int(s.events)} events; loaded in ${s.loadSeconds} s`,
    "phases: " +
      results.phases
        .map((p) => `${p.phase} ${p.seconds} s (load average ${p.loadAverage.atStart} → ${p.loadAverage.atEnd})`)
        .join(", "),
    ...(results.duckdb
      ? [
          `duckdb: ${results.duckdb.threads} threads, ` +
            `raw rows loaded from the store in ${results.duckdb.loadSeconds} s ` +
            `(${Object.entries(results.duckdb.rows)
              .map(([table, n]) => `${int(n)} ${table}`)
              .join(", ")}); duckdb ratio = duckdb p95 / report p95`,
        ]
      : []),
    "",
  );
  lines.push(
    table(
      [
        "report",
        "range",
        "ends",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "runs",
        "baseline p95 ms",
        "ratio",
        "matches",
        "retried",
        "duckdb p95 ms",
        "duckdb ratio",
        "duckdb matches",
      ],
      results.reports.map((r) => [
        r.name,
        r.range,
        r.end ?? "-",
        ms(r.p50Ms),
        ms(r.p95Ms),
        ms(r.p99Ms),
        String(r.samples),
        ms(r.baselineP95Ms),
        `${r.ratio.toFixed(2)}×`,
        r.matches ? "yes" : "NO",
        String(r.retries),
        r.duckdbP95Ms !== undefined ? ms(r.duckdbP95Ms) : "-",
        r.duckdbRatio !== undefined ? `${r.duckdbRatio.toFixed(2)}×` : "-",
        r.duckdbMatches === undefined ? "-" : r.duckdbMatches ? "yes" : "NO",
      ]),
      [false, false, false, true, true, true, true, true, true, false, true, true, true, false],
    ),
    "",
  );
  for (const h of results.http) {
    lines.push(
      `HTTP (local gateway) ${h.name} ${h.range}: ` +
        `p50 ${ms(h.p50Ms)} ms, p95 ${ms(h.p95Ms)} ms, p99 ${ms(h.p99Ms)} ms over ${h.requests} requests` +
        (h.handlerP50Ms !== undefined ? ` (handler in process: p50 ${ms(h.handlerP50Ms)} ms)` : ""),
    );
  }
  lines.push(
    `ingestion: ${int(i.ordersPerSec)} orders/s through the handler, ` +
      `${int(i.bareInsertOrdersPerSec)} orders/s bare INSERT, ratio ${i.ratio} ` +
      `(${int(i.orders)} orders, ${i.batchSize} per request, ${i.concurrency} at once; ` +
      `the median of ${i.rounds.length} rounds, ratios ${i.rounds.map((r) => r.ratio).join(", ")}` +
      (i.warmup ? `; after a warm-up of ${int(i.warmup.orders)} orders)` : ")"),
    "",
  );
  lines.push(
    table(
      ["bundle", "bytes", "KiB", "cold import ms", "bare node ms", "import ms"],
      results.bundles.map((b) => [
        b.name,
        int(b.bytes),
        (b.bytes / 1024).toFixed(0),
        ms(b.coldImportMs),
        ms(b.bareNodeMs),
        ms(b.importMs),
      ]),
      [false, true, true, true, true, true],
    ),
  );
  const mismatched = results.reports.filter((r) => !r.matches);
  if (mismatched.length > 0) {
    lines.push(
      "",
      `!!! ${mismatched.length} report(s) DO NOT MATCH their baseline: ` + `${mismatched.map(caseLabel).join(", ")}`,
    );
  }
  const duckMismatched = results.reports.filter((r) => r.duckdbMatches === false);
  if (duckMismatched.length > 0) {
    lines.push(
      "",
      `!!! ${duckMismatched.length} report(s) DO NOT MATCH DuckDB's figures: ` +
        `${duckMismatched.map(caseLabel).join(", ")}`,
    );
  }
  return lines.join("\n");
}
