import type { Kysely } from "kysely";
import type { Database } from "../db/schema";
import { rebuildCustomers } from "./customers/rebuild-cohorts";
import type { RebuildFamily } from "./family";
import { rebuildFunnel } from "./funnel/rebuild";
import { rebuildProducts } from "./products/rebuild";
import { ROLLUP_FAMILIES, type RollupFamilyName } from "./registry";
import { rebuildSales } from "./sales/rebuild";
import { lockStoreForRebuild } from "./store-lock";

/** Rows written, by rollup (salesSlots, salesLocalDays, funnelSlots, productDays, ...). */
export type RebuildResult = Record<string, number>;

/** Each family's rebuild, by the registry's names. */
const REBUILD: Record<RollupFamilyName, RebuildFamily> = {
  sales: rebuildSales,
  funnel: rebuildFunnel,
  products: rebuildProducts,
  customers: rebuildCustomers,
};

/**
 * Recomputes a store's rollups from its raw rows, family by family (rollups/registry.ts), in one
 * transaction that holds the store exclusively (ingests of that store wait). For repairs, and
 * after a migration that adds or changes a rollup.
 */
export async function rebuildRollups(db: Kysely<Database>, storeId: number): Promise<RebuildResult> {
  return db.transaction().execute(async (trx) => {
    await lockStoreForRebuild(trx, storeId);
    const result: RebuildResult = {};
    for (const family of ROLLUP_FAMILIES) Object.assign(result, await REBUILD[family.name](trx, storeId));
    return result;
  });
}
