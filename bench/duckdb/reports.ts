/**
 * The reports of SPEC 3.2 computed by DuckDB from the raw rows loaded by ./load.ts, each in the
 * shape of its baseline (bench/baseline.ts) so bench/compare.ts checks it against the report the
 * same way. Money is summed as DECIMAL in DuckDB and read back as decimal text, then rounded once
 * with bigints; local days and months come from a CASE over the zone's offsets (./figures.ts).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Store } from "../../functions/db/schema";
import { minorUnits } from "../../functions/money/currency";
import { DAY_MS } from "../../functions/time";
import {
  rangeBounds,
  type BaselineCohorts,
  type BaselineFunnel,
  type BaselineInterval,
  type BaselineProducts,
  type BaselineRange,
  type BaselineSales,
  type BaselineSummary,
} from "../baseline";
import { dec, emptySums, figures, money, share, type Sums } from "../exact";
import { localTimeSql, offsetStretches, timestampLiteral } from "./figures";

type Row = Record<string, string | null>;

/** Every column cast to text by the query: counts and decimals come back exact, never as doubles. */
async function query(duck: DuckDBConnection, text: string): Promise<Row[]> {
  const reader = await duck.runAndReadAll(text);
  return reader.getRowObjectsJS().map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) out[key] = value === null ? null : String(value);
    return out;
  });
}

const count = (value: string | null | undefined) => Number(value ?? 0);

/** [start, end) as SQL literals, and the zone's offsets around it. */
function window(range: BaselineRange) {
  const { start, end } = rangeBounds(range);
  return {
    start: timestampLiteral(start.getTime()),
    end: timestampLiteral(end.getTime()),
    stretches: offsetStretches(start.getTime() - DAY_MS, end.getTime() + DAY_MS, range.timezone),
  };
}

/** Groups by a local DATE (day) or its month's first day: formatted once per group, not per row. */
function periodKey(column: string, range: BaselineRange, interval: BaselineInterval): string {
  const local = `cast(${localTimeSql(column, window(range).stretches)} as date)`;
  return interval === "day" ? local : `date_trunc('month', ${local})`;
}

const FORMATS: Record<BaselineInterval, string> = { day: "%Y-%m-%d", month: "%Y-%m" };

