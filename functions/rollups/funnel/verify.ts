import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { rawFunnelCounts } from "./raw";
import { funnelCounts } from "./read";
import { allTime } from "../verify-window";

/** The funnel's counts over all time. */
export async function verifyFunnel(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const { start, end } = allTime();
  const [rolled, raw] = await Promise.all([
    funnelCounts(db, storeId, start, end),
    rawFunnelCounts(db, storeId, start, end),
  ]);
  return JSON.stringify(rolled) === JSON.stringify(raw)
    ? []
    : [`funnel: rollup ${JSON.stringify(rolled)} raw ${JSON.stringify(raw)}`];
}
