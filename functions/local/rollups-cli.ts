/**
 * `npm run rollups -- rebuild (--store ID | --all)`: recomputes stores' rollups from their raw
 * rows (repairs; after a migration that changes a rollup). `verify (--store ID | --all)`:
 * compares every day of the store's history from the rollups with the raw tables and exits 1
 * on any difference. Uses MYSQL_URL like the server, and migrates first.
 */
import { parseArgs } from "node:util";
import { createDatabase, LOCAL_LIMITS } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import type { Database } from "../db/schema";
import { funnelCounts, rawFunnelCounts } from "../reports/funnel";
import { productTallies, rawProductTallies } from "../reports/products";
import { rawSalesByKey } from "../reports/raw-sales-source";
import { EMPTY_SUMS, type SalesSums } from "../reports/figures";
import { salesByKey, type KeyOf } from "../reports/sales-source";
import { rebuildRollups } from "../rollups/rebuild";
import { sql, type Kysely } from "kysely";
import { resolveMysql } from "./mysql-server";

const utcDay: KeyOf = (column) => sql<string>`date_format(${column}, '%Y-%m-%d')`;

async function storeIds(db: Kysely<Database>, store: string | undefined, all: boolean): Promise<number[]> {
  if (all) return (await db.selectFrom("stores").select("id").orderBy("id").execute()).map((s) => s.id);
  if (!store || !/^\d+$/.test(store)) throw new Error("--store ID or --all is required");
  return [Number(store)];
}

const describe = (s: SalesSums) =>
  `orders ${s.orders} units ${s.units} gross ${s.gross} discounts ${s.discounts} shipping ${s.shipping} taxes ${s.taxes} returns ${s.returns}`;

/** The days (UTC) on which a store's rollups and raw rows disagree; empty when they agree. */
export async function verifyRollups(db: Kysely<Database>, storeId: number): Promise<string[]> {
  const start = new Date(0);
  const end = new Date(Math.ceil(Date.now() / 86_400_000 + 366) * 86_400_000);
  const [rolled, raw] = await Promise.all([salesByKey(db, storeId, [start, end], utcDay), rawSalesByKey(db, storeId, start, end, utcDay)]);
  const problems: string[] = [];
  for (const day of [...new Set([...rolled.keys(), ...raw.keys()])].sort()) {
    const fromRollup = describe(rolled.get(day) ?? EMPTY_SUMS);
    const fromRaw = describe(raw.get(day) ?? EMPTY_SUMS);
    if (fromRollup !== fromRaw) problems.push(`sales ${day}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  const [rolledFunnel, rawFunnel] = await Promise.all([funnelCounts(db, storeId, start, end), rawFunnelCounts(db, storeId, start, end)]);
  if (JSON.stringify(rolledFunnel) !== JSON.stringify(rawFunnel)) problems.push(`funnel: rollup ${JSON.stringify(rolledFunnel)} raw ${JSON.stringify(rawFunnel)}`);
  const [rolledProducts, rawProducts] = await Promise.all([productTallies(db, storeId, start, end), rawProductTallies(db, storeId, start, end)]);
  for (const id of [...new Set([...rolledProducts.keys(), ...rawProducts.keys()])].sort()) {
    const fromRollup = JSON.stringify(rolledProducts.get(id) ?? null, bigints);
    const fromRaw = JSON.stringify(rawProducts.get(id) ?? null, bigints);
    if (fromRollup !== fromRaw) problems.push(`product ${id}: rollup ${fromRollup} raw ${fromRaw}`);
  }
  return problems;
}

const bigints = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);

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
