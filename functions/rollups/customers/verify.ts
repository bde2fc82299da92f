import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { cohortsReport } from "../../reports/cohorts";
import { customerFigures } from "../../reports/customer-figures";
import { formatLocalDate, parseLocalDate, utcBounds } from "../../time";
import { storeHistory } from "../verify-window";
import { rawCustomerFigures } from "./raw-customer-figures";

/**
 * Customer figures over the store's history, its last year and its last 30 days, and the
 * monthly cohorts of its history in its own zone, from the rollups against the raw rows.
 */
export async function verifyCustomers(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const { store, today, history } = await storeHistory(db, storeId);
  const problems: string[] = [];
  for (const from of [history, shiftDays(today, -364), shiftDays(today, -29)]) {
    const range = { from: from < history ? history : from, to: today, timezone: store.timezone };
    const { start, end } = utcBounds(range);
    const [rolled, raw] = await Promise.all([
      customerFigures(db, storeId, start, end),
      rawCustomerFigures(db, storeId, start, end),
    ]);
    if (JSON.stringify(rolled) !== JSON.stringify(raw))
      problems.push(
        `customers ${range.from}..${range.to}: rollup ${JSON.stringify(rolled)} raw ${JSON.stringify(raw)}`,
      );
  }
  const range = { from: history, to: today, timezone: store.timezone };
  const window = { range, ...utcBounds(range) };
  const [rolled, raw] = await Promise.all([
    cohortsReport(db, store, window, "month"),
    cohortsReport(db, store, window, "month", { fromRawRows: true }),
  ]);
  for (const [i, cohort] of raw.cohorts.entries()) {
    if (JSON.stringify(rolled.cohorts[i]) !== JSON.stringify(cohort))
      problems.push(
        `cohort ${cohort.cohort}: rollup ${JSON.stringify(rolled.cohorts[i])} raw ${JSON.stringify(cohort)}`,
      );
  }
  if (rolled.cohorts.length !== raw.cohorts.length)
    problems.push(`cohorts: ${rolled.cohorts.length} from the rollup, ${raw.cohorts.length} from raw rows`);
  return problems;
}

const shiftDays = (date: string, days: number) => formatLocalDate(parseLocalDate(date) + days);
