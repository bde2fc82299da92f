import type { Formatters } from "./format";
import type { Interval, SalesPeriod } from "./reports";

/** A sales period as the reader reads it: "Mar 8, 3:00 AM EDT" (in the report's zone), "Mar 8", "Week of Mar 9". */
export function periodLabel(
  period: Pick<SalesPeriod, "period" | "start">,
  interval: Interval,
  format: Formatters,
  zone: string,
): string {
  switch (interval) {
    case "hour":
      return format.hour(period.start, zone);
    case "day":
      return format.date(period.period);
    case "week":
      return `Week of ${format.date(period.period)}`;
    case "month":
      return format.month(period.period);
  }
}
