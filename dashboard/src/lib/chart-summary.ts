import { compareDecimal } from "./decimal";

/** The highest and lowest points of a series, for a chart's text summary (money compared as decimals). */
export interface Extremes<T> {
  highest: T;
  lowest: T;
}

export function extremes<T>(items: readonly T[], value: (item: T) => string | number): Extremes<T> | undefined {
  if (items.length === 0) return undefined;
  let [highest, lowest] = [items[0], items[0]];
  for (const item of items) {
    if (compareDecimal(value(item), value(highest)) > 0) highest = item;
    if (compareDecimal(value(item), value(lowest)) < 0) lowest = item;
  }
  return { highest, lowest };
}
