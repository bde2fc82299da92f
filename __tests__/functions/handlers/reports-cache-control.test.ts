import type { DatabaseHandle } from "../../../functions/db/connection";
import {
  CLOSED_RANGE_CACHE_CONTROL,
  OPEN_RANGE_CACHE_CONTROL,
  rangeCacheControl,
  REALTIME_CACHE_CONTROL,
} from "../../../functions/reports/cache-control";
import { localToday } from "../../../functions/reports/params";
import { call, newStore, useTestDatabase, type TestStore } from "../../support/harness";

/**
 * The reports' answers say how fresh they are (docs/caching.md): realtime never stored, a range
 * that includes today revalidated on every use, a range that is over reusable for an hour; all
 * private and varying on the caller's headers and Accept.
 */
const shiftDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const RANGED = ["summary", "sales", "products", "funnel", "cohorts"];

describe("rangeCacheControl", () => {
  const end = new Date("2026-03-02T05:00:00Z"); // 1 March's end in New York
  it("is the open range's until the range's last day is over, then the closed range's", () => {
    expect(rangeCacheControl({ end }, new Date(end.getTime() - 1))).toBe(OPEN_RANGE_CACHE_CONTROL);
    expect(rangeCacheControl({ end }, end)).toBe(CLOSED_RANGE_CACHE_CONTROL);
    expect(rangeCacheControl({ end }, new Date(end.getTime() + 86_400_000))).toBe(CLOSED_RANGE_CACHE_CONTROL);
  });

  it("is private everywhere, and only a closed range may be reused without asking", () => {
    expect(REALTIME_CACHE_CONTROL).toBe("private, no-store");
    expect(OPEN_RANGE_CACHE_CONTROL).toBe("private, no-cache");
    expect(CLOSED_RANGE_CACHE_CONTROL).toBe("private, max-age=3600");
  });
});

describe("the reports handler's Cache-Control and Vary", () => {
  let handle: DatabaseHandle;
  let shop: TestStore;
  /** A store far east of UTC, so "today" in its zone differs from UTC's for part of every day. */
  const zone = "Pacific/Kiritimati";
  beforeAll(async () => {
    handle = useTestDatabase();
    shop = await newStore(handle, { timezone: zone });
  });
  afterAll(async () => {
    await handle.db.destroy();
  });

  const expectVary = (vary: string | undefined) =>
    expect(
      vary
        ?.split(",")
        .map((v) => v.trim().toLowerCase())
        .sort(),
    ).toEqual(["accept", "authorization", "x-api-key", "x-consistency"]);

  it("realtime is never stored", async () => {
    const result = await call("GET", "/api/v1/reports/realtime", { store: shop });
    expect(result.status).toBe(200);
    expect(result.headers["Cache-Control"]).toBe(REALTIME_CACHE_CONTROL);
    expectVary(result.headers.Vary);
  });

  it.each(RANGED)("%s over the default range (up to today) is revalidated on every use", async (report) => {
    const result = await call("GET", `/api/v1/reports/${report}`, { store: shop });
    expect(result.status).toBe(200);
    expect(result.headers["Cache-Control"]).toBe(OPEN_RANGE_CACHE_CONTROL);
    expectVary(result.headers.Vary);
  });

  it.each(RANGED)(
    "%s over a range that ended yesterday in the store's zone may be reused for an hour",
    async (report) => {
      const yesterday = shiftDays(localToday(zone), -1);
      const result = await call("GET", `/api/v1/reports/${report}`, {
        store: shop,
        query: { from: shiftDays(yesterday, -6), to: yesterday },
      });
      expect(result.status).toBe(200);
      expect(result.headers["Cache-Control"]).toBe(CLOSED_RANGE_CACHE_CONTROL);
      expectVary(result.headers.Vary);
    },
  );

  it("a range ending today in the store's zone is open, whatever the date in UTC", async () => {
    const today = localToday(zone);
    const result = await call("GET", "/api/v1/reports/summary", { store: shop, query: { from: today, to: today } });
    expect(result.headers["Cache-Control"]).toBe(OPEN_RANGE_CACHE_CONTROL);
  });

  it("a range in the future is open", async () => {
    const next = shiftDays(localToday(zone), 3);
    const result = await call("GET", "/api/v1/reports/summary", { store: shop, query: { from: next, to: next } });
    expect(result.headers["Cache-Control"]).toBe(OPEN_RANGE_CACHE_CONTROL);
  });

  it("the timezone parameter decides what today is", async () => {
    // Kiritimati (UTC+14) is a day ahead of Pago Pago (UTC-11) for most of the day: its today is Pago Pago's tomorrow.
    const pagoToday = localToday("Pacific/Pago_Pago");
    const result = await call("GET", "/api/v1/reports/summary", {
      store: shop,
      query: { from: pagoToday, to: pagoToday, timezone: "Pacific/Pago_Pago" },
    });
    expect(result.headers["Cache-Control"]).toBe(OPEN_RANGE_CACHE_CONTROL);
  });

  it("the CSV answer says the same", async () => {
    const result = await call("GET", "/api/v1/reports/sales", {
      store: shop,
      query: { from: "2024-01-01", to: "2024-01-31" },
      headers: { Accept: "text/csv" },
    });
    expect(result.headers["Content-Type"]).toMatch(/^text\/csv/);
    expect(result.headers["Cache-Control"]).toBe(CLOSED_RANGE_CACHE_CONTROL);
    expectVary(result.headers.Vary);
  });

  it("a refused request is not marked reusable", async () => {
    const result = await call("GET", "/api/v1/reports/sales", { store: shop, query: { interval: "fortnight" } });
    expect(result.status).toBe(400);
    expect(result.headers["Cache-Control"] ?? "").not.toMatch(/max-age=[1-9]/);
  });
});
