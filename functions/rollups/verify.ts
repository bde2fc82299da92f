/**
 * Checks a store's rollups against its raw rows (`npm run rollups -- verify`): every report the
 * rollups serve, over the store's history, computed both ways. For operators after a repair or
 * a migration; the property test in __tests__/functions/rollups/ checks the same on random data.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema";
import { cohortsReport } from "../reports/cohorts";
import { customerFigures } from "../reports/customer-figures";
import { EMPTY_SUMS, type SalesSums } from "../reports/figures";
import { funnelCounts, rawFunnelCounts } from "../reports/funnel";
import { productTallies, rawProductTallies } from "../reports/product-tallies";
import { rawCustomerFigures } from "../reports/raw-customer-figures";
import { rawSalesByKey } from "../reports/raw-sales-source";
import { localSalesByPeriod, salesByKey, type KeyOf } from "../reports/sales-source";
import { formatLocalDate, parseLocalDate, periodKeySql, periodOf, utcBounds } from "../time";

const utcDay: KeyOf = (column) => sql<string>`date_format(${column}, '%Y-%m-%d')`;

const describe = (s: SalesSums) =>
  `orders ${s.orders} units ${s.units} gross ${s.gross} discounts ${s.discounts} shipping ${s.shipping} taxes ${s.taxes} returns ${s.returns}`;

/** Each disagreement between a store's rollups and its raw rows, one line each; empty when they agree. */
export async function verifyRollups(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const start = new Date(0);
  const end = new Date(Math.ceil(Date.now() / 86_400_000 + 366) * 86_400_000);
  const [rolled, raw] = await Promise.all([salesByKey(db, storeId, [start, end], utcDay), rawSalesByKey(db, storeId, start, end, utcDay)]);
  const problems: string[] = [];
  for (const day of [...new Set([...rolled.keys(), ...raw.keys()])].sort()) {
    const fromRollup = describe(rolled.get(day) ?? EMPTY_SUMS);
    const fromRaw = describe(raw.get(day) ?? EMPTY_SUMS);
    if (fromRollup !== fromRaw) problems.push(`sales ${day}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  const [rolledFunnel, rawFunnel] = await Promise.all([funnelCounts(db, storeId, start, end), rawFunnelCounts(db, storeId, start, end)]);
  if (JSON.stringify(rolledFunnel) !== JSON.stringify(rawFunnel)) problems.push(`funnel: rollup ${JSON.stringify(rolledFunnel)} raw ${JSON.stringify(rawFunnel)}`);
  const [rolledProducts, rawProducts] = await Promise.all([productTallies(db, storeId, start, end), rawProductTallies(db, storeId, start, end)]);
  for (const id of [...new Set([...rolledProducts.keys(), ...rawProducts.keys()])].sort()) {
    const fromRollup = JSON.stringify(rolledProducts.get(id) ?? null, bigints);
    const fromRaw = JSON.stringify(rawProducts.get(id) ?? null, bigints);
    if (fromRollup !== fromRaw) problems.push(`product ${id}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  problems.push(...(await verifyCustomers(db, storeId)));
  return problems;
}

/**
 * Customer figures over the store's history, its last year and its last 30 days, and the sales
 * of each local day and the monthly cohorts of its history in its own zone, from the rollups
 * against the raw rows.
 */
async function verifyCustomers(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const store = await db.selectFrom("stores").selectAll().where("id", "=", storeId).executeTakeFirstOrThrow();
  const today = periodOf(new Date(), store.timezone, "day");
  const first = await db.selectFrom("orders").select(({ fn }) => fn.min("created_at").as("at")).where("store_id", "=", storeId).executeTakeFirst();
  const history = first?.at ? periodOf(new Date(first.at), store.timezone, "day") : today;
  const problems: string[] = [];
  for (const from of [history, shiftDays(today, -364), shiftDays(today, -29)]) {
    const range = { from: from < history ? history : from, to: today, timezone: store.timezone };
    const { start, end } = utcBounds(range);
    const [rolled, raw] = await Promise.all([customerFigures(db, storeId, start, end), rawCustomerFigures(db, storeId, start, end)]);
    if (JSON.stringify(rolled) !== JSON.stringify(raw)) problems.push(`customers ${range.from}..${range.to}: rollup ${JSON.stringify(rolled)} raw ${JSON.stringify(raw)}`);
  }
  const range = { from: history, to: today, timezone: store.timezone };
  const window = { range, ...utcBounds(range) };
  const localDay = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, "day");
  const [localDays, rawDays] = await Promise.all([localSalesByPeriod(db, storeId, range, "day"), rawSalesByKey(db, storeId, window.start, window.end, localDay)]);
  for (const day of [...new Set([...localDays.keys(), ...rawDays.keys()])].sort()) {
    const fromRollup = describe(localDays.get(day) ?? EMPTY_SUMS);
    const fromRaw = describe(rawDays.get(day) ?? EMPTY_SUMS);
    if (fromRollup !== fromRaw) problems.push(`sales ${day} (${store.timezone}): rollup ${fromRollup} raw ${fromRaw}`);
  }
  const [rolled, raw] = await Promise.all([cohortsReport(db, store, window, "month"), cohortsReport(db, store, window, "month", { fromRawRows: true })]);
  for (const [i, cohort] of raw.cohorts.entries()) {
    if (JSON.stringify(rolled.cohorts[i]) !== JSON.stringify(cohort)) problems.push(`cohort ${cohort.cohort}: rollup ${JSON.stringify(rolled.cohorts[i])} raw ${JSON.stringify(cohort)}`);
  }
  if (rolled.cohorts.length !== raw.cohorts.length) problems.push(`cohorts: ${rolled.cohorts.length} from the rollup, ${raw.cohorts.length} from raw rows`);
  return problems;
}

const shiftDays = (date: string, days: number) => formatLocalDate(parseLocalDate(date) + days);

const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
