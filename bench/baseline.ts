/**
 * The baseline: every report of SPEC 3.2 computed by plain GROUP BY queries over the raw
 * tables (orders, order_lines, refunds, refund_lines, events), the simplest SQL that gives
 * SPEC 3.3's numbers. It is the benchmark's yardstick (how fast is "no optimisation at all")
 * and its correctness reference: each function returns the key figures of its report in the
 * report's own JSON shape, so the benchmark can compare them field by field.
 *
 * Deliberately independent of functions/reports (it shares only their response types, the
 * contract it compares): its own time-zone cuts (Intl, a CASE of offsets), its own decimal
 * arithmetic (bigint), its own ranking. It reads only raw data:
 * no `sessions` table (the funnel groups `events` by session), no denormalised order totals
 * where the lines hold the truth (units and gross sales come from order_lines).
 *
 * The GROUP BYs with one group per session or per customer carry `SQL_BIG_RESULT` (MySQL 8.4
 * and MariaDB alike): sort, then group, instead of a hash temporary table that outgrows
 * tmp_table_size (16 MiB) and goes to disk. At 200,000 orders (4M events) that is 10 s instead
 * of 72 s for the funnel; the baseline should be plain SQL, not needlessly slow SQL.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database, Store } from "../functions/db/schema";
import { minorUnits } from "../functions/money/currency";
import type { SalesFigures } from "../functions/metrics/figures";
import type { FunnelReport } from "../functions/reports/funnel";
import type { ProductRow } from "../functions/reports/products";
import { DAY_MS } from "../functions/time";
import { dec, emptySums, figures, money, share, type Sums } from "./exact";

export interface BaselineRange {
  /** inclusive local dates YYYY-MM-DD */
  from: string;
  to: string;
  timezone: string;
}

type Db = Kysely<Database>;
const MINUTE_MS = 60_000;
// ------------------------------------------------------------------ time zones

const wallFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes to add to UTC to read the wall clock in `zone` at `ms`. */
export function offsetMinutesAt(ms: number, zone: string): number {
  let formatter = wallFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    wallFormatters.set(zone, formatter);
  }
  const part: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(ms))) if (p.type !== "literal") part[p.type] = Number(p.value);
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / MINUTE_MS);
}

function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC instant of local midnight starting `date` in `zone`. */
export function localMidnight(date: string, zone: string): Date {
  const wall = dayNumber(date) * DAY_MS;
  const guess = wall - offsetMinutesAt(wall, zone) * MINUTE_MS;
  return new Date(wall - offsetMinutesAt(guess, zone) * MINUTE_MS);
}

/** [start, end): local midnight of `from` to local midnight after `to`. */
export function rangeBounds(range: BaselineRange): { start: Date; end: Date } {
  return {
    start: localMidnight(range.from, range.timezone),
    end: localMidnight(dateOf(dayNumber(range.to) + 1), range.timezone),
  };
}

interface OffsetStretch {
  startMs: number;
  offset: number;
}

/** The zone's offsets over [startMs, endMs]: scanned day by day, each change found to the millisecond. */
function offsetStretches(startMs: number, endMs: number, zone: string): OffsetStretch[] {
  const stretches: OffsetStretch[] = [{ startMs, offset: offsetMinutesAt(startMs, zone) }];
  for (let at = startMs; at < endMs;) {
    const next = Math.min(at + DAY_MS / 4, endMs);
    const current = stretches[stretches.length - 1].offset;
    if (offsetMinutesAt(next, zone) !== current) {
      let low = at;
      let high = next;
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (offsetMinutesAt(mid, zone) === current) low = mid;
        else high = mid;
      }
      stretches.push({ startMs: high, offset: offsetMinutesAt(high, zone) });
      at = high;
    } else {
      at = next;
    }
  }
  return stretches;
}

