import { CompiledQuery, Kysely, MysqlDialect, sql } from "kysely";
import { createPool } from "mysql2";
import {
  localTimeSql,
  offsetSegments,
  periodKeySql,
  periodOf,
  periodsInRange,
  utcBounds,
  utcOffsetMinutes,
  type Interval,
  type LocalDateRange,
} from "../../../functions/time";

const TABLE = "report_time_instants";
const INTERVALS: Interval[] = ["hour", "day", "week", "month"];
const MINUTE_MS = 60_000;

/** Short ranges around the awkward spots, plus a long one for months. */
const RANGES: LocalDateRange[] = [
  { from: "2026-03-07", to: "2026-03-09", timezone: "America/New_York" }, // spring forward
  { from: "2026-10-31", to: "2026-11-02", timezone: "America/New_York" }, // fall back
  { from: "2026-12-28", to: "2027-01-03", timezone: "America/New_York" }, // ISO week across the year
  { from: "2026-12-28", to: "2027-01-03", timezone: "Asia/Kolkata" },
  { from: "2026-02-27", to: "2026-03-02", timezone: "Asia/Kolkata" },
  { from: "2026-12-28", to: "2027-01-03", timezone: "Asia/Kathmandu" },
  { from: "2026-02-27", to: "2026-03-02", timezone: "Asia/Kathmandu" },
  { from: "2026-04-04", to: "2026-04-06", timezone: "Australia/Lord_Howe" }, // falls back 30 minutes
  { from: "2026-09-05", to: "2026-09-07", timezone: "America/Santiago" }, // midnight skipped
  { from: "2025-10-15", to: "2026-04-15", timezone: "America/New_York" },
  { from: "2025-10-15", to: "2026-04-15", timezone: "Asia/Kathmandu" },
];

/** Instants on both sides of every period boundary, and a sweep every 17 minutes through short ranges. */
function sampleInstants(): Date[] {
  const ms = new Set<number>();
  for (const range of RANGES) {
    for (const interval of INTERVALS) {
      if (interval === "hour" && range.from.startsWith("2025-10")) continue;
      for (const { start, end } of periodsInRange(range, interval)) {
        for (const t of [start.getTime() - 1, start.getTime(), end.getTime() - 1]) ms.add(t);
      }
    }
    const { start, end } = utcBounds(range);
    if (end.getTime() - start.getTime() < 10 * 86_400_000) {
      for (let t = start.getTime(); t < end.getTime(); t += 17 * MINUTE_MS) ms.add(t);
    }
  }
  return [...ms].sort((a, b) => a - b).map((t) => new Date(t));
}

let db: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let instants: Date[];

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db = new Kysely<any>({
    dialect: new MysqlDialect({
      pool: createPool({ uri: process.env.MYSQL_URL, timezone: "Z" }),
      // MySQL 8.4 has ONLY_FULL_GROUP_BY on by default, MariaDB does not; test under MySQL's rules.
      onCreateConnection: async (connection) => {
        await connection.executeQuery(
          CompiledQuery.raw("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ONLY_FULL_GROUP_BY')"),
        );
      },
    }),
  });
  await db.schema
    .createTable(TABLE)
    .ifNotExists()
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("at", sql`DATETIME(3)`, (c) => c.notNull())
    .execute();
  instants = sampleInstants();
  for (let i = 0; i < instants.length; i += 1000) {
    await db
      .insertInto(TABLE)
      .values(instants.slice(i, i + 1000).map((at) => ({ at })))
      .execute();
  }
});

afterAll(async () => {
  await db?.schema.dropTable(TABLE).ifExists().execute();
  await db?.destroy();
});

const cases = RANGES.flatMap((range) =>
  INTERVALS.filter((interval) => interval !== "hour" || !range.from.startsWith("2025-10")).map(
    (interval) => [range.timezone, range.from, range.to, interval, range] as const,
  ),
);

