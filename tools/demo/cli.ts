/**
 * `npm run -s demo -- --orders 1000000 --years 3`: creates a store in the local database
 * (MYSQL_URL, else 127.0.0.1:3306, else the private server; migrating first) and loads a seeded
 * demo of the given size through the real validation and ingestion code, with a progress bar on
 * stderr; prints the store id, its API key (once) and key id as one JSON line. Millions of orders
 * take a while: progress shows the ETA. Every flag: USAGE below.
 */
import { createDatabase, LOCAL_LIMITS } from "../../functions/db/connection";
import { migrateToLatest } from "../../functions/db/migrate";
import {
  EXIT_FAILED,
  EXIT_OK,
  parseFlags,
  processOutput,
  reportUsageError,
  UsageError,
  wantsHelp,
  wholeNumberFlag,
  type CliOutput,
} from "../local/cli-args";
import { ensureDatabase } from "../local/mysql-probe";
import { resolveMysql } from "../local/mysql-server";
import { StoreInputError, validateNewStore } from "../../functions/stores/repository";
import type { DemoOptions } from "./types";
import { seedDemoStore } from "./seed";
import { DAY_MS } from "../../functions/time";

export const USAGE = `usage: npm run -s demo -- [options]

Creates a new store in the local database and loads a generated, seeded history into it through
the same validation and ingestion code as the API (progress on stderr). Prints one JSON line:
{"storeId", "apiKey", "keyId", "counts"}. apiKey (eak_...) is the secret for the x-api-key
header, shown only this once; keyId names the key (npm run store -- revoke-key --key-id).

  --orders N          orders to generate (default 5000)
  --years N           years of history, ending now (default 1)
  --products N        catalog size (default 200)
  --customers N       registered customers at most (default 1500)
  --seed N            generator seed: the same seed and sizes give the same data (default 42)
  --currency CODE     the store's ISO 4217 currency (default USD)
  --timezone ZONE     the store's IANA time zone (default America/New_York)
  --name NAME         the store's name (default "Demo store (generated)")
  --help, -h          this text

The database is MYSQL_URL, else 127.0.0.1:3306, else a private server under .local/.
Example: npm run -s demo -- --orders 1000000 --years 3`;

export interface DemoCommand {
  name: string;
  demo: Partial<DemoOptions>;
}

/** Parses the flags; "help" for --help/-h; throws UsageError naming the flag. `now` ends the history. */
export function parseDemoArgs(argv: readonly string[], now: Date = new Date()): DemoCommand | "help" {
  if (wantsHelp(argv)) return "help";
  const { values } = parseFlags({
    args: [...argv],
    allowPositionals: false,
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
  const years = wholeNumberFlag("years", values.years);
  const name = values.name ?? "Demo store (generated)";
  try {
    // The generator's defaults, checked as the store will check them: before anything connects.
    validateNewStore({ name, currency: values.currency ?? "USD", timezone: values.timezone ?? "America/New_York" });
  } catch (error) {
    if (error instanceof StoreInputError) throw new UsageError(`--${error.message}`);
    throw error;
  }
  return {
    name,
    demo: {
      orders: wholeNumberFlag("orders", values.orders),
      products: wholeNumberFlag("products", values.products),
      customers: wholeNumberFlag("customers", values.customers),
      seed: wholeNumberFlag("seed", values.seed),
      currency: values.currency,
      timezone: values.timezone,
      ...(years ? { start: new Date(now.getTime() - years * 365 * DAY_MS), end: now } : {}),
    },
  };
}

/** Runs the command; returns the exit code (0 loaded, 1 failed, 2 bad arguments). */
export async function runDemoCli(argv: readonly string[], io: CliOutput = processOutput): Promise<number> {
  let cmd: DemoCommand | "help";
  try {
    cmd = parseDemoArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, error, USAGE);
    throw error;
  }
  if (cmd === "help") {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const { url } = await resolveMysql({ log: io.stderr });
  await ensureDatabase(url);
  const handle = createDatabase({ kind: "url", url }, LOCAL_LIMITS);
  try {
    await migrateToLatest(handle.db);
    const seeded = await seedDemoStore(handle.db, { name: cmd.name, demo: cmd.demo });
    io.stdout(
      JSON.stringify({ storeId: seeded.store.id, apiKey: seeded.apiKey, keyId: seeded.keyId, counts: seeded.counts }),
    );
    return EXIT_OK;
  } finally {
    await handle.db.destroy();
  }
}

// Run as a script (tsx loads it as an ES module, so `require.main` is not available), not when imported by tests.
if (/demo[/\\]cli\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  runDemoCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`demo: ${(error as Error)?.message ?? String(error)}\n`);
      process.exit(EXIT_FAILED);
    },
  );
}
