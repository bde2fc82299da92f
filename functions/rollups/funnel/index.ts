import type { RollupFamily } from "../family";
import { FunnelSlotDeltas } from "./deltas";

/** The funnel: `funnel_slots`, sessions by the UTC quarter hour they started in and the steps they reached. */
export const funnelRollups: RollupFamily<"funnel"> = {
  name: "funnel",
  changes: (storeId) => new FunnelSlotDeltas(storeId),
};
