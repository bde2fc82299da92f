import type { RollupFamily } from "../family";
import { ProductDeltas } from "./deltas";

/** Products: `product_days` (UTC days), `product_months` and `product_totals`, summed from the same deltas. */
export const productRollups: RollupFamily<"products"> = {
  name: "products",
  changes: (storeId) => new ProductDeltas(storeId),
};
