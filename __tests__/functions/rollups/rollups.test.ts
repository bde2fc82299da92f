import fc from "fast-check";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../../functions/db/connection";
import { ApiError } from "../../../functions/http/errors";
import { ingestEvents } from "../../../functions/ingest/events";
import { ingestOrders } from "../../../functions/ingest/orders";
import { ingestRefunds } from "../../../functions/ingest/refunds";
import { eventsRequestSchema, ordersRequestSchema, refundsRequestSchema } from "../../../functions/ingest/schemas";
import { EMPTY_SUMS, salesFigures } from "../../../functions/metrics/figures";
import { rawFunnelCounts } from "../../../functions/rollups/funnel/raw";
import { funnelCounts } from "../../../functions/rollups/funnel/read";
import { productTallies, rawProductTallies, type Tally } from "../../../functions/rollups/products/read";
import { PRODUCT_SORTS, rankProducts, topProducts } from "../../../functions/rollups/products/top";
import { rawSalesByKey } from "../../../functions/rollups/sales/raw-sales";
import { localSalesByPeriod, periodCuts, salesByKey } from "../../../functions/rollups/sales/read";
import { customerFigures } from "../../../functions/rollups/customers/read";
import { cohortsReport } from "../../../functions/reports/cohorts";
import { cohortHalves } from "../../../functions/rollups/customers/cohort-cells";
import { rawCustomerFigures } from "../../../functions/rollups/customers/raw-customer-figures";
import { periodKeySql, periodsInRange, utcBounds, type Interval } from "../../../functions/time";
import { rebuildRollups } from "../../../functions/rollups/rebuild";
import { newStore, useTestDatabase } from "../../support/harness";

/**
 * The rollups never disagree with the raw rows: random sequences of ingests, re-sends,
 * cancellations, refunds and events (some sent concurrently), then every sales period, the
 * funnel and the products report for random ranges and time zones, from the rollups and from the
 * raw tables, compared exactly; and a rebuild from raw rows gives back the same rollups.
 */
let handle: DatabaseHandle;
beforeAll(() => {
  handle = useTestDatabase();
});
afterAll(() => handle.db.destroy());

const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 1);
const at = (minutes: number) => new Date(EPOCH + minutes * 60_000).toISOString();
const ZONES = ["UTC", "Asia/Kolkata", "Asia/Kathmandu", "America/New_York", "Pacific/Chatham"];
const INTERVALS: Interval[] = ["hour", "day", "week", "month"];
const MINUTES = 75 * 24 * 60; // 75 days from 2026-01-01 (across New York's March DST change)
// Half the orders and refunds land within 12 hours of a UTC month's start (Jan 1, Feb 1, Mar 1),
// where the products report switches between its month, day and raw-line sources.
const MONTH_STARTS = [0, 31, 59].map((day) => day * 24 * 60);
const minuteArb = fc.oneof(
  fc.integer({ min: 0, max: MINUTES }),
  fc
    .tuple(fc.constantFrom(...MONTH_STARTS), fc.integer({ min: -720, max: 720 }))
    .map(([monthStart, offset]) => Math.max(0, monthStart + offset)),
);

const money = (cents: number) => (cents / 100).toFixed(2);
const orderOp = fc.record({
  kind: fc.constant("order" as const),
  id: fc.integer({ min: 1, max: 8 }).map((n) => `o${n}`),
  status: fc.constantFrom("paid", "paid", "cancelled"),
  minute: minuteArb,
  lines: fc.array(
    fc.record({
      product: fc.integer({ min: 1, max: 3 }),
      quantity: fc.integer({ min: 1, max: 3 }),
      cents: fc.integer({ min: 0, max: 5000 }),
    }),
    { minLength: 1, maxLength: 2 },
  ),
  shipping: fc.integer({ min: 0, max: 900 }),
  customer: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
});
const refundOp = fc.record({
  kind: fc.constant("refund" as const),
  id: fc.integer({ min: 1, max: 3 }).map((n) => `r${n}`),
  orderId: fc.integer({ min: 1, max: 8 }).map((n) => `o${n}`),
  minute: minuteArb,
  cents: fc.integer({ min: 1, max: 2000 }),
  product: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});
