import { sql, type Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { ratio } from "../../metrics/figures";
import type { CustomerFigures } from "./read";

/**
 * The customer figures counted from the raw orders: the reference the rollups are checked
 * against (tests). customers: distinct customers with a counted order in range; new: their
 * first counted order ever is in range; returning rate (Shopify's): share of them with more
 * than one counted order up to the end of the range. Guests are not customers.
 */
export async function rawCustomerFigures(
  db: Kysely<Database>,
  storeId: number,
  start: Date,
  end: Date,
): Promise<CustomerFigures> {
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
