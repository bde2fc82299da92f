import type { RollupFamily } from "../family";
import { FunnelSlotDeltas } from "./deltas";

/** The funnel: `funnel_slots`, sessions by the UTC quarter hour, hour and day they started in, and their steps. */
export const funnelRollups: RollupFamily<"funnel"> = {
  name: "funnel",
  changes: (storeId) => new FunnelSlotDeltas(storeId),
};