describe("periodKeySql on the database", () => {
  it("runs under ONLY_FULL_GROUP_BY, so GROUP BY <key> must repeat the SELECT's text exactly", async () => {
    const [row] = await db.selectNoFrom(sql<string>`@@sql_mode`.as("mode")).execute();
    expect(row.mode).toContain("ONLY_FULL_GROUP_BY");
  });

  it("stores the sampled instants unchanged (UTC in, UTC out)", async () => {
    const rows = await db.selectFrom(TABLE).select("at").orderBy("at").execute();
    expect(rows.map((r) => (r.at as Date).getTime())).toEqual(instants.map((d) => d.getTime()));
  });

  it.each(cases)("%s %s..%s by %s: every row gets periodOf's key", async (_zone, _from, _to, interval, range) => {
    const periods = periodsInRange(range, interval);
    const lo = periods[0].start;
    const hi = periods[periods.length - 1].end;
    const rows = await db
      .selectFrom(TABLE)
      .select(["at", periodKeySql(sql.ref("at"), range, interval).as("key")])
      .where("at", ">=", lo)
      .where("at", "<", hi)
      .execute();
    expect(rows.length).toBeGreaterThan(periods.length);
    const wrong = rows.filter((r) => r.key !== periodOf(r.at, range.timezone, interval));
    expect(wrong.map((r) => `${(r.at as Date).toISOString()} -> ${r.key}`)).toEqual([]);
  });

  it.each(cases)(
    "%s %s..%s by %s: GROUP BY gives periodsInRange's keys and JS's counts",
    async (_zone, _from, _to, interval, range) => {
      const periods = periodsInRange(range, interval);
      const { start, end } = utcBounds(range);
      const key = periodKeySql(sql.ref("at"), range, interval);
      const groups = await db
        .selectFrom(TABLE)
        .select([key.as("key"), sql<number>`COUNT(*)`.as("rows")])
        .where("at", ">=", start)
        .where("at", "<", end)
        .groupBy(key)
        .orderBy(sql`MIN(at)`)
        .execute();

      const expected = new Map<string, number>();
      for (const at of instants.filter((d) => d >= start && d < end)) {
        const k = periodOf(at, range.timezone, interval);
        expected.set(k, (expected.get(k) ?? 0) + 1);
      }
      expect(groups.map((g) => [g.key, Number(g.rows)])).toEqual([...expected]);
      const periodKeys = new Set(periods.map((p) => p.key));
      expect(groups.filter((g) => !periodKeys.has(g.key))).toEqual([]);
    },
  );

  it("labels NY's two 01:00 hours of 2026-11-01 apart", async () => {
    const range = { from: "2026-11-01", to: "2026-11-01", timezone: "America/New_York" };
    const key = periodKeySql(sql.ref("at"), range, "hour");
    const rows = await db
      .selectFrom(TABLE)
      .select(key.as("key"))
      .where("at", "in", [new Date("2026-11-01T05:30:00Z"), new Date("2026-11-01T06:00:00Z")])
      .orderBy("at")
      .execute();
    expect(rows.map((r) => r.key)).toEqual(["2026-11-01T01:00-04:00", "2026-11-01T01:00-05:00"]);
  });
});

describe("localTimeSql on the database", () => {
  it("shifts each UTC instant by its own offset (NY over a year, read back as a UTC-fielded Date)", async () => {
    const start = new Date("2025-10-15T00:00:00Z");
    const end = new Date("2026-04-16T00:00:00Z");
    const rows = await db
      .selectFrom(TABLE)
      .select(["at", localTimeSql(sql.ref("at"), offsetSegments(start, end, "America/New_York")).as("local")])
      .where("at", ">=", start)
      .where("at", "<", end)
      .execute();
    expect(rows.length).toBeGreaterThan(100);
    for (const { at, local } of rows) {
      expect((local as Date).getTime() - (at as Date).getTime()).toBe(
        utcOffsetMinutes(at, "America/New_York") * MINUTE_MS,
      );
    }
  });

  it("keeps NULL as NULL", async () => {
    const [row] = await db
      .selectNoFrom(
        localTimeSql(
          sql<Date>`NULL`,
          offsetSegments(new Date("2026-01-01"), new Date("2027-01-01"), "America/New_York"),
        ).as("local"),
      )
      .execute();
    expect(row.local).toBeNull();
  });
});

describe("generated SQL", () => {
  it("is plain portable SQL: no CONVERT_TZ, no time-zone tables, no session variables", () => {
    for (const interval of INTERVALS) {
      const range = { from: "2024-01-01", to: "2026-12-31", timezone: "America/New_York" };
      const compiled = db
        .selectFrom(TABLE)
        .select(periodKeySql(sql.ref("at"), range, interval).as("key"))
        .compile();
      expect(compiled.sql).not.toMatch(/CONVERT_TZ|time_zone|@@|@\w|\bSET\b/i);
      expect(compiled.sql).toMatch(
        /^select CASE WHEN `at` < '2024-03-10 07:00:00.000' THEN (DATE_FORMAT|CAST|LEFT)\(.*\(`at` \+ INTERVAL -300 MINUTE\)/,
      );
      expect(compiled.parameters).toEqual([]);
    }
  });

  it("is a single shift, without CASE, for a zone with one offset", () => {
    const range = { from: "2026-01-01", to: "2026-01-31", timezone: "Asia/Kolkata" };
    const compiled = db
      .selectFrom(TABLE)
      .select(periodKeySql(sql.ref("at"), range, "day").as("key"))
      .compile();
    expect(compiled.sql).toBe(
      "select CAST(DATE((`at` + INTERVAL 330 MINUTE)) AS CHAR) as `key` from `report_time_instants`",
    );
  });

  it("carries the offset in the hour format, one per CASE branch", () => {
    const range = { from: "2026-11-01", to: "2026-11-01", timezone: "America/New_York" };
    const compiled = db
      .selectFrom(TABLE)
      .select(periodKeySql(sql.ref("at"), range, "hour").as("key"))
      .compile();
    expect(compiled.sql).toContain("'%Y-%m-%dT%H:00-04:00'");
    expect(compiled.sql).toContain("'%Y-%m-%dT%H:00-05:00'");
  });
});
