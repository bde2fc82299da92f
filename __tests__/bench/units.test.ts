/** The benchmark's small parts: options, percentiles, sampling, the baseline's time zones, the comparison. */
import { localMidnight, offsetMinutesAt, rangeBounds } from "../../bench/baseline";
import { compareWithBaseline } from "../../bench/compare";
import { bareRows, freshOrders, INGEST_PREFIX } from "../../bench/ingestion";
import type { BenchMeta } from "../../bench/load";
import { DEFAULTS, parseBenchArgs, serverOf } from "../../bench/options";
import { benchRanges } from "../../bench/reports";
import {
  cpuSecondsOfStat,
  listeningInodes,
  localServerCpu,
  startCpuClock,
  waitForQuietServer,
} from "../../bench/server-cpu";
import { percentile, sample } from "../../bench/stats";
import { utcBounds } from "../../functions/time";

describe("options", () => {
  test("defaults: 1M orders over 3 years, the server of MYSQL_URL, the analytics_bench database", () => {
    const options = parseBenchArgs([], { MYSQL_URL: "mysql://u:p@db.example:3307/analytics_test_x?ssl=1" });
    expect(options).toMatchObject({ ...DEFAULTS, serverUrl: "mysql://u:p@db.example:3307" });
  });

  test("flags are read, with 1,000,000 and 1_000_000 spellings", () => {
    const options = parseBenchArgs(
      ["--orders", "200,000", "--sessions-per-order", "0.5", "--skip-load", "--customers", "1_000"],
      {},
    );
    expect(options).toMatchObject({
      orders: 200_000,
      sessionsPerOrder: 0.5,
      skipLoad: true,
      customers: 1000,
      serverUrl: "mysql://root@127.0.0.1:3306",
    });
  });

  test("bad values and unknown flags are refused; only analytics_bench* databases may be dropped", () => {
    expect(() => parseBenchArgs(["--orders", "0"], {})).toThrow(/--orders/);
    expect(() => parseBenchArgs(["--orders", "1.5"], {})).toThrow(/--orders/);
    expect(() => parseBenchArgs(["--nope"], {})).toThrow();
    expect(parseBenchArgs(["--ingest-rounds", "9"], {})).toMatchObject({ ingestRounds: 9 });
    expect(() => parseBenchArgs(["--ingest-rounds", "10"], {})).toThrow(
      /--ingest-rounds must be a whole number from 1 to 9/,
    );
    expect(() => parseBenchArgs(["--ingest-rounds", "0"], {})).toThrow(/--ingest-rounds/);
    expect(parseBenchArgs([], {})).toMatchObject({ settleSeconds: 120, ingestWarmup: 5000 });
    expect(parseBenchArgs(["--ingest-warmup", "0"], {})).toMatchObject({ ingestWarmup: 0 });
    expect(() => parseBenchArgs(["--ingest-warmup", "-500"], {})).toThrow(/--ingest-warmup/);
    expect(parseBenchArgs(["--settle-seconds", "0"], {})).toMatchObject({ settleSeconds: 0 });
    expect(() => parseBenchArgs(["--settle-seconds", "-1"], {})).toThrow(/--settle-seconds/);
    expect(() => parseBenchArgs(["--database", "analytics"], {})).toThrow(/analytics_bench/);
    expect(parseBenchArgs(["--help"], {})).toBe("help");
    expect(serverOf("mysql://root@127.0.0.1:3306/x")).toBe("mysql://root@127.0.0.1:3306");
  });

  test("the DuckDB comparison is on by default; --no-duckdb skips it, --duckdb with it is refused", () => {
    expect(parseBenchArgs([], {})).toMatchObject({ duckdb: true });
    expect(parseBenchArgs(["--duckdb"], {})).toMatchObject({ duckdb: true });
    expect(parseBenchArgs(["--no-duckdb"], {})).toMatchObject({ duckdb: false });
    expect(() => parseBenchArgs(["--duckdb", "--no-duckdb"], {})).toThrow(/--no-duckdb/);
  });
});

