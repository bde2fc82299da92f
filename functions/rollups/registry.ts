import { customerRollups } from "./customers";
import { funnelRollups } from "./funnel";
import { productRollups } from "./products";
import { salesRollups } from "./sales";

/**
 * Every rollup family, in the order their deltas are written (so concurrent ingests lock rollup
 * rows in the same order), rebuilt and verified. A new family is a folder, a line here, and its
 * rebuild and check named in rollups/rebuild.ts and rollups/verify.ts (the compiler asks for both).
 */
export const ROLLUP_FAMILIES = [salesRollups, funnelRollups, productRollups, customerRollups] as const;

export type RollupFamilyName = (typeof ROLLUP_FAMILIES)[number]["name"];
