import type { RollupFamily } from "../family";
import { SalesDeltas } from "./deltas";

/**
 * Sales: `sales_slots` (UTC quarter hours, hours and days, with the customer markers) and
 * `sales_local_days` (the store's own zone).
 */
export const salesRollups: RollupFamily<"sales"> = {
  name: "sales",
  changes: (storeId, calendar) => new SalesDeltas(storeId, calendar),
};