describe("stats", () => {
  test("nearest-rank percentiles", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 99)).toBe(20);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  test("sample runs warm-ups unmeasured, then the iterations, and keeps the first result", async () => {
    let calls = 0;
    const result = await sample({ warmups: 2, iterations: 5, maxSeconds: 60 }, async () => ++calls);
    expect(calls).toBe(7);
    expect(result.first).toBe(1);
    expect(result.samples).toHaveLength(5);
  });

  test("a transient failure is run again, counted and not timed; another failure ends the case", async () => {
    const unavailable = new Error("database briefly unavailable");
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls === 2 || calls === 3) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw unavailable;
      }
      return calls;
    };
    const plan = { warmups: 0, iterations: 3, maxSeconds: 60, retryDelayMs: 1 };
    const result = await sample({ ...plan, isTransient: (error) => error === unavailable }, flaky);
    expect(result.retries).toBe(2);
    expect(result.samples).toHaveLength(3);
    expect(Math.max(...result.samples)).toBeLessThan(40); // the failed 50 ms attempts are not in the figures

    calls = 0;
    await expect(sample(plan, flaky)).rejects.toBe(unavailable); // not transient: the case fails
    const always = async () => {
      throw unavailable;
    };
    await expect(sample({ ...plan, isTransient: () => true, maxRetries: 2 }, always)).rejects.toBe(unavailable);
  });

  test("a slow case stops after its budget once it has 3 samples", async () => {
    let calls = 0;
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(++calls), 30));
    const result = await sample({ warmups: 0, iterations: 50, maxSeconds: 0.001 }, slow);
    expect(result.samples).toHaveLength(3);
  });
});

describe("the baseline's own time zone arithmetic agrees with the reports'", () => {
  test.each([
    ["America/New_York", "2026-03-01", "2026-03-31"],
    ["America/New_York", "2025-11-02", "2025-11-02"],
    ["Asia/Kathmandu", "2026-01-01", "2026-12-31"],
    ["Australia/Lord_Howe", "2026-04-05", "2026-10-04"],
    ["UTC", "2024-02-29", "2024-03-01"],
  ])("%s %s..%s", (timezone, from, to) => {
    const mine = rangeBounds({ from, to, timezone });
    const theirs = utcBounds({ from, to, timezone });
    expect([mine.start.toISOString(), mine.end.toISOString()]).toEqual([
      theirs.start.toISOString(),
      theirs.end.toISOString(),
    ]);
  });

  test("offsets", () => {
    expect(offsetMinutesAt(Date.UTC(2026, 0, 15), "America/New_York")).toBe(-300);
    expect(offsetMinutesAt(Date.UTC(2026, 6, 15), "America/New_York")).toBe(-240);
    expect(offsetMinutesAt(Date.UTC(2026, 6, 15), "Asia/Kathmandu")).toBe(345);
    expect(localMidnight("2026-07-01", "America/New_York").toISOString()).toBe("2026-07-01T04:00:00.000Z");
  });
});

test("benchRanges: 30 days, 1 year and 3 years (the API's maximum) ending on the data's last local date", () => {
  // 00:00 local: the last instant is on the 25th
  const ranges = benchRanges(new Date("2026-11-26T05:00:00Z"), "America/New_York");
  const zone = { timezone: "America/New_York", end: "data-end" };
  expect(ranges).toEqual([
    { name: "30d", from: "2026-10-27", to: "2026-11-25", ...zone },
    { name: "1y", from: "2025-11-26", to: "2026-11-25", ...zone },
    { name: "3y", from: "2023-11-26", to: "2026-11-25", ...zone },
  ]);
});