/** `date_format(<column as local time>, format)`: the column shifted by the zone's offset at its instant. */
function localKey(column: string, stretches: OffsetStretch[], format: string): RawBuilder<string> {
  const ref = sql.ref(column);
  const shift = (offset: number) => sql`date_add(${ref}, interval ${sql.lit(offset)} minute)`;
  const last = stretches[stretches.length - 1];
  const local =
    stretches.length === 1
      ? shift(last.offset)
      : sql`case ${sql.join(
          stretches
            .slice(1)
            .map((s, i) => sql`when ${ref} < ${new Date(s.startMs)} then ${shift(stretches[i].offset)}`),
          sql` `,
        )} else ${shift(last.offset)} end`;
  return sql<string>`date_format(${local}, ${sql.lit(format)})`;
}

export type BaselineInterval = "day" | "month";
const FORMATS: Record<BaselineInterval, string> = { day: "%Y-%m-%d", month: "%Y-%m" };

/** Every day (YYYY-MM-DD) or month (YYYY-MM) from `from` to `to`. */
function periodLabels(range: BaselineRange, interval: BaselineInterval): string[] {
  const labels: string[] = [];
  for (let day = dayNumber(range.from); day <= dayNumber(range.to); day++) {
    const label = interval === "day" ? dateOf(day) : dateOf(day).slice(0, 7);
    if (labels[labels.length - 1] !== label) labels.push(label);
  }
  return labels;
}

/** The report's own field list (the contract); the figures themselves are computed here, apart. */
export type BaselineSalesFigures = SalesFigures;

/**
 * Sales sums per key: orders (count, discounts, shipping, taxes), their lines (units, gross)
 * and refunds booked in range on orders still paid. Three plain GROUP BYs.
 */
async function salesSums(
  db: Db,
  storeId: number,
  start: Date,
  end: Date,
  key: (column: string) => RawBuilder<string>,
): Promise<Map<string, Sums>> {
  const [orders, lines, refunds] = await Promise.all([
    sql<{ k: string; orders: string; discounts: string; shipping: string; taxes: string }>`
      select ${key("created_at")} as k, count(*) as orders, sum(discounts) as discounts, sum(shipping) as shipping,
        sum(taxes) as taxes
      from orders
      where store_id = ${storeId} and status = 'paid' and created_at >= ${start} and created_at < ${end}
      group by k`.execute(db),
    sql<{ k: string; units: string; gross: string }>`
      select ${key("created_at")} as k, sum(quantity) as units, sum(quantity * unit_price) as gross
      from order_lines
      where store_id = ${storeId} and status = 'paid' and created_at >= ${start} and created_at < ${end}
      group by k`.execute(db),
    sql<{ k: string; returns: string }>`
      select ${key("r.created_at")} as k, sum(r.amount) as returns
      from refunds r
      join orders o on o.store_id = r.store_id and o.id = r.order_id
      where r.store_id = ${storeId} and o.status = 'paid' and r.created_at >= ${start} and r.created_at < ${end}
      group by k`.execute(db),
  ]);
  const sums = new Map<string, Sums>();
  const at = (k: string) => {
    let s = sums.get(k);
    if (!s) sums.set(k, (s = emptySums()));
    return s;
  };
  for (const row of orders.rows) {
    Object.assign(at(row.k), {
      orders: Number(row.orders),
      discounts: dec(row.discounts),
      shipping: dec(row.shipping),
      taxes: dec(row.taxes),
    });
  }
  for (const row of lines.rows) Object.assign(at(row.k), { units: Number(row.units), gross: dec(row.gross) });
  for (const row of refunds.rows) at(row.k).returns = dec(row.returns);
  return sums;
}

const ALL_KEY = () => sql<string>`'all'`;

// ------------------------------------------------------------------ the reports

export type BaselineSummary = BaselineSalesFigures & {
  customers: number;
  newCustomers: number;
  returningCustomers: number;
  returningCustomerRate: number;
};