/** Orders, their lines and the refunds booked in range on paid orders, summed per key ("all": one key). */
async function salesSums(
  duck: DuckDBConnection,
  range: BaselineRange,
  key: (column: string) => string,
  format: string | undefined,
): Promise<Map<string, Sums>> {
  const { start, end } = window(range);
  const label = (k: string) => (format ? `strftime(${k}, '${format}')` : "'all'");
  const orders = await query(
    duck,
    `select ${label("k")} as k, count(*)::varchar as orders, sum(discounts)::varchar as discounts,
       sum(shipping)::varchar as shipping, sum(taxes)::varchar as taxes
     from (select ${key("created_at")} as k, discounts, shipping, taxes from orders
       where status = 'paid' and created_at >= ${start} and created_at < ${end})
     group by k`,
  );
  const lines = await query(
    duck,
    `select ${label("k")} as k, sum(quantity)::varchar as units, sum(quantity * unit_price)::varchar as gross
     from (select ${key("created_at")} as k, quantity, unit_price from order_lines
       where status = 'paid' and created_at >= ${start} and created_at < ${end})
     group by k`,
  );
  const refunds = await query(
    duck,
    `select ${label("k")} as k, sum(amount)::varchar as returns
     from (select ${key("r.created_at")} as k, r.amount from refunds r join orders o on o.id = r.order_id
       where o.status = 'paid' and r.created_at >= ${start} and r.created_at < ${end})
     group by k`,
  );
  const sums = new Map<string, Sums>();
  const at = (k: string | null) => {
    let s = sums.get(k ?? "");
    if (!s) sums.set(k ?? "", (s = emptySums()));
    return s;
  };
  for (const row of orders) {
    Object.assign(at(row.k), {
      orders: count(row.orders),
      discounts: dec(row.discounts),
      shipping: dec(row.shipping),
      taxes: dec(row.taxes),
    });
  }
  for (const row of lines) Object.assign(at(row.k), { units: count(row.units), gross: dec(row.gross) });
  for (const row of refunds) at(row.k).returns = dec(row.returns);
  return sums;
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Every day (YYYY-MM-DD) or month (YYYY-MM) from `from` to `to`. */
export function periodLabels(range: BaselineRange, interval: BaselineInterval): string[] {
  const labels: string[] = [];
  for (let day = dayNumber(range.from); day <= dayNumber(range.to); day++) {
    const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const label = interval === "day" ? date : date.slice(0, 7);
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels;
}

/** GET /reports/summary. */
export async function duckdbSummary(
  duck: DuckDBConnection,
  store: Store,
  range: BaselineRange,
): Promise<BaselineSummary> {
  const { start, end } = window(range);
  const sums = await salesSums(duck, range, () => "0", undefined);
  // each customer's paid orders up to the end of the range; those with one in range
  const [row] = await query(
    duck,
    `select count(*)::varchar as customers, count_if(first_at >= ${start})::varchar as fresh,
       count_if(orders > 1)::varchar as repeaters
     from (
       select customer_id, min(created_at) as first_at, max(created_at) as last_at, count(*) as orders
       from orders
       where status = 'paid' and customer_id is not null and created_at < ${end}
       group by customer_id
     )
     where last_at >= ${start}`,
  );
  const customers = count(row?.customers);
  const fresh = count(row?.fresh);
  return {
    ...figures(sums.get("all") ?? emptySums(), minorUnits(store.currency)),
    customers,
    newCustomers: fresh,
    returningCustomers: customers - fresh,
    returningCustomerRate: share(count(row?.repeaters), customers),
  };
}

/** GET /reports/sales?interval=day|month: every period of the range, zero-filled. */
export async function duckdbSales(
  duck: DuckDBConnection,
  store: Store,
  range: BaselineRange,
  interval: BaselineInterval,
): Promise<BaselineSales> {
  const sums = await salesSums(duck, range, (column) => periodKey(column, range, interval), FORMATS[interval]);
  const decimals = minorUnits(store.currency);
  return {
    periods: periodLabels(range, interval).map((period) => ({
      period,
      ...figures(sums.get(period) ?? emptySums(), decimals),
    })),
  };
}

/** GET /reports/products (net sales, top 20, ties by product id): the ranking done in DuckDB. */
export async function duckdbProducts(
  duck: DuckDBConnection,
  store: Store,
  range: BaselineRange,
): Promise<BaselineProducts> {
  const { start, end } = window(range);
  const rows = await query(
    duck,
    `with sold as (
       select product_id, count(distinct order_id) as orders, sum(quantity) as units,
         sum(quantity * unit_price) as gross, sum(discount) as discounts
       from order_lines
       where status = 'paid' and created_at >= ${start} and created_at < ${end}
       group by product_id
     ), returned as (
       select rl.product_id, sum(rl.amount) as returns
       from refund_lines rl join orders o on o.id = rl.order_id
       where o.status = 'paid' and rl.created_at >= ${start} and rl.created_at < ${end}
       group by rl.product_id
     ), tally as (
       select coalesce(s.product_id, r.product_id) as id, coalesce(s.orders, 0) as orders,
         coalesce(s.units, 0) as units, coalesce(s.gross, 0) as gross, coalesce(s.discounts, 0) as discounts,
         coalesce(r.returns, 0) as returns
       from sold s full join returned r on r.product_id = s.product_id
     ), top as (
       select *, gross - discounts - returns as net from tally order by net desc, id limit 20
     )
     select t.id, p.name, p.category, t.orders::varchar as orders, t.units::varchar as units,
       t.gross::varchar as gross, t.discounts::varchar as discounts, t.returns::varchar as returns,
       t.net::varchar as net
     from top t left join products p on p.id = t.id
     order by t.net desc, t.id`,
  );
  const decimals = minorUnits(store.currency);
  return {
    products: rows.map((row) => ({
      productId: row.id!,
      productName: row.name ?? row.id!,
      category: row.category,
      orders: count(row.orders),
      unitsSold: count(row.units),
      grossSales: money(dec(row.gross), decimals),
      discounts: money(dec(row.discounts), decimals),
      returns: money(dec(row.returns), decimals),
      netSales: money(dec(row.net), decimals),
    })),
  };
}

/** GET /reports/funnel: every session grouped from its events, then those that started in range. */
export async function duckdbFunnel(
  duck: DuckDBConnection,
  _store: Store,
  range: BaselineRange,
): Promise<BaselineFunnel> {
  const { start, end } = window(range);
  const [row] = await query(
    duck,
    `select count(*)::varchar as sessions, sum(viewed)::varchar as viewed, sum(carted)::varchar as carted,
       sum(checkout)::varchar as checkout, sum(converted)::varchar as converted
     from (
       select session_id, min(occurred_at) as started_at, max((type = 'product_view')::int) as viewed,
         max((type = 'add_to_cart')::int) as carted, max((type = 'checkout_start')::int) as checkout,
         max((type = 'purchase')::int) as converted
       from events
       group by session_id
     )
     where started_at >= ${start} and started_at < ${end}`,
  );
  const sessions = count(row?.sessions);
  const converted = count(row?.converted);
  return {
    sessions,
    sessionsWithProductViews: count(row?.viewed),
    sessionsWithAddToCart: count(row?.carted),
    sessionsReachedCheckout: count(row?.checkout),
    sessionsConverted: converted,
    conversionRate: share(converted, sessions),
  };
}

/** GET /reports/cohorts?interval=month: customers by the month of their first paid order, and their later months. */
export async function duckdbCohorts(
  duck: DuckDBConnection,
  store: Store,
  range: BaselineRange,
  interval: BaselineInterval = "month",
): Promise<BaselineCohorts> {
  const { start, end } = window(range);
  const key = (column: string) => periodKey(column, range, interval);
  const format = FORMATS[interval];
  const firsts = `(
    select customer_id, min(created_at) as first_at from orders
    where status = 'paid' and customer_id is not null
    group by customer_id
  )`;
  const activity = await query(
    duck,
    `select strftime(cohort, '${format}') as cohort, strftime(period, '${format}') as period,
       count(distinct customer_id)::varchar as customers, sum(sales)::varchar as sales
     from (
       select ${key("f.first_at")} as cohort, ${key("o.created_at")} as period, o.customer_id,
         o.gross_sales - o.discounts as sales
       from orders o join ${firsts} f on f.customer_id = o.customer_id
       where o.status = 'paid' and o.created_at >= ${start} and o.created_at < ${end}
         and f.first_at >= ${start} and f.first_at < ${end}
     )
     group by all`,
  );
  const returns = await query(
    duck,
    `select strftime(cohort, '${format}') as cohort, strftime(period, '${format}') as period,
       sum(amount)::varchar as returns
     from (
       select ${key("f.first_at")} as cohort, ${key("r.created_at")} as period, r.amount
       from refunds r join orders o on o.id = r.order_id join ${firsts} f on f.customer_id = o.customer_id
       where o.status = 'paid' and r.created_at >= ${start} and r.created_at < ${end}
         and f.first_at >= ${start} and f.first_at < ${end}
     )
     group by all`,
  );
  const cell = (cohort: string | null, period: string | null) => `${cohort}|${period}`;
  const active = new Map(activity.map((row) => [cell(row.cohort, row.period), row]));
  const returned = new Map(returns.map((row) => [cell(row.cohort, row.period), dec(row.returns)]));
  const labels = periodLabels(range, interval);
  const decimals = minorUnits(store.currency);
  return {
    cohorts: labels
      .map((cohort, first) => ({ cohort, first }))
      .filter(({ cohort }) => active.has(cell(cohort, cohort)))
      .map(({ cohort, first }) => {
        const size = count(active.get(cell(cohort, cohort))!.customers);
        return {
          cohort,
          size,
          periods: labels.slice(first).map((period, k) => {
            const row = active.get(cell(cohort, period));
            const customers = count(row?.customers);
            const net = dec(row?.sales) - (returned.get(cell(cohort, period)) ?? 0n);
            return { k, period, customers, share: share(customers, size), netSales: money(net, decimals) };
          }),
        };
      }),
  };
}

export type DuckReport = (duck: DuckDBConnection, store: Store, range: BaselineRange) => Promise<unknown>;

/** The DuckDB counterpart of each ranged report case of bench/reports.ts, by its name. */
export const DUCKDB_REPORTS: Readonly<Record<string, DuckReport>> = {
  summary: duckdbSummary,
  "sales?interval=day": (duck, store, range) => duckdbSales(duck, store, range, "day"),
  "sales?interval=month": (duck, store, range) => duckdbSales(duck, store, range, "month"),
  products: duckdbProducts,
  funnel: duckdbFunnel,
  "cohorts?interval=month": (duck, store, range) => duckdbCohorts(duck, store, range, "month"),
};