test("benchRanges: then ending on the busiest month's last day, the day before it and its 3rd", () => {
  const ranges = benchRanges(new Date("2026-11-26T05:00:00Z"), "America/New_York", "2024-02");
  expect(ranges.map((r) => `${r.name} ${r.end} ${r.from}..${r.to}`)).toEqual([
    "30d data-end 2026-10-27..2026-11-25",
    "1y data-end 2025-11-26..2026-11-25",
    "3y data-end 2023-11-26..2026-11-25",
    "30d month-end 2024-01-31..2024-02-29",
    "1y month-end 2023-03-01..2024-02-29",
    "3y month-end 2021-03-01..2024-02-29",
    "30d late-month 2024-01-30..2024-02-28",
    "1y late-month 2023-03-01..2024-02-28",
    "3y late-month 2021-03-01..2024-02-28",
    "30d early-month 2024-01-05..2024-02-03",
    "1y early-month 2023-02-04..2024-02-03",
    "3y early-month 2021-02-04..2024-02-03",
  ]);
});

describe("compareWithBaseline", () => {
  test("agrees when every baseline field is in the report with the same value (extra report fields are fine)", () => {
    const report = { from: "x", orders: 3, netSales: "1.00", periods: [{ period: "2026-01", orders: 1 }] };
    expect(
      compareWithBaseline(report, { orders: 3, netSales: "1.00", periods: [{ period: "2026-01", orders: 1 }] }),
    ).toEqual({ differences: [] });
  });

  test("names each difference by its path", () => {
    const report = { orders: 3, netSales: "1.00", periods: [{ orders: 1 }, { orders: 2 }] };
    expect(
      compareWithBaseline(report, {
        orders: 4,
        netSales: "1.01",
        periods: [{ orders: 1 }, { orders: 5 }, { orders: 0 }],
      }).differences,
    ).toEqual([
      "orders: report 3, baseline 4",
      'netSales: report "1.00", baseline "1.01"',
      "periods.length: report 2, baseline 3",
      "periods[1].orders: report 2, baseline 5",
    ]);
  });

  test("an averageOrderValue one minor unit off is a difference (reports round once, like the baseline)", () => {
    expect(compareWithBaseline({ averageOrderValue: "100.57" }, { averageOrderValue: "100.56" }).differences).toEqual([
      'averageOrderValue: report "100.57", baseline "100.56"',
    ]);
  });
});

describe("ingestion inputs", () => {
  const meta = {
    demo: {
      seed: 7,
      orders: 1000,
      products: 50,
      customers: 200,
      years: 1,
      sessionsPerOrder: 0,
      currency: "USD",
      timezone: "America/New_York",
      start: "2025-11-26T00:00:00.000Z",
      end: "2026-11-26T00:00:00.000Z",
    },
  } as BenchMeta;

  test("fresh orders are distinct, new (prefixed ids) and from the data's last 30 days", () => {
    const orders = freshOrders(meta, 700);
    expect(orders).toHaveLength(700);
    expect(new Set(orders.map((o) => o.id)).size).toBe(700);
    expect(orders.every((o) => o.id.startsWith(INGEST_PREFIX))).toBe(true);
    const times = orders.map((o) => new Date(o.createdAt).getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse("2026-10-27T00:00:00Z"));
    expect(Math.max(...times)).toBeLessThan(Date.parse("2026-11-26T00:00:00Z"));
  });

  test("bare rows carry the values ingestion computes", () => {
    const rows = bareRows(
      9,
      [
        {
          id: "o1",
          customerId: "c1",
          createdAt: "2026-01-02T03:04:05-05:00",
          currency: "USD",
          status: "paid",
          channel: "web",
          discount: "1.00",
          shipping: "4.99",
          tax: "2.10",
          lines: [
            { productId: "p1", productName: "P", quantity: 2, unitPrice: "12.50", discount: "0.50" },
            { productId: "p2", productName: "Q", quantity: 1, unitPrice: "3" },
          ],
        },
      ],
      new Date(0),
    );
    expect(rows.orders[0]).toMatchObject({
      store_id: 9,
      id: "o1",
      units: 3,
      gross_sales: "28.0000",
      discounts: "1.5000",
      shipping: "4.9900",
      taxes: "2.1000",
      total: "33.5900",
    });
    expect(rows.orders[0].created_at).toEqual(new Date("2026-01-02T08:04:05Z"));
    expect(rows.lines.map((l) => [l.line_no, l.gross, l.discount, l.unit_price])).toEqual([
      [0, "25.0000", "0.5000", "12.5000"],
      [1, "3.0000", "0.0000", "3.0000"],
    ]);
  });
});