/** GET /reports/summary. */
export async function baselineSummary(db: Db, store: Store, range: BaselineRange): Promise<BaselineSummary> {
  const { start, end } = rangeBounds(range);
  const [sums, customers] = await Promise.all([
    salesSums(db, store.id, start, end, ALL_KEY),
    // each customer's counted orders up to the end of the range; those with one in range
    sql<{ customers: string; fresh: string | null; repeaters: string | null }>`
      select count(*) as customers, sum(first_at >= ${start}) as fresh, sum(orders > 1) as repeaters
      from (
        select sql_big_result customer_id, min(created_at) as first_at, max(created_at) as last_at, count(*) as orders
        from orders
        where store_id = ${store.id} and status = 'paid' and customer_id is not null and created_at < ${end}
        group by customer_id
      ) c
      where last_at >= ${start}`.execute(db),
  ]);
  const row = customers.rows[0];
  const count = Number(row?.customers ?? 0);
  const fresh = Number(row?.fresh ?? 0);
  return {
    ...figures(sums.get("all") ?? emptySums(), minorUnits(store.currency)),
    customers: count,
    newCustomers: fresh,
    returningCustomers: count - fresh,
    returningCustomerRate: share(Number(row?.repeaters ?? 0), count),
  };
}

export interface BaselineSales {
  periods: ({ period: string } & BaselineSalesFigures)[];
}

/** GET /reports/sales?interval=day|month: every period of the range, zero-filled. */
export async function baselineSales(
  db: Db,
  store: Store,
  range: BaselineRange,
  interval: BaselineInterval,
): Promise<BaselineSales> {
  const { start, end } = rangeBounds(range);
  const stretches = offsetStretches(start.getTime() - DAY_MS, end.getTime() + DAY_MS, range.timezone);
  const sums = await salesSums(db, store.id, start, end, (column) => localKey(column, stretches, FORMATS[interval]));
  const decimals = minorUnits(store.currency);
  return {
    periods: periodLabels(range, interval).map((period) => ({
      period,
      ...figures(sums.get(period) ?? emptySums(), decimals),
    })),
  };
}

export interface BaselineProducts {
  products: ProductRow[];
}

