/**
 * Smoke test of the benchmark (issue #5): a small store end to end against the test server, in
 * its own throwaway database. Asserts that it runs, the shape of results.json and that every
 * report agrees with its baseline, never the figures (they depend on the machine).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBenchmark } from "../../bench/benchmark";
import { databaseUrl, dropDatabase, openDatabase } from "../../bench/load";
import { parseBenchArgs, type BenchOptions } from "../../bench/options";
import { RANGE_ENDS, REPORT_CASES } from "../../bench/reports";

const database = `analytics_bench_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
const dir = mkdtempSync(join(tmpdir(), "bench-test-"));
const out = join(dir, "results.json");
let options: BenchOptions;

beforeAll(() => {
  const parsed = parseBenchArgs(
    [
      "--orders",
      "20000",
      "--products",
      "300",
      "--customers",
      "3000",
      "--sessions-per-order",
      "0.1",
      "--database",
      database,
      "--out",
      out,
      "--iterations",
      "2",
      "--warmups",
      "1",
      "--ingest-orders",
      "1000",
      "--ingest-warmup",
      "400",
      "--http-requests",
      "2",
      "--bundle-runs",
      "1",
      // the other suites keep the test server busy: the wait is exercised, bounded at 1 s a phase
      "--settle-seconds",
      "1",
      "--quiet",
    ],
    { MYSQL_URL: process.env.MYSQL_URL },
  );
  if (parsed === "help") throw new Error("unexpected --help");
  options = parsed;
});

afterAll(async () => {
  await dropDatabase(options.serverUrl, database);
  rmSync(dir, { recursive: true, force: true });
});

const isPositive = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value > 0;
const isNonNegative = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value >= 0;

test("bench --orders 20000 end to end: results.json has every figure, each report matches its baseline", async () => {
  const results = await runBenchmark(options);
  const written = JSON.parse(readFileSync(out, "utf8")) as typeof results;
  expect(written).toEqual(JSON.parse(JSON.stringify(results)));

  expect(Object.keys(written.machine).sort()).toEqual(
    expect.arrayContaining(["cpus", "memGiB", "model", "mysqlVersion", "node"]),
  );
  expect(isPositive(written.machine.cpus)).toBe(true);
  expect(typeof written.machine.mysqlVersion).toBe("string");

  const { scale } = written;
  expect(scale.orders).toBe(20000);
  for (const key of ["lines", "products", "customers", "sessions", "events", "refunds", "loadSeconds"] as const) {
    expect({ [key]: isPositive(scale[key]) }).toEqual({ [key]: true });
  }

  // every ranged report over 30 days, 1 year and 3 years ending on each of the four days, and realtime once
  const ranged = REPORT_CASES.filter((r) => r.ranged).map((r) => r.name);
  const expected = [
    ...RANGE_ENDS.flatMap((end) =>
      ["30d", "1y", "3y"].flatMap((range) => ranged.map((name) => `${name} ${range} ${end}`)),
    ),
    "realtime last30min -",
  ];
  expect(written.reports.map((r) => `${r.name} ${r.range} ${r.end ?? "-"}`)).toEqual(expected);
  for (const report of written.reports) {
    for (const key of ["p50Ms", "p95Ms", "p99Ms", "baselineP95Ms", "ratio"] as const) {
      expect({ report: `${report.name} ${report.range}`, key, ok: isPositive(report[key]) }).toEqual({
        report: `${report.name} ${report.range}`,
        key,
        ok: true,
      });
    }
    expect({
      report: `${report.name} ${report.range}`,
      matches: report.matches,
      differences: report.differences,
    }).toEqual({
      report: `${report.name} ${report.range}`,
      matches: true,
      differences: undefined,
    });
    // DuckDB computes every ranged report from the raw rows (not realtime): the same figures as the report
    const withDuckdb = report.range !== "last30min";
    expect({
      report: `${report.name} ${report.range}`,
      duckdbMatches: report.duckdbMatches,
      duckdbDifferences: report.duckdbDifferences,
      duckdbTimed: isPositive(report.duckdbP95Ms) && isPositive(report.duckdbP50Ms) && isPositive(report.duckdbRatio),
    }).toEqual({
      report: `${report.name} ${report.range}`,
      duckdbMatches: withDuckdb ? true : undefined,
      duckdbDifferences: undefined,
      duckdbTimed: withDuckdb,
    });
  }
  expect(written.duckdb?.threads).toBe(2);
  expect(written.duckdb?.rows).toMatchObject({ orders: 20000, order_lines: scale.lines, events: scale.events });
  expect(isPositive(written.duckdb?.loadSeconds)).toBe(true);
  expect(written.phases.map((p) => p.phase)).toEqual(expect.arrayContaining(["duckdb-load", "reports"]));
  // a server on this machine is waited for before every phase but the load; elsewhere it cannot be read
  for (const phase of written.phases) {
    if (phase.phase === "load") expect(phase.settled).toBeUndefined();
    else if (phase.settled) expect(phase.settled.waitedSeconds).toBeLessThanOrEqual(1);
  }

  expect(written.http).toHaveLength(1);
  expect(written.http[0]).toMatchObject({ name: "summary", range: "1y", requests: 2 });
  expect(isPositive(written.http[0].p95Ms)).toBe(true);

  const { ingestion } = written;
  expect(ingestion.orders).toBe(1000);
  expect(ingestion.rounds).toHaveLength(options.ingestRounds);
  // the warm-up, not counted: whole requests of the same orders (400 rounded up to one request of 500)
  expect(ingestion.warmup?.orders).toBe(500);
  expect(isPositive(ingestion.warmup?.handlerSeconds) && isPositive(ingestion.warmup?.bareSeconds)).toBe(true);
  for (const figures of [ingestion, ...ingestion.rounds]) {
    expect(
      isPositive(figures.ordersPerSec) && isPositive(figures.bareInsertOrdersPerSec) && isPositive(figures.ratio),
    ).toBe(true);
  }
  // each phase's CPU: this process's always, the server's when it runs on this machine
  for (const round of ingestion.rounds) {
    for (const cpu of [round.handlerCpu, round.bareCpu]) {
      expect(isPositive(cpu.node)).toBe(true);
      expect(cpu.server === undefined || cpu.server >= 0).toBe(true);
    }
  }
  // the medians of the three rounds: each figure's middle one (the ratio: of the rounds' own ratios)
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[1];
  for (const figure of ["ordersPerSec", "bareInsertOrdersPerSec", "ratio"] as const)
    expect(ingestion[figure]).toBe(middle(ingestion.rounds.map((r) => r[figure])));

  expect(written.bundles.map((b) => b.name)).toEqual(expect.arrayContaining(["health", "ingest", "reports"]));
  for (const bundle of written.bundles) {
    expect(isPositive(bundle.bytes) && isPositive(bundle.coldImportMs) && isPositive(bundle.bareNodeMs)).toBe(true);
  }
}, 180_000);

test("--skip-load reuses the loaded store, and the ingestion measurement left it as loaded", async () => {
  const results = await runBenchmark({
    ...options,
    skipLoad: true,
    iterations: 1,
    warmups: 0,
    ingestOrders: 500,
    ingestRounds: 2,
    httpRequests: 1,
    bundleRuns: 0,
    duckdb: false,
  });
  expect(results.store.loaded).toBe("reused");
  expect(results.duckdb).toBeUndefined();
  expect(results.reports.every((r) => r.duckdbMatches === undefined)).toBe(true);
  expect(results.scale.orders).toBe(20000);
  expect(results.reports.every((r) => r.matches)).toBe(true);
  expect(results.bundles).toEqual([]);
  expect(isNonNegative(results.ingestion.ratio)).toBe(true);

  const handle = openDatabase(databaseUrl(options));
  try {
    const count = async (table: "orders" | "order_lines") =>
      Number(
        (
          await handle.db
            .selectFrom(table)
            .select(({ fn }) => fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect({ orders: await count("orders"), lines: await count("order_lines") }).toEqual({
      orders: results.scale.orders,
      lines: results.scale.lines,
    });
  } finally {
    await handle.db.destroy();
  }
}, 120_000);
