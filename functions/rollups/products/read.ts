import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { amountOrZero, type Amount } from "../../money/decimal";
import { DAY_MS, firstOfMonth, firstOfNextMonth, formatLocalDate, LocalCalendar, startOfUtcMonth } from "../../time";
import type { RollupStore } from "../index";

/**
 * Per-product sums of a range for the products report: from raw lines (the reference, and a
 * range's partial edge days in a zone other than the store's), from the product rollups (whole
 * months and days of the store's zone), or as the all-time totals less what lies outside the range.
 */

/** One product's sums over a range. */
export interface Tally {
  orders: number;
  units: number;
  gross: Amount;
  discounts: Amount;
  returns: Amount;
}

export type Tallies = Map<string, Tally>;

export function tallyOf(tallies: Tallies, id: string): Tally {
  let t = tallies.get(id);
  if (!t) tallies.set(id, (t = { orders: 0, units: 0, gross: 0n, discounts: 0n, returns: 0n }));
  return t;
}

/** Which products a tally covers: all, one category's, or the given ids (the ranked candidates, top.ts). */
export interface ProductFilter {
  category?: string;
  productIds?: readonly string[];
}

function inCategory(db: Kysely<Database>, storeId: number, category: string) {
  return db.selectFrom("products").select("id").where("store_id", "=", storeId).where("category", "=", category);
}

/** The filter as a condition on a `product_id` column, or undefined for every product. */
function productCondition(db: Kysely<Database>, storeId: number, filter: ProductFilter) {
  if (filter.productIds !== undefined) return [...filter.productIds];
  if (filter.category !== undefined) return inCategory(db, storeId, filter.category);
  return undefined;
}

/** Per product, from the raw lines in [start, end): the reference, and the partial days at a range's edges. */
export async function rawProductTallies(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
  filter: ProductFilter = {},
  into: Tallies = new Map(),
): Promise<Tallies> {
  if (start >= end) return into;
  const only = productCondition(db, storeId, filter);
  if (Array.isArray(only) && only.length === 0) return into;
  let sales = db
    .selectFrom("order_lines as l")
    .select(({ fn }) => [
      "l.product_id",
      fn.count<string>("l.order_id").distinct().as("orders"),
      fn.sum<string>("l.quantity").as("units"),
      fn.sum<string>("l.gross").as("gross"),
      fn.sum<string>("l.discount").as("discounts"),
    ])
    .where("l.store_id", "=", storeId)
    .where("l.status", "=", "paid")
    .where("l.created_at", ">=", start)
    .where("l.created_at", "<", end)
    .groupBy("l.product_id");
  let returns = db
    .selectFrom("refund_lines as r")
    .innerJoin("orders as o", (join) =>
      join.onRef("o.store_id", "=", "r.store_id").onRef("o.id", "=", "r.order_id").on("o.status", "=", "paid"),
    )
    .select(({ fn }) => ["r.product_id", fn.sum<string>("r.amount").as("returns")])
    .where("r.store_id", "=", storeId)
    .where("r.created_at", ">=", start)
    .where("r.created_at", "<", end)
    .groupBy("r.product_id");
  if (only !== undefined) {
    sales = sales.where("l.product_id", "in", only);
    returns = returns.where("r.product_id", "in", only);
  }
  const [salesRows, returnRows] = await Promise.all([sales.execute(), returns.execute()]);
  for (const row of salesRows) {
    const t = tallyOf(into, row.product_id);
    t.orders += Number(row.orders);
    t.units += Number(row.units ?? 0);
    t.gross += amountOrZero(row.gross);
    t.discounts += amountOrZero(row.discounts);
  }
  for (const row of returnRows) tallyOf(into, row.product_id).returns += amountOrZero(row.returns);
  return into;
}

/** A rollup level: its table and the column holding each row's local day or month (a DATE). */
const DAYS = { table: "product_days", period: "day" } as const;
const MONTHS = { table: "product_months", period: "month" } as const;
type Level = typeof DAYS | typeof MONTHS;

/** Per product over whole periods of a rollup level, in spans [from, to) of local day numbers (empty ones skipped). */
async function rolledProductTallies(
  db: Kysely<Database>,
  storeId: number,
  level: Level,
  spans: [number, number][],
  filter: ProductFilter,
  into: Tallies,
): Promise<void> {
  const periods = spans.filter(([from, to]) => from < to);
  const only = productCondition(db, storeId, filter);
  if (periods.length === 0 || (Array.isArray(only) && only.length === 0)) return;
  // Both tables have the same measures; Kysely cannot type a query over either, so it is typed as product_days.
  let query = db
    .selectFrom(level.table as "product_days")
    .select(({ fn }) => [
      "product_id",
      fn.sum<string>("orders").as("orders"),
      fn.sum<string>("units").as("units"),
      fn.sum<string>("gross_sales").as("gross"),
      fn.sum<string>("discounts").as("discounts"),
      fn.sum<string>("returns").as("returns"),
    ])
    .where("store_id", "=", storeId)
    .where(({ eb, or, and }) =>
      or(
        periods.map(([from, to]) =>
          and([
            eb(sql.ref(level.period), ">=", formatLocalDate(from)),
            eb(sql.ref(level.period), "<", formatLocalDate(to)),
          ]),
        ),
      ),
    )
    .groupBy("product_id");
  if (only !== undefined) query = query.where("product_id", "in", only);
  for (const row of await query.execute()) {
    const t = tallyOf(into, row.product_id);
    t.orders += Number(row.orders ?? 0);
    t.units += Number(row.units ?? 0);
    t.gross += amountOrZero(row.gross);
    t.discounts += amountOrZero(row.discounts);
    t.returns += amountOrZero(row.returns);
  }
}

