import { sql, type Kysely } from "kysely";
import type { Database, Store } from "../db/schema";
import { EMPTY_SUMS, ratio, salesFigures, type SalesFigures } from "./figures";
import type { ReportWindow } from "./params";
import { salesByKey } from "./sales-source";

export interface CustomerFigures {
  customers: number;
  newCustomers: number;
  returningCustomers: number;
  returningCustomerRate: number;
}

export type SummaryReport = { from: string; to: string; timezone: string; currency: string } & SalesFigures & CustomerFigures;

/**
 * customers: distinct customers with a counted order in range; new: their first counted order
 * ever is in range; returning rate (Shopify's): share of them with more than one counted order
 * up to the end of the range, the earlier one possibly before it. Guests are not customers.
 */
export async function customerFigures(db: Kysely<Database>, storeId: number, start: Date, end: Date): Promise<CustomerFigures> {
  const inRange = db
    .selectFrom("orders")
    .select("customer_id")
    .where("store_id", "=", storeId)
    .where("status", "=", "paid")
    .where("customer_id", "is not", null)
    .where("created_at", ">=", start)
    .where("created_at", "<", end);
  const perCustomer = db
    .selectFrom("orders")
    .select(({ fn }) => ["customer_id", fn.min("created_at").as("first_at"), fn.countAll().as("orders")])
    .where("store_id", "=", storeId)
    .where("status", "=", "paid")
    .where("created_at", "<", end)
    .where("customer_id", "in", inRange)
    .groupBy("customer_id");
  const row = await db
    .selectFrom(perCustomer.as("c"))
    .select([
      sql<string>`count(*)`.as("customers"),
      sql<string | null>`sum(c.first_at >= ${start})`.as("newCustomers"),
      sql<string | null>`sum(c.orders > 1)`.as("repeatCustomers"),
    ])
    .executeTakeFirstOrThrow();
  const customers = Number(row.customers);
  const newCustomers = Number(row.newCustomers ?? 0);
  return {
    customers,
    newCustomers,
    returningCustomers: customers - newCustomers,
    returningCustomerRate: ratio(Number(row.repeatCustomers ?? 0), customers),
  };
}

export async function summaryReport(db: Kysely<Database>, store: Store, window: ReportWindow): Promise<SummaryReport> {
  const { start, end, range } = window;
  const [sales, customers] = await Promise.all([salesByKey(db, store.id, start, end), customerFigures(db, store.id, start, end)]);
  const figures = salesFigures(sales.get("all") ?? EMPTY_SUMS, store.currency);
  return { from: range.from, to: range.to, timezone: range.timezone, currency: store.currency, ...figures, ...customers };
}
