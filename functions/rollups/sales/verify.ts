import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { EMPTY_SUMS, type SalesSums } from "../../metrics/figures";
import { localSalesByPeriod, salesByKey, type KeyOf } from "./read";
import { periodKeySql, utcBounds } from "../../time";
import { allTime, describeSums, storeHistory } from "../verify-window";
import { rawSalesByKey } from "./raw-sales";

const utcDay: KeyOf = (column) => sql<string>`date_format(${column}, '%Y-%m-%d')`;

/** The sales of each UTC day over all time, and of each local day of the store's history in its zone. */
export async function verifySales(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const { start, end } = allTime();
  const [rolled, raw] = await Promise.all([
    salesByKey(db, storeId, [start, end], utcDay),
    rawSalesByKey(db, storeId, start, end, utcDay),
  ]);
  const problems = differences(rolled, raw, (day) => `sales ${day}`);
  const { store, today, history } = await storeHistory(db, storeId);
  const range = { from: history, to: today, timezone: store.timezone };
  const window = utcBounds(range);
  const localDay = (column: Parameters<typeof periodKeySql>[0]) => periodKeySql(column, range, "day");
  const [localDays, rawDays] = await Promise.all([
    localSalesByPeriod(db, storeId, range, "day"),
    rawSalesByKey(db, storeId, window.start, window.end, localDay),
  ]);
  problems.push(...differences(localDays, rawDays, (day) => `sales ${day} (${store.timezone})`));
  return problems;
}

function differences(
  rolled: Map<string, SalesSums>,
  raw: Map<string, SalesSums>,
  name: (key: string) => string,
): string[] {
  const problems: string[] = [];
  for (const key of [...new Set([...rolled.keys(), ...raw.keys()])].sort()) {
    const fromRollup = describeSums(rolled.get(key) ?? EMPTY_SUMS);
    const fromRaw = describeSums(raw.get(key) ?? EMPTY_SUMS);
    if (fromRollup !== fromRaw) problems.push(`${name(key)}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  return problems;
}