/**
 * Per product over [start, end), each part from the coarsest source that covers it exactly.
 * The rollups are kept in the store's local dates, so a report in the store's zone (the default)
 * is made of whole local months from `product_months` and whole local days from `product_days`
 * alone; a report in another zone also reads the raw lines of the part-days at its two edges.
 * Each order lies in exactly one part.
 */
async function directProductTallies(
  db: Kysely<Database>,
  store: RollupStore,
  start: Date,
  end: Date,
  filter: ProductFilter = {},
): Promise<Tallies> {
  const calendar = LocalCalendar.of(store.timezone);
  const firstDay = calendar.firstDayFrom(start);
  const endDay = calendar.dayOf(end);
  const tallies: Tallies = new Map();
  if (firstDay >= endDay) return rawProductTallies(db, store.id, start, end, filter, tallies);
  const firstMonth = firstOfMonth(firstDay) === firstDay ? firstDay : firstOfNextMonth(firstDay);
  const endMonth = firstOfMonth(endDay);
  // The parts are disjoint: their queries run side by side, each adding into `tallies` as it returns.
  await Promise.all([
    rawProductTallies(db, store.id, start, calendar.startOf(firstDay), filter, tallies),
    rolledProductTallies(
      db,
      store.id,
      DAYS,
      firstMonth < endMonth
        ? [
            [firstDay, firstMonth],
            [endMonth, endDay],
          ]
        : [[firstDay, endDay]],
      filter,
      tallies,
    ),
    rolledProductTallies(db, store.id, MONTHS, [[firstMonth, endMonth]], filter, tallies),
    rawProductTallies(db, store.id, calendar.startOf(endDay), end, filter, tallies),
  ]);
  return withoutZeros(tallies);
}

function withoutZeros(tallies: Tallies): Tallies {
  for (const [id, t] of tallies)
    if (t.orders === 0 && t.units === 0 && t.gross === 0n && t.discounts === 0n && t.returns === 0n) tallies.delete(id);
  return tallies;
}

/** Before any order the API accepts, and after any, as local day numbers (their midnights leave no raw edge). */
const BEGINNING = 0;
const NO_END = Date.UTC(2200, 0, 1) / DAY_MS;
const MONTH_MS = 30.44 * DAY_MS;

/**
 * Whether [start, end) covers more of the store's history (its first to last month in
 * `product_months`) than it leaves out: then all-time totals less what lies outside read fewer rows.
 */
export async function complementIsCheaper(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<boolean> {
  const history = await db
    .selectFrom("product_months")
    .select(({ fn }) => [fn.min("month").as("first"), fn.max("month").as("last")])
    .where("store_id", "=", storeId)
    .executeTakeFirst();
  if (!history?.first || !history.last) return false;
  const [first, last] = [new Date(history.first).getTime(), startOfUtcMonth(new Date(history.last), 1).getTime()];
  const inside = Math.max(0, Math.min(end.getTime(), last) - Math.max(start.getTime(), first));
  return (last - first - inside) / MONTH_MS < inside / MONTH_MS - 1;
}

async function totalTallies(db: Kysely<Database>, storeId: number, filter: ProductFilter): Promise<Tallies> {
  const only = productCondition(db, storeId, filter);
  if (Array.isArray(only) && only.length === 0) return new Map();
  let query = db
    .selectFrom("product_totals")
    .select(["product_id", "orders", "units", "gross_sales", "discounts", "returns"])
    .where("store_id", "=", storeId);
  if (only !== undefined) query = query.where("product_id", "in", only);
  return new Map(
    (await query.execute()).map((row) => [
      row.product_id,
      {
        orders: row.orders,
        units: Number(row.units),
        gross: amountOrZero(row.gross_sales),
        discounts: amountOrZero(row.discounts),
        returns: amountOrZero(row.returns),
      },
    ]),
  );
}

/**
 * Per product over [start, end): directly (months, days, raw edges), or, for a range holding
 * most of the store's history (three years of a three-year-old store), as the all-time totals
 * less the same over what lies before and after the range. `complement` says which, when the
 * caller found out already (complementIsCheaper).
 */
export async function productTallies(
  db: Kysely<Database>,
  store: RollupStore,
  start: Date,
  end: Date,
  filter: ProductFilter = {},
  complement?: boolean,
): Promise<Tallies> {
  if (!(complement ?? (await complementIsCheaper(db, store.id, start, end))))
    return directProductTallies(db, store, start, end, filter);
  const calendar = LocalCalendar.of(store.timezone);
  const [totals, before, after] = await Promise.all([
    totalTallies(db, store.id, filter),
    directProductTallies(db, store, calendar.startOf(BEGINNING), start, filter),
    directProductTallies(db, store, end, calendar.startOf(NO_END), filter),
  ]);
  for (const outside of [before, after]) {
    for (const [id, o] of outside) {
      const t = tallyOf(totals, id);
      t.orders -= o.orders;
      t.units -= o.units;
      t.gross -= o.gross;
      t.discounts -= o.discounts;
      t.returns -= o.returns;
    }
  }
  return withoutZeros(totals);
}
