import type { RollupFamily } from "../family";
import { CohortCellDeltas } from "./cohort-deltas";

/**
 * Customers and cohorts: `cohort_cells`. The customer figures are counted from the markers the
 * sales family keeps in `sales_slots` (customers/timeline.ts computes them); customers/verify.ts checks them.
 */
export const customerRollups: RollupFamily<"customers"> = {
  name: "customers",
  changes: (storeId, calendar) => new CohortCellDeltas(storeId, calendar),
};
