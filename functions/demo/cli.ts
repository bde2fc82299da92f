/**
 * `npm run demo -- --orders 1000000 [--years 3] [--products 20000] [--customers 300000]
 *   [--seed 42] [--currency USD] [--timezone America/New_York] [--name "Big store"]`
 *
 * Creates a store in the database at MYSQL_URL (migrating first) and loads a seeded demo of
 * the given size through the real validation and ingestion code, with a progress bar; prints
 * the store id and its API key once. Millions of orders take a while: progress shows the ETA.
 */
import { parseArgs } from "node:util";
import { createDatabase, LOCAL_LIMITS } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { ensureDatabase } from "../local/mysql-probe";
import { resolveMysql } from "../local/mysql-server";
import { seedDemoStore } from "./seed";

const DAY_MS = 86_400_000;

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`--${flag} must be a whole number >= 1 (got ${value})`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      years: { type: "string" },
      products: { type: "string" },
      customers: { type: "string" },
      seed: { type: "string" },
      currency: { type: "string" },
      timezone: { type: "string" },
      name: { type: "string" },
    },
  });
  const years = wholeNumber("years", values.years);
  const end = new Date();
  const demo = {
    orders: wholeNumber("orders", values.orders),
    products: wholeNumber("products", values.products),
    customers: wholeNumber("customers", values.customers),
    seed: wholeNumber("seed", values.seed),
    currency: values.currency,
    timezone: values.timezone,
    ...(years ? { start: new Date(end.getTime() - years * 365 * DAY_MS), end } : {}),
  };
  const { url } = await resolveMysql({ log: (line) => process.stderr.write(`${line}\n`) });
  await ensureDatabase(url);
  const handle = createDatabase({ kind: "url", url }, LOCAL_LIMITS);
  try {
    await migrateToLatest(handle.db);
    const seeded = await seedDemoStore(handle.db, { name: values.name ?? "Demo store (generated)", demo });
    process.stdout.write(`${JSON.stringify({ storeId: seeded.store.id, apiKey: seeded.apiKey, keyId: seeded.keyId, counts: seeded.counts })}\n`);
  } finally {
    await handle.db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(2);
});
