import { AsyncLocalStorage } from "node:async_hooks";

/**
 * How long one API request may wait on the database in all (SPEC §3: while the database is down
 * or hung, every request is answered within 5 s with 503). Every wait inside the request (a
 * connection from the pool, a statement, the one retry of a read on a fresh connection) is cut to
 * what is left of it; the rest of the 5 s covers the work around the database and the response.
 */
export const REQUEST_DATABASE_BUDGET_MS = 4_500;

const deadlines = new AsyncLocalStorage<number>();

/**
 * Runs `work` with a database deadline `budgetMs` from now; inside another one, the earlier of
 * the two holds. Outside any (CLIs, migrations, the admin function) only the pool's own per-wait
 * bounds apply.
 */
export function withDatabaseDeadline<T>(budgetMs: number, work: () => T): T {
  const deadline = Date.now() + budgetMs;
  const outer = deadlines.getStore();
  return deadlines.run(outer !== undefined && outer < deadline ? outer : deadline, work);
}

/** The current deadline (epoch ms), if any. */
export function databaseDeadline(): number | undefined {
  return deadlines.getStore();
}
