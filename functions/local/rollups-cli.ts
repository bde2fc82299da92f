/**
 * `npm run rollups -- rebuild (--store ID | --all)`: recomputes stores' rollups from their raw
 * rows (repairs; after a migration that changes a rollup). `verify (--store ID | --all)`:
 * compares the store's history from the rollups with the raw tables (sales of every UTC day,
 * the funnel, every product, customer figures, monthly cohorts; functions/rollups/verify.ts)
 * and exits 1 on any difference. Uses MYSQL_URL like the server, and migrates first.
 */
import { parseArgs } from "node:util";
import { createDatabase, LOCAL_LIMITS } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import type { Database } from "../db/schema";
import { rebuildRollups } from "../rollups/rebuild";
import { verifyRollups } from "../rollups/verify";
import type { Kysely } from "kysely";
import { resolveMysql } from "./mysql-server";

async function storeIds(db: Kysely<Database>, store: string | undefined, all: boolean): Promise<number[]> {
  if (all) return (await db.selectFrom("stores").select("id").orderBy("id").execute()).map((s) => s.id);
  if (!store || !/^\d+$/.test(store)) throw new Error("--store ID or --all is required");
  return [Number(store)];
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { store: { type: "string" }, all: { type: "boolean" } } });
  const command = positionals[0];
  if (command !== "rebuild" && command !== "verify") {
    process.stderr.write("usage: npm run rollups -- rebuild|verify (--store ID | --all)\n");
    return 2;
  }
  const { url } = await resolveMysql({ log: (line) => process.stderr.write(`${line}\n`) });
  const handle = createDatabase({ kind: "url", url }, LOCAL_LIMITS);
  try {
    await migrateToLatest(handle.db);
    let failed = false;
    for (const id of await storeIds(handle.db, values.store, values.all ?? false)) {
      const started = Date.now();
      if (command === "rebuild") {
        const result = await rebuildRollups(handle.db, id);
        const rows = Object.entries(result).map(([rollup, count]) => `${count} ${rollup}`).join(", ");
        process.stdout.write(`store ${id}: rebuilt ${rows} in ${Date.now() - started} ms\n`);
      } else {
        const problems = await verifyRollups(handle.db, id);
        failed ||= problems.length > 0;
        process.stdout.write(problems.length ? `store ${id}: ${problems.length} differences\n${problems.slice(0, 20).join("\n")}\n` : `store ${id}: rollups agree with the raw rows (${Date.now() - started} ms)\n`);
      }
    }
    return failed ? 1 : 0;
  } finally {
    await handle.db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rollups: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