describe("CPU of a phase", () => {
  test("a /proc stat line gives user plus system time, whatever the command name holds", () => {
    const rest = "S 1 3813 3813 0 -1 4194560 25060 0 128 0 6123 2877 0 0 20 0 37 0 1234 8796093022208 1157363";
    expect(cpuSecondsOfStat(`3820 (mariadbd) ${rest}`, 100)).toBe(90);
    expect(cpuSecondsOfStat(`3820 (odd (name) x) ${rest}`, 100)).toBe(90);
    expect(() => cpuSecondsOfStat("3820 (mariadbd) S", 100)).toThrow("not a /proc stat line");
  });

  test("the clock counts this process's CPU, and the server's only when there is a reading", () => {
    let server = 10;
    const stop = startCpuClock(() => server);
    const until = Date.now() + 30;
    while (Date.now() < until); // spend some CPU
    server = 12.5;
    const phase = stop();
    expect(phase.node).toBeGreaterThan(0);
    expect(phase.server).toBe(2.5);
    expect(startCpuClock(undefined)()).not.toHaveProperty("server");
  });
});

describe("waiting for a quiet server", () => {
  /** A server whose CPU readings are `used[i]` seconds per window, then nothing; time passes only in `sleep`. */
  const server = (used: number[]) => {
    let cpu = 0;
    let window = 0;
    return {
      read: () => cpu,
      sleep: async () => {
        cpu += used[window++] ?? 0;
      },
    };
  };

  test("a server that does nothing is quiet after one window", async () => {
    const s = server([]);
    expect(await waitForQuietServer(s.read, 120, { sleep: s.sleep })).toEqual({ waitedSeconds: 3, quiet: true });
  });

  test("a server still flushing is waited for, window by window", async () => {
    const s = server([2.5, 1.2, 0.05]);
    expect(await waitForQuietServer(s.read, 120, { sleep: s.sleep })).toEqual({ waitedSeconds: 9, quiet: true });
  });

  test("past the limit the phase goes ahead, and says the server was busy", async () => {
    const s = server([3, 3, 3, 3]);
    expect(await waitForQuietServer(s.read, 6, { sleep: s.sleep })).toEqual({ waitedSeconds: 6, quiet: false });
    const short = server([0.05]);
    // a limit shorter than the window shortens the window, and the quiet threshold with it
    expect(await waitForQuietServer(short.read, 1, { sleep: short.sleep })).toEqual({ waitedSeconds: 1, quiet: false });
  });

  test("the server of the URL's port is told from others by its listening socket", () => {
    const tcp = [
      "  sl  local_address rem_address st tx_queue rx_queue tr tm->when retrnsmt uid timeout inode",
      "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000 107 0 10052 1 0 100 0 0 10 0",
      "   1: 0100007F:D431 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 20991 1 0 100 0 0 10 0",
      "   2: 0100007F:0CEA 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 107 0 30333 1 0 20 4 30 10 -1",
    ].join("\n");
    // 3306 is 0x0CEA; the established connection on it (state 01) is not a listener
    expect(listeningInodes(tcp, 3306)).toEqual(new Set(["10052"]));
    expect(listeningInodes(tcp, 54321)).toEqual(new Set(["20991"]));
    expect(listeningInodes(tcp, 1234)).toEqual(new Set());
  });

  test("only a server on this machine is read", () => {
    expect(localServerCpu("mysql://root@db.example.com:3306")).toBeUndefined();
    expect(localServerCpu("not a url")).toBeUndefined();
  });
});
