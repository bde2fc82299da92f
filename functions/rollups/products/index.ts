import type { RollupFamily } from "../family";
import { ProductDeltas } from "./deltas";

/**
 * Products: `product_days` and `product_months` (local dates and months of the store's zone) and
 * `product_totals`, summed from the same deltas.
 */
export const productRollups: RollupFamily<"products"> = {
  name: "products",
  changes: (storeId, calendar) => new ProductDeltas(storeId, calendar),
};
