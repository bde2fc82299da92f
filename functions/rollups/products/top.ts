import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { amountOrZero, toDecimalString } from "../../money/decimal";
import { firstOfMonth, firstOfNextMonth, formatLocalDate, LocalCalendar } from "../../time";
import type { RollupStore } from "../index";
import { complementIsCheaper, productTallies, type Tallies, type Tally } from "./read";

export type ProductSort = "netSales" | "unitsSold";
export const PRODUCT_SORTS: readonly ProductSort[] = ["netSales", "unitsSold"];

const score = (t: Tally, sort: ProductSort) =>
  sort === "unitsSold" ? BigInt(t.units) : t.gross - t.discounts - t.returns;

/** The `limit` best products by `sort`, ties by id: one pass keeping the best, not a sort of every product. */
export function rankProducts(tallies: Tallies, sort: ProductSort, limit: number): [string, Tally][] {
  const better = (a: { id: string; score: bigint }, b: { id: string; score: bigint }) =>
    a.score > b.score || (a.score === b.score && a.id < b.id);
  const best: { id: string; score: bigint; tally: Tally }[] = [];
  for (const [id, tally] of tallies) {
    const entry = { id, score: score(tally, sort), tally };
    if (best.length === limit && !better(entry, best[best.length - 1])) continue;
    let at = best.length;
    while (at > 0 && better(entry, best[at - 1])) at--;
    best.splice(at, 0, entry);
    if (best.length > limit) best.pop();
  }
  return best.map((e) => [e.id, e.tally]);
}

/**
 * Each month's leaders read in the first round, per product of the limit asked. Three, not
 * fewer: a month the range only touches (a range ending on the 3rd) has leaders far above its
 * part of the range, and a short first list then needs the second round, a second set of
 * sequential reads; a longer one costs a few more rows by product.
 */
const LEADERS_PER_LIMIT = 3;

/**
 * The `limit` best products of [start, end) by `sort`, exactly as ranking every product's tally
 * would give them, from the tallies of a few candidates. A product's score over the range is at
 * most the sum, over the months of the store's zone the range touches, of its month's gross sales (net sales only
 * subtract discounts and returns from them) or units (never negative): `product_months`, read
 * down its indexes on both.
 *
 * 1. Each month's first K products are the candidates; their exact tallies give a limit-th score
 *    S. A product outside every month's first K has at most each month's K-th value there: when
 *    S is above their sum, no other product can reach the list.
 * 2. Otherwise every product whose value in some month is at least S / M (M months) joins the
 *    candidates. Any other has less than S / M in each month, so less than S in all, while the
 *    limit-th score over the larger set is at least S: the list is proven.
 *
 * Every product is tallied instead when a category narrows the list, or the range has fewer than
 * `limit` products with a positive score.
 */
export async function topProducts(
  db: Kysely<Database>,
  store: RollupStore,
  start: Date,
  end: Date,
  options: { sort: ProductSort; limit: number; category?: string },
): Promise<[string, Tally][]> {
  const { sort, limit, category } = options;
  const storeId = store.id;
  if (category === undefined && limit > 0) {
    const months = coveringLocalMonths(LocalCalendar.of(store.timezone), start, end);
    const [first, complement] = await Promise.all([
      monthLeaders(db, storeId, months, sort, { first: Math.ceil(LEADERS_PER_LIMIT * limit) }),
      complementIsCheaper(db, storeId, start, end),
    ]);
    const ranked = (ids: string[]) =>
      productTallies(db, store, start, end, { productIds: ids }, complement).then((tallies) =>
        rankProducts(tallies, sort, limit),
      );
    const firstRanked = await ranked(first.ids);
    const s = firstRanked.length === limit ? score(firstRanked[limit - 1][1], sort) : 0n;
    if (s > first.bound) return firstRanked;
    const threshold = s / BigInt(months.length);
    if (threshold > 0n) {
      const more = await monthLeaders(db, storeId, months, sort, { atLeast: threshold });
      return ranked([...new Set([...first.ids, ...more.ids])].sort());
    }
  }
  return rankProducts(await productTallies(db, store, start, end, { category }), sort, limit);
}

/** The first day (YYYY-MM-DD) of each month of the store's zone that [start, end) touches. */
function coveringLocalMonths(calendar: LocalCalendar, start: Date, end: Date): string[] {
  const months: string[] = [];
  const last = calendar.dayOf(new Date(end.getTime() - 1));
  for (let month = firstOfMonth(calendar.dayOf(start)); month <= last; month = firstOfNextMonth(month))
    months.push(formatLocalDate(month));
  return months;
}

/**
 * Each month's products by gross sales or units, highest first (`product_months`, read down its
 * index on the measure): its `first` K, or all those with at least `atLeast` (units, or gross
 * sales in ten-thousandths). Their ids together, and the sum over months that returned K rows of
 * their K-th value (a month with fewer holds every product it has).
 */
async function monthLeaders(
  db: Kysely<Database>,
  storeId: number,
  months: readonly string[],
  sort: ProductSort,
  take: { first: number } | { atLeast: bigint },
): Promise<{ ids: string[]; bound: bigint }> {
  if (months.length === 0) return { ids: [], bound: 0n };
  const measure = sort === "unitsSold" ? sql.ref("units") : sql.ref("gross_sales");
  const perMonth = months.map((month) =>
    "first" in take
      ? sql`(select month, product_id, ${measure} as value from product_months
          where store_id = ${storeId} and month = ${month} order by ${measure} desc limit ${take.first})`
      : sql`(select month, product_id, ${measure} as value from product_months
          where store_id = ${storeId} and month = ${month}
            and ${measure} >= ${sort === "unitsSold" ? Number(take.atLeast) : toDecimalString(take.atLeast)})`,
  );
  const rows = await sql<{ month: Date | string; product_id: string; value: string | number }>`${sql.join(
    perMonth,
    sql` union all `,
  )}`
    .execute(db)
    .then((result) => result.rows);
  const ids = new Set<string>();
  const perMonthRows = new Map<string, { rows: number; last: bigint }>();
  for (const row of rows) {
    ids.add(row.product_id);
    const key = String(row.month);
    const value = sort === "unitsSold" ? BigInt(row.value) : amountOrZero(String(row.value));
    const seen = perMonthRows.get(key) ?? { rows: 0, last: value };
    perMonthRows.set(key, { rows: seen.rows + 1, last: value < seen.last ? value : seen.last });
  }
  let bound = 0n;
  if ("first" in take)
    for (const { rows: n, last } of perMonthRows.values()) if (n === take.first && last > 0n) bound += last;
  return { ids: [...ids].sort(), bound };
}
