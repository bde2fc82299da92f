/**
 * Checks a store's rollups against its raw rows (`npm run rollups -- verify`): every report the
 * rollups serve, over the store's history, computed both ways, family by family
 * (rollups/registry.ts; each family's raw reference queries live in its folder). For operators
 * after a repair or a migration; the property test in __tests__/functions/rollups/ checks the
 * same on random data.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { verifyCustomers } from "./customers/verify";
import type { VerifyFamily } from "./family";
import { verifyFunnel } from "./funnel/verify";
import { verifyProducts } from "./products/verify";
import { ROLLUP_FAMILIES, type RollupFamilyName } from "./registry";
import { verifySales } from "./sales/verify";

/** Each family's check, by the registry's names. */
const VERIFY: Record<RollupFamilyName, VerifyFamily> = {
  sales: verifySales,
  funnel: verifyFunnel,
  products: verifyProducts,
  customers: verifyCustomers,
};

/** Each disagreement between a store's rollups and its raw rows, one line each; empty when they agree. */
export async function verifyRollups(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const problems: string[] = [];
  for (const family of ROLLUP_FAMILIES) problems.push(...(await VERIFY[family.name](db, storeId)));
  return problems;
}
