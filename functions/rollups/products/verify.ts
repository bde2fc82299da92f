import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { productTallies, rawProductTallies } from "./read";
import { allTime, bigints } from "../verify-window";

/** Each product's tallies over all time. */
export async function verifyProducts(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const { start, end } = allTime();
  const { timezone } = await db
    .selectFrom("stores")
    .select("timezone")
    .where("id", "=", storeId)
    .executeTakeFirstOrThrow();
  const [rolled, raw] = await Promise.all([
    productTallies(db, { id: storeId, timezone }, start, end),
    rawProductTallies(db, storeId, start, end),
  ]);
  const problems: string[] = [];
  for (const id of [...new Set([...rolled.keys(), ...raw.keys()])].sort()) {
    const fromRollup = JSON.stringify(rolled.get(id) ?? null, bigints);
    const fromRaw = JSON.stringify(raw.get(id) ?? null, bigints);
    if (fromRollup !== fromRaw) problems.push(`product ${id}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  return problems;
}
