/**
 * `npm run rollups -- rebuild --store ID|--all`: recomputes stores' rollups from their raw rows
 * (repairs; after a migration that changes a rollup, or a change of the store's time zone).
 * `verify --store ID|--all`: compares the store's history from the rollups with the raw tables
 * (sales of every UTC day, the funnel, every product, customer figures, monthly cohorts;
 * functions/rollups/verify.ts) and exits 1 on any difference. Uses MYSQL_URL like the server,
 * and migrates first.
 */
import type { Kysely } from "kysely";
import { createDatabase, LOCAL_LIMITS } from "../../functions/db/connection";
import { migrateToLatest } from "../../functions/db/migrate";
import type { Database } from "../../functions/db/schema";
import { rebuildRollups } from "../../functions/rollups/rebuild";
import { verifyRollups } from "../../functions/rollups/verify";
import {
  EXIT_FAILED,
  EXIT_OK,
  parseFlags,
  processOutput,
  reportUsageError,
  UsageError,
  wantsHelp,
  type CliOutput,
} from "./cli-args";
import { resolveMysql } from "./mysql-server";

export const USAGE = `usage: npm run rollups -- <command> --store ID|--all

  verify --store ID|--all
      compares what the rollups give with the store's raw rows (sales of every UTC day, the
      funnel, every product, customer figures, monthly cohorts); exits 1 on any difference
  rebuild --store ID|--all
      recomputes the store's rollups from its raw rows (after changing its time zone, or to repair)
  --help, -h
      this text

--store takes a store id (npm run -s store -- list shows them); --all means every store.
The database is MYSQL_URL, else 127.0.0.1:3306, else a private server under .local/; it is
migrated first.`;

export type RollupsCommand =
  { command: "help" } | { command: "verify" | "rebuild"; stores: { storeId: number } | "all" };

/** Parses `<command> --store ID|--all`; throws UsageError naming what is wrong. */
export function parseRollupsArgs(argv: readonly string[]): RollupsCommand {
  if (wantsHelp(argv)) return { command: "help" };
  const { positionals, values } = parseFlags({
    args: [...argv],
    allowPositionals: true,
    options: { store: { type: "string" }, all: { type: "boolean" } },
  });
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError("a command is needed: verify or rebuild");
  if (command !== "verify" && command !== "rebuild")
    throw new UsageError(`unknown command "${command}" (expected verify or rebuild)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (values.store !== undefined && values.all) throw new UsageError("give --store ID or --all, not both");
  if (values.all) return { command, stores: "all" };
  if (values.store === undefined) throw new UsageError(`${command} needs --store ID or --all`);
  if (!/^[1-9]\d*$/.test(values.store) || !Number.isSafeInteger(Number(values.store))) {
    throw new UsageError(`--store must be a store id (a positive integer), got "${values.store}"`);
  }
  return { command, stores: { storeId: Number(values.store) } };
}

async function storeIds(db: Kysely<Database>, stores: { storeId: number } | "all"): Promise<number[]> {
  if (stores === "all") return (await db.selectFrom("stores").select("id").orderBy("id").execute()).map((s) => s.id);
  const found = await db.selectFrom("stores").select("id").where("id", "=", stores.storeId).executeTakeFirst();
  if (!found) throw new UsageError(`--store: no store ${stores.storeId} (npm run -s store -- list shows the stores)`);
  return [stores.storeId];
}

/** Runs one command; returns the exit code (0 done and agreeing, 1 differences or a failure, 2 bad arguments). */
export async function runRollupsCli(
  argv: readonly string[],
  io: CliOutput = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let cmd: RollupsCommand;
  try {
    cmd = parseRollupsArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, error, USAGE);
    throw error;
  }
  if (cmd.command === "help") {
    io.stdout(USAGE);
    return EXIT_OK;
  }

  const { url } = await resolveMysql({ env, log: io.stderr });
  const handle = createDatabase({ kind: "url", url }, LOCAL_LIMITS);
  try {
    await migrateToLatest(handle.db);
    let failed = false;
    for (const id of await storeIds(handle.db, cmd.stores)) {
      const started = Date.now();
      if (cmd.command === "rebuild") {
        const result = await rebuildRollups(handle.db, id);
        const rows = Object.entries(result)
          .map(([rollup, count]) => `${count} ${rollup}`)
          .join(", ");
        io.stdout(`store ${id}: rebuilt ${rows} in ${Date.now() - started} ms`);
      } else {
        const problems = await verifyRollups(handle.db, id);
        failed ||= problems.length > 0;
        if (problems.length)
          io.stdout(`store ${id}: ${problems.length} differences\n${problems.slice(0, 20).join("\n")}`);
        else io.stdout(`store ${id}: rollups agree with the raw rows (${Date.now() - started} ms)`);
      }
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, error, USAGE);
    throw error;
  } finally {
    await handle.db.destroy();
  }
}

// Run as a script (tsx loads it as an ES module, so `require.main` is not available), not when imported by tests.
if (/rollups-cli\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  runRollupsCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`rollups: ${(error as Error)?.message ?? String(error)}\n`);
      process.exit(EXIT_FAILED);
    },
  );
}