/** GET /reports/products (sort=netSales, limit 20 by default): lines and refund lines per product. */
export async function baselineProducts(
  db: Db,
  store: Store,
  range: BaselineRange,
  options: { sort: "netSales" | "unitsSold"; limit: number } = { sort: "netSales", limit: 20 },
): Promise<BaselineProducts> {
  const { start, end } = rangeBounds(range);
  const [sales, returns] = await Promise.all([
    sql<{ product_id: string; orders: string; units: string; gross: string; discounts: string }>`
      select product_id, count(distinct order_id) as orders, sum(quantity) as units,
        sum(quantity * unit_price) as gross, sum(discount) as discounts
      from order_lines
      where store_id = ${store.id} and status = 'paid' and created_at >= ${start} and created_at < ${end}
      group by product_id`.execute(db),
    sql<{ product_id: string; returns: string }>`
      select rl.product_id, sum(rl.amount) as returns
      from refund_lines rl
      join orders o on o.store_id = rl.store_id and o.id = rl.order_id
      where rl.store_id = ${store.id} and o.status = 'paid' and rl.created_at >= ${start} and rl.created_at < ${end}
      group by rl.product_id`.execute(db),
  ]);
  const tally = new Map<string, { orders: number; units: number; gross: bigint; discounts: bigint; returns: bigint }>();
  const at = (id: string) => {
    let t = tally.get(id);
    if (!t) tally.set(id, (t = { orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
    return t;
  };
  for (const row of sales.rows)
    Object.assign(at(row.product_id), {
      orders: Number(row.orders),
      units: Number(row.units),
      gross: dec(row.gross),
      discounts: dec(row.discounts),
    });
  for (const row of returns.rows) at(row.product_id).returns = dec(row.returns);
  const net = (t: { gross: bigint; discounts: bigint; returns: bigint }) => t.gross - t.discounts - t.returns;
  const top = [...tally.entries()]
    .sort(([idA, a], [idB, b]) => {
      const byFigure =
        options.sort === "unitsSold" ? b.units - a.units : net(b) > net(a) ? 1 : net(b) < net(a) ? -1 : 0;
      return byFigure !== 0 ? byFigure : idA < idB ? -1 : idA > idB ? 1 : 0;
    })
    .slice(0, options.limit);
  const names =
    top.length === 0
      ? []
      : (
          await sql<{ id: string; name: string; category: string | null }>`
            select id, name, category from products
            where store_id = ${store.id} and id in (${sql.join(top.map(([id]) => id))})`.execute(db)
        ).rows;
  const byId = new Map(names.map((p) => [p.id, p]));
  const decimals = minorUnits(store.currency);
  return {
    products: top.map(([id, t]) => ({
      productId: id,
      productName: byId.get(id)?.name ?? id,
      category: byId.get(id)?.category ?? null,
      orders: t.orders,
      unitsSold: t.units,
      grossSales: money(t.gross, decimals),
      discounts: money(t.discounts, decimals),
      returns: money(t.returns, decimals),
      netSales: money(net(t), decimals),
    })),
  };
}

export type BaselineFunnel = Pick<
  FunnelReport,
  | "sessions"
  | "sessionsWithProductViews"
  | "sessionsWithAddToCart"
  | "sessionsReachedCheckout"
  | "sessionsConverted"
  | "conversionRate"
>;

/**
 * GET /reports/funnel from the raw `events`: every session of the store grouped from its
 * events (a session's first event is its start; any event of a kind, whenever, sets its
 * step), then those that started in range. There is no index on a session's events, so this
 * reads all of the store's events whatever the range.
 */
export async function baselineFunnel(db: Db, store: Store, range: BaselineRange): Promise<BaselineFunnel> {
  const { start, end } = rangeBounds(range);
  const { rows } = await sql<{
    sessions: string;
    viewed: string | null;
    carted: string | null;
    checkout: string | null;
    converted: string | null;
  }>`
    select count(*) as sessions, sum(viewed) as viewed, sum(carted) as carted, sum(checkout) as checkout,
      sum(converted) as converted
    from (
      select sql_big_result session_id, min(occurred_at) as started_at,
        max(type = 'product_view') as viewed, max(type = 'add_to_cart') as carted,
        max(type = 'checkout_start') as checkout, max(type = 'purchase') as converted
      from events
      where store_id = ${store.id}
      group by session_id
    ) s
    where started_at >= ${start} and started_at < ${end}`.execute(db);
  const row = rows[0];
  const sessions = Number(row?.sessions ?? 0);
  const converted = Number(row?.converted ?? 0);
  return {
    sessions,
    sessionsWithProductViews: Number(row?.viewed ?? 0),
    sessionsWithAddToCart: Number(row?.carted ?? 0),
    sessionsReachedCheckout: Number(row?.checkout ?? 0),
    sessionsConverted: converted,
    conversionRate: share(converted, sessions),
  };
}

export interface BaselineCohorts {
  cohorts: {
    cohort: string;
    size: number;
    periods: { k: number; period: string; customers: number; share: number; netSales: string }[];
  }[];
}

/**
 * GET /reports/cohorts?interval=month: customers by the month of their first paid order (in
 * range); per later month, how many of them ordered and their net sales (orders' sales less
 * returns booked that month on those orders).
 */
export async function baselineCohorts(
  db: Db,
  store: Store,
  range: BaselineRange,
  interval: BaselineInterval = "month",
): Promise<BaselineCohorts> {
  const { start, end } = rangeBounds(range);
  const stretches = offsetStretches(start.getTime() - DAY_MS, end.getTime() + DAY_MS, range.timezone);
  const key = (column: string) => localKey(column, stretches, FORMATS[interval]);
  const firsts = sql`(
    select sql_big_result customer_id, min(created_at) as first_at
    from orders
    where store_id = ${store.id} and status = 'paid' and customer_id is not null
    group by customer_id
  )`;
  const [activity, returns] = await Promise.all([
    sql<{ cohort: string; period: string; customers: string; sales: string }>`
      select ${key("f.first_at")} as cohort, ${key("o.created_at")} as period,
        count(distinct o.customer_id) as customers, sum(o.gross_sales - o.discounts) as sales
      from orders o
      join ${firsts} f on f.customer_id = o.customer_id
      where o.store_id = ${store.id} and o.status = 'paid' and o.created_at >= ${start} and o.created_at < ${end}
        and f.first_at >= ${start} and f.first_at < ${end}
      group by cohort, period`.execute(db),
    sql<{ cohort: string; period: string; returns: string }>`
      select ${key("f.first_at")} as cohort, ${key("r.created_at")} as period, sum(r.amount) as returns
      from refunds r
      join orders o on o.store_id = r.store_id and o.id = r.order_id
      join ${firsts} f on f.customer_id = o.customer_id
      where r.store_id = ${store.id} and o.status = 'paid' and r.created_at >= ${start} and r.created_at < ${end}
        and f.first_at >= ${start} and f.first_at < ${end}
      group by cohort, period`.execute(db),
  ]);
  const cell = (cohort: string, period: string) => `${cohort}|${period}`;
  const active = new Map(activity.rows.map((row) => [cell(row.cohort, row.period), row]));
  const returned = new Map(returns.rows.map((row) => [cell(row.cohort, row.period), dec(row.returns)]));
  const labels = periodLabels(range, interval);
  const decimals = minorUnits(store.currency);
  const cohorts = labels
    .map((cohort, first) => ({ cohort, first }))
    .filter(({ cohort }) => active.has(cell(cohort, cohort)))
    .map(({ cohort, first }) => {
      const size = Number(active.get(cell(cohort, cohort))!.customers);
      return {
        cohort,
        size,
        periods: labels.slice(first).map((period, k) => {
          const row = active.get(cell(cohort, period));
          const customers = Number(row?.customers ?? 0);
          const net = dec(row?.sales) - (returned.get(cell(cohort, period)) ?? 0n);
          return { k, period, customers, share: share(customers, size), netSales: money(net, decimals) };
        }),
      };
    });
  return { cohorts };
}

export interface BaselineRealtime {
  activeSessions: number;
  orders: number;
  netSales: string;
  minutes: { minute: string; orders: number; netSales: string }[];
}

/** GET /reports/realtime as of `now`: the last 30 UTC minutes, sessions active in the last 5. */
export async function baselineRealtime(db: Db, store: Store, now: Date): Promise<BaselineRealtime> {
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const start = new Date(current - 29 * MINUTE_MS);
  const end = new Date(current + MINUTE_MS);
  const minute = (column: string) => sql<string>`date_format(${sql.ref(column)}, '%Y-%m-%dT%H:%i')`;
  const [active, orders, refunds] = await Promise.all([
    sql<{ sessions: string }>`
      select count(distinct session_id) as sessions from events
      where store_id = ${store.id} and occurred_at >= ${new Date(now.getTime() - 5 * MINUTE_MS)}
        and occurred_at <= ${now}`.execute(db),
    sql<{ m: string; orders: string; sales: string }>`
      select ${minute("created_at")} as m, count(*) as orders, sum(gross_sales - discounts) as sales
      from orders
      where store_id = ${store.id} and status = 'paid' and created_at >= ${start} and created_at < ${end}
      group by m`.execute(db),
    sql<{ m: string; returns: string }>`
      select ${minute("r.created_at")} as m, sum(r.amount) as returns
      from refunds r
      join orders o on o.store_id = r.store_id and o.id = r.order_id
      where r.store_id = ${store.id} and o.status = 'paid' and r.created_at >= ${start} and r.created_at < ${end}
      group by m`.execute(db),
  ]);
  const decimals = minorUnits(store.currency);
  const ordersAt = new Map(orders.rows.map((row) => [row.m, row]));
  const returnsAt = new Map(refunds.rows.map((row) => [row.m, dec(row.returns)]));
  let total = 0;
  let totalNet = 0n;
  const minutes = Array.from({ length: 30 }, (_, i) => {
    const iso = new Date(start.getTime() + i * MINUTE_MS).toISOString();
    const m = iso.slice(0, 16);
    const count = Number(ordersAt.get(m)?.orders ?? 0);
    const net = dec(ordersAt.get(m)?.sales) - (returnsAt.get(m) ?? 0n);
    total += count;
    totalNet += net;
    return { minute: iso, orders: count, netSales: money(net, decimals) };
  });
  return {
    activeSessions: Number(active.rows[0]?.sessions ?? 0),
    orders: total,
    netSales: money(totalNet, decimals),
    minutes,
  };
}