const eventOp = fc.record({
  kind: fc.constant("event" as const),
  id: fc.integer({ min: 1, max: 30 }).map((n) => `e${n}`),
  session: fc.integer({ min: 1, max: 5 }).map((n) => `s${n}`),
  type: fc.constantFrom("session_start", "page_view", "product_view", "add_to_cart", "checkout_start", "purchase"),
  minute: fc.integer({ min: 0, max: MINUTES }),
});
type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;
type Op = ValueOf<typeof orderOp> | ValueOf<typeof refundOp> | ValueOf<typeof eventOp>;

async function apply(store: Parameters<typeof ingestOrders>[1], op: Op): Promise<void> {
  try {
    if (op.kind === "order") {
      const { orders } = ordersRequestSchema.parse({
        orders: [
          {
            id: op.id,
            createdAt: at(op.minute),
            currency: "USD",
            status: op.status,
            shipping: money(op.shipping),
            ...(op.customer ? { customerId: `c${op.customer}` } : {}),
            lines: op.lines.map((l) => ({
              productId: `p${l.product}`,
              productName: `P${l.product}`,
              quantity: l.quantity,
              unitPrice: money(l.cents),
            })),
          },
        ],
      });
      await ingestOrders(handle.db, store, orders);
    } else if (op.kind === "refund") {
      const lines = op.product ? [{ productId: `p${op.product}`, quantity: 1, amount: money(op.cents) }] : undefined;
      const { refunds } = refundsRequestSchema.parse({
        refunds: [
          {
            id: op.id,
            orderId: op.orderId,
            createdAt: at(op.minute),
            amount: money(op.cents),
            ...(lines ? { lines } : {}),
          },
        ],
      });
      await ingestRefunds(handle.db, store, refunds);
    } else {
      const { events } = eventsRequestSchema.parse({
        events: [{ id: op.id, type: op.type, sessionId: op.session, occurredAt: at(op.minute) }],
      });
      await ingestEvents(handle.db, store, events);
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error; // refused ops (over-refunds, unknown orders ...) store nothing
  }
}

const rangeArb = fc.record({
  fromDay: fc.integer({ min: 0, max: 70 }),
  days: fc.integer({ min: 1, max: 75 }), // about one range in three holds a whole UTC month
  timezone: fc.constantFrom(...ZONES),
  interval: fc.constantFrom(...INTERVALS),
});
const date = (day: number) => new Date(EPOCH + day * DAY).toISOString().slice(0, 10);

/**
 * A store's rows of a rollup table in a fixed order, without the rows all of whose `measures` are
 * zero (a rebuild writes none of those; ingest may leave them behind), units as numbers.
 */
async function nonZeroRows(storeId: number, table: string, order: string[], measures: string[]) {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}
    where store_id = ${storeId} order by ${sql.join(order.map((column) => sql.ref(column)))}`.execute(handle.db);
  return rows
    .filter((row) => measures.some((measure) => Number(row[measure]) !== 0))
    .map((row) => ("units" in row ? { ...row, units: Number(row.units) } : row));
}

const SALES = ["orders", "gross_sales", "returns", "shipping"];
const PRODUCT = ["orders", "units", "gross_sales", "discounts", "returns"];
const MARKERS = ["first_orders", "second_orders", "last_orders", "only_orders"];
const nonZeroSlots = (storeId: number) =>
  nonZeroRows(storeId, "sales_slots", ["span_minutes", "slot_start"], [...SALES, ...MARKERS]);
const nonZeroProductDays = (storeId: number) => nonZeroRows(storeId, "product_days", ["day", "product_id"], PRODUCT);
const nonZeroProductMonths = (storeId: number) =>
  nonZeroRows(storeId, "product_months", ["month", "product_id"], PRODUCT);
const nonZeroLocalDays = (storeId: number) => nonZeroRows(storeId, "sales_local_days", ["local_day"], SALES);
const nonZeroCohortCells = (storeId: number) =>
  nonZeroRows(storeId, "cohort_cells", ["interval_name", "cohort_day", "period"], ["customers", "sales", "returns"]);
const nonZeroGapMonths = (storeId: number) =>
  nonZeroRows(storeId, "gap_months", ["prev_month", "order_month"], ["gaps", "first_gaps"]);
const nonZeroCohortDays = (storeId: number) =>
  nonZeroRows(
    storeId,
    "cohort_days",
    ["local_day", "cohort_day"],
    ["week_customers", "month_customers", "sales", "returns"],
  );

/**
 * What the customer markers are derived from: each customer's first and second paid order, each order's previous one.
 */
const timelines = async (storeId: number) => [
  await handle.db
    .selectFrom("customers")
    .select(["id", "first_paid_at", "second_paid_at"])
    .where("store_id", "=", storeId)
    .orderBy("id")
    .execute(),
  await handle.db
    .selectFrom("orders")
    .select(["id", "prev_paid_at"])
    .where("store_id", "=", storeId)
    .orderBy("id")
    .execute(),
];

const sorted = (tallies: Map<string, Tally>) => [...tallies.entries()].sort(([a], [b]) => (a < b ? -1 : 1));

test("rollup reports equal raw reports after any sequence of ingests, and a rebuild changes nothing", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(orderOp, orderOp, refundOp, eventOp), { minLength: 5, maxLength: 40 }),
      fc.array(rangeArb, { minLength: 3, maxLength: 3 }),
      async (ops, ranges) => {
        // the store's own zone is the first range's: cohorts read their rollup only in it
        const { store } = await newStore(handle, { timezone: ranges[0].timezone });
        for (let i = 0; i < ops.length; i += 3) await Promise.all(ops.slice(i, i + 3).map((op) => apply(store, op)));

        for (const { fromDay, days, timezone, interval } of ranges) {
          const range = { from: date(fromDay), to: date(fromDay + days - 1), timezone };
          const { start, end } = utcBounds(range);
          const keyOf = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, interval);
          const cuts = periodCuts(periodsInRange(range, interval), start, end);
          const [rolled, raw] = await Promise.all([
            salesByKey(handle.db, store.id, cuts, keyOf),
            rawSalesByKey(handle.db, store.id, start, end, keyOf),
          ]);
          const local =
            timezone === store.timezone && interval !== "hour"
              ? await localSalesByPeriod(handle.db, store.id, range, interval)
              : rolled;
          for (const period of periodsInRange(range, interval)) {
            const expected = [period.key, salesFigures(raw.get(period.key) ?? EMPTY_SUMS, "USD")];
            expect([period.key, salesFigures(rolled.get(period.key) ?? EMPTY_SUMS, "USD")]).toEqual(expected);
            expect([period.key, salesFigures(local.get(period.key) ?? EMPTY_SUMS, "USD")]).toEqual(expected);
          }
          expect(await funnelCounts(handle.db, store.id, start, end)).toEqual(
            await rawFunnelCounts(handle.db, store.id, start, end),
          );
          expect(sorted(await productTallies(handle.db, store, start, end))).toEqual(
            sorted(await rawProductTallies(handle.db, store.id, start, end)),
          );
          for (const sort of PRODUCT_SORTS)
            for (const limit of [1, 2, 5])
              expect(await topProducts(handle.db, store, start, end, { sort, limit })).toEqual(
                rankProducts(await rawProductTallies(handle.db, store.id, start, end), sort, limit),
              );
          expect(await customerFigures(handle.db, store.id, start, end)).toEqual(
            await rawCustomerFigures(handle.db, store.id, start, end),
          );
          const cohortInterval = interval === "week" ? "week" : "month";
          expect(await cohortsReport(handle.db, store, { range, start, end }, cohortInterval)).toEqual(
            await cohortsReport(handle.db, store, { range, start, end }, cohortInterval, { fromRawRows: true }),
          );
        }

        const rollups = async () => [
          await nonZeroLocalDays(store.id),
          await nonZeroSlots(store.id),
          await nonZeroProductDays(store.id),
          await nonZeroProductMonths(store.id),
          await timelines(store.id),
          await nonZeroCohortCells(store.id),
          await nonZeroCohortDays(store.id),
          await nonZeroGapMonths(store.id),
        ];
        const before = await rollups();
        await rebuildRollups(handle.db, store.id);
        expect(await rollups()).toEqual(before);
      },
    ),
    { numRuns: 25, seed: 20261126 },
  );
}, 120_000);

test("a refund sent again moves its product returns instead of adding them twice", async () => {
  const { store } = await newStore(handle);
  await apply(store, {
    kind: "order",
    id: "o1",
    status: "paid",
    minute: 60,
    lines: [{ product: 1, quantity: 2, cents: 1000 }],
    shipping: 0,
    customer: undefined,
  });
  await apply(store, { kind: "refund", id: "r1", orderId: "o1", minute: 3 * 24 * 60, cents: 500, product: 1 });
  await apply(store, { kind: "refund", id: "r1", orderId: "o1", minute: 5 * 24 * 60, cents: 300, product: 1 });
  const { start, end } = utcBounds({ from: "2026-01-01", to: "2026-01-31", timezone: "Asia/Kathmandu" });
  const rolled = await productTallies(handle.db, store, start, end);
  expect(rolled.get("p1")).toMatchObject({ orders: 1, units: 2, returns: 30000n });
  expect(sorted(rolled)).toEqual(sorted(await rawProductTallies(handle.db, store.id, start, end)));
});

test("products over months of a half-hour zone: each order once, from whichever source covers its day", async () => {
  // 2026-01-15 .. 2026-04-10 in Asia/Kolkata (+05:30) is [Jan 14 18:30Z, Apr 10 18:30Z): raw lines
  // until Jan 15 00:00Z, product_days for the rest of January, product_months for February and
  // March, product_days again for April 1..9, raw lines from Apr 10 00:00Z.
  const { store } = await newStore(handle, { timezone: "Asia/Kolkata" });
  const order = async (id: string, createdAt: string, status: "paid" | "cancelled" = "paid") => {
    const { orders } = ordersRequestSchema.parse({
      orders: [
        {
          id,
          createdAt,
          currency: "USD",
          status,
          lines: [{ productId: "mug", productName: "Mug", quantity: 1, unitPrice: "10.00" }],
        },
      ],
    });
    await ingestOrders(handle.db, store, orders);
  };
  const refund = async (id: string, orderId: string, createdAt: string, amount: string) => {
    const { refunds } = refundsRequestSchema.parse({
      refunds: [{ id, orderId, createdAt, amount, lines: [{ productId: "mug", quantity: 1, amount }] }],
    });
    await ingestRefunds(handle.db, store, refunds);
  };

  await order("before-range", "2026-01-14T18:29:59Z"); // Jan 14, 23:59:59 in Kolkata
  await order("first-instant", "2026-01-14T18:30:00Z"); // raw lines
  await order("january-last", "2026-01-31T23:59:59Z"); // product_days
  await order("february-first", "2026-02-01T00:00:00Z"); // product_months
  await order("march-last", "2026-03-31T23:59:59Z"); // product_months
  await order("april-first", "2026-04-01T00:00:00Z"); // product_days
  await order("last-instant", "2026-04-10T18:29:59Z"); // raw lines
  await order("after-range", "2026-04-10T18:30:00Z");
  await order("moved", "2026-02-15T12:00:00Z");
  await order("moved", "2026-04-05T12:00:00Z"); // re-sent with a later date: out of February, into April's days
  await order("cancelled", "2026-03-01T00:00:00Z");
  await refund("r-cancelled", "cancelled", "2026-03-02T00:00:00Z", "2.00");
  await order("cancelled", "2026-03-01T00:00:00Z", "cancelled"); // its lines and its refund count nowhere
  // booked in range, whatever the order's date
  await refund("r-in-range", "before-range", "2026-03-10T09:00:00Z", "4.00");
  await refund("r-after-range", "february-first", "2026-04-10T18:45:00Z", "3.00");

  const { start, end } = utcBounds({ from: "2026-01-15", to: "2026-04-10", timezone: "Asia/Kolkata" });
  const rolled = await productTallies(handle.db, store, start, end);
  expect(rolled.get("mug")).toEqual({ orders: 7, units: 7, gross: 700000n, discounts: 0n, returns: 40000n });
  expect(sorted(rolled)).toEqual(sorted(await rawProductTallies(handle.db, store.id, start, end)));
});

test("concurrent event batches of one store that share sessions all land, and the funnel stays exact", async () => {
  const { store } = await newStore(handle);
  const batches = Array.from(
    { length: 8 },
    (_, b) =>
      eventsRequestSchema.parse({
        events: Array.from({ length: 40 }, (_, i) => ({
          id: `e${b}-${i}`,
          type: ["session_start", "product_view", "add_to_cart", "checkout_start", "purchase"][(b + i) % 5],
          sessionId: `s${i % 12}`,
          occurredAt: at(b * 7 + i),
        })),
      }).events,
  );
  const results = await Promise.all(batches.map((events) => ingestEvents(handle.db, store, events)));
  expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(320);
  const { start, end } = utcBounds({ from: "2026-01-01", to: "2026-01-02", timezone: "UTC" });
  expect(await funnelCounts(handle.db, store.id, start, end)).toEqual(
    await rawFunnelCounts(handle.db, store.id, start, end),
  );
});

test("a cohort range cut short by `to` reads the rollup while nothing is later; equal to raw rows", async () => {
  const { store } = await newStore(handle, { timezone: "Asia/Kolkata" });
  const day = 24 * 60;
  const order = (id: string, minute: number, customer: number) =>
    apply(store, {
      kind: "order",
      id,
      status: "paid",
      minute,
      lines: [{ product: 1, quantity: 1, cents: 1000 }],
      shipping: 0,
      customer,
    });
  await order("o1", 10 * day, 1); // January
  await order("o2", 63 * day, 1); // early March, inside the range's last, unfinished month
  await order("o3", 64 * day, 2);
  await apply(store, { kind: "refund", id: "r1", orderId: "o2", minute: 65 * day, cents: 300, product: undefined });
  const range = { from: "2026-01-01", to: "2026-03-10", timezone: "Asia/Kolkata" };
  const window = { range, ...utcBounds(range) };
  const expectRawEqual = async () => {
    for (const interval of ["month", "week"] as const)
      expect(await cohortsReport(handle.db, store, window, interval)).toEqual(
        await cohortsReport(handle.db, store, window, interval, { fromRawRows: true }),
      );
  };
  await expectRawEqual(); // nothing after the 10th: March's cells are the range's part of March

  await order("o4", 75 * day, 1); // later in March than `to`: the rollup's March holds it, the range must not
  await apply(store, { kind: "refund", id: "r2", orderId: "o3", minute: 80 * day, cents: 200, product: undefined });
  await expectRawEqual();
});

test("customer figures count the gaps spanning a range from whichever month boundary is nearer each edge", async () => {
  const { store } = await newStore(handle, { timezone: "UTC" });
  const day = 24 * 60;
  // four customers with consecutive orders straddling every edge below, some gaps months long
  const orders: [string, number, number][] = [];
  for (const [customer, days] of [
    [1, [2, 20, 33, 70, 100]],
    [2, [5, 45, 50, 88]],
    [3, [12, 58, 95]],
    [4, [29, 31, 62, 64, 110]],
  ] as const)
    for (const d of days) orders.push([`o${customer}-${d}`, d, customer]);
  for (const [id, d, customer] of orders)
    await apply(store, {
      kind: "order",
      id,
      status: "paid",
      minute: d * day + 600,
      lines: [{ product: 1, quantity: 1, cents: 1000 }],
      shipping: 0,
      customer,
    });
  // edges early, mid and late in January to April (2026-01-01 is day 0), and on month starts
  const edges = [3, 14, 17, 28, 31, 40, 52, 59, 66, 75, 86, 90, 104];
  for (const [i, from] of edges.entries())
    for (const to of edges.slice(i + 1)) {
      const { start, end } = utcBounds({ from: date(from), to: date(to), timezone: "UTC" });
      expect([from, to, await customerFigures(handle.db, store.id, start, end)]).toEqual([
        from,
        to,
        await rawCustomerFigures(handle.db, store.id, start, end),
      ]);
    }
});

test("a cohort range over a year is read in two halves, split where a cohort starts; equal to raw rows", async () => {
  expect(cohortHalves("2026-01-01", "2026-12-31", "month")).toEqual([["2026-01-01", "2026-12-31"]]);
  expect(cohortHalves("2024-09-15", "2026-10-20", "month")).toEqual([
    ["2024-09-15", "2025-09-30"],
    ["2025-10-01", "2026-10-20"],
  ]);
  expect(cohortHalves("2024-09-15", "2026-10-20", "week")).toEqual([
    ["2024-09-15", "2025-09-28"],
    ["2025-09-29", "2026-10-20"], // a Monday
  ]);

  const { store } = await newStore(handle, { timezone: "Asia/Kolkata" });
  const day = 24 * 60;
  // customers whose first orders fall on both sides of the split, with orders on the other side too
  const days = [-470, -400, -300, -120, -20, 10, 60, 200, 280];
  for (const [i, d] of days.entries())
    for (const customer of [1 + (i % 4), 5 + (i % 3), 8 + i])
      await apply(store, {
        kind: "order",
        id: `o${i}-${customer}`,
        status: "paid",
        minute: d * day + customer * 37,
        lines: [{ product: 1, quantity: 1, cents: 1000 + customer }],
        shipping: 0,
        customer,
      });
  await apply(store, { kind: "refund", id: "r1", orderId: "o1-2", minute: 100 * day, cents: 300, product: undefined });
  for (const interval of ["month", "week"] as const) {
    const range = { from: "2024-09-15", to: "2026-10-20", timezone: "Asia/Kolkata" };
    const window = { range, ...utcBounds(range) };
    const report = await cohortsReport(handle.db, store, window, interval);
    expect(report.cohorts.length).toBeGreaterThan(4);
    expect(report).toEqual(await cohortsReport(handle.db, store, window, interval, { fromRawRows: true }));
  }
});

test("rollup cohorts count customers once a period, follow late first orders, book returns like raw rows", async () => {
  const { store } = await newStore(handle, { timezone: "Asia/Kolkata" });
  const order = (id: string, minute: number, customer: number, cents = 1000) =>
    apply(store, {
      kind: "order",
      id,
      status: "paid",
      minute,
      lines: [{ product: 1, quantity: 1, cents }],
      shipping: 0,
      customer,
    });
  const day = 24 * 60;
  await order("o1", 40 * day, 1); // February: c1's first order ...
  await order("o2", 41 * day, 1); // ... and a second in the same month and week
  await order("o3", 70 * day, 1, 2500); // March
  await order("o4", 45 * day, 2);
  await apply(store, { kind: "refund", id: "r1", orderId: "o3", minute: 71 * day, cents: 700, product: undefined });
  await order("o5", 10 * day, 1); // a late first order moves c1 to January's cohort, with its refund
  await order("o6", 50 * day, 3);
  await apply(store, {
    kind: "order",
    id: "o4",
    status: "cancelled",
    minute: 45 * day,
    lines: [{ product: 1, quantity: 1, cents: 1000 }],
    shipping: 0,
    customer: 2,
  });

  for (const interval of ["month", "week"] as const) {
    const range = { from: "2026-01-01", to: "2026-03-31", timezone: "Asia/Kolkata" };
    const window = { range, ...utcBounds(range) };
    const report = await cohortsReport(handle.db, store, window, interval);
    expect(report).toEqual(await cohortsReport(handle.db, store, window, interval, { fromRawRows: true }));
    if (interval === "month") {
      expect(report.cohorts.map((c) => [c.cohort, c.size, c.periods.map((p) => [p.customers, p.netSales])])).toEqual([
        [
          "2026-01",
          1,
          [
            [1, "10.00"],
            [1, "20.00"],
            [1, "18.00"],
          ],
        ],
        [
          "2026-02",
          1,
          [
            [1, "10.00"],
            [0, "0.00"],
          ],
        ],
      ]);
    }
  }
});
