import { abs, divide, toUnits } from "./decimal";

/**
 * A figure's change against the comparison period. `ratio` is the change as a decimal string fraction ("0.1250" is
 * +12.5 %) against the base's size, so a change from -10 to -5 is up 50 %. No base (0): no ratio, shown as "—".
 */
export type Delta =
  | { kind: "change"; ratio: string; direction: "up" | "down" | "flat" }
  | { kind: "noBase"; direction: "up" | "down" | "flat" };

/** Money strings or integer counts; both sides the same kind. */
export function delta(current: string | number, previous: string | number): Delta {
  const [now, before] = [toUnits(current), toUnits(previous)];
  const direction = now > before ? "up" : now < before ? "down" : "flat";
  if (before === 0n) return { kind: "noBase", direction };
  return { kind: "change", ratio: divide(now - before, abs(before), 4), direction };
}

/** Whether a change reads as good news: more sales is, more refunds is not. */
export function isGood(change: Delta, higherIsBetter: boolean): boolean | undefined {
  if (change.direction === "flat") return undefined;
  return (change.direction === "up") === higherIsBetter;
}
