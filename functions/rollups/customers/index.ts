import type { RollupChanges, RollupFamily } from "../family";
import { CohortCellDeltas } from "./cohort-deltas";
import { GapDeltas } from "./gap-deltas";

/**
 * Customers and cohorts: `cohort_cells`, `cohort_days` and `gap_months`. The customer figures are
 * counted from the markers the sales family keeps in `sales_slots` (customers/timeline.ts computes
 * them) and from `gap_months`; customers/verify.ts checks them.
 */
export const customerRollups: RollupFamily<"customers"> = {
  name: "customers",
  changes: (storeId, calendar): RollupChanges => {
    const cohorts = new CohortCellDeltas(storeId, calendar);
    const gaps = new GapDeltas(storeId);
    return {
      cohortCustomer: (timeline, returns, sign) => cohorts.cohortCustomer(timeline, returns, sign),
      cohortOrders: (cohortDay, timeline, sign) => cohorts.cohortOrders(cohortDay, timeline, sign),
      cohortReturn: (cohortDay, booked, sign) => cohorts.cohortReturn(cohortDay, booked, sign),
      customerGap: (prev, at, first, sign) => gaps.customerGap(prev, at, first, sign),
      apply: async (trx) => {
        await cohorts.apply(trx);
        await gaps.apply(trx);
      },
    };
  },
};
