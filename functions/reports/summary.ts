import type { Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { customerFigures, type CustomerFigures } from "../rollups/customers/read";
import { EMPTY_SUMS, salesFigures, type SalesFigures } from "../metrics/figures";
import type { ReportWindow } from "../time";
import { salesByKey } from "../rollups/sales/read";

export type SummaryReport = { from: string; to: string; timezone: string; currency: string } & SalesFigures &
  CustomerFigures;

export async function summaryReport(db: Kysely<Database>, store: Store, window: ReportWindow): Promise<SummaryReport> {
  const { start, end, range } = window;
  const [sales, customers] = await Promise.all([
    salesByKey(db, store.id, [start, end]),
    customerFigures(db, store.id, start, end),
  ]);
  const figures = salesFigures(sales.get("all") ?? EMPTY_SUMS, store.currency);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    currency: store.currency,
    ...figures,
    ...customers,
  };
}
