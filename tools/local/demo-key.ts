/**
 * The demo store's API key, the same on every `npm run dev` of a checkout, so the `$KEY` the
 * README has you export keeps working across restarts.
 *
 * Keys are stored in the database only as SHA-256 hashes, so the key itself must live somewhere
 * else to be shown again: in a file of the checkout, `.local/demo-api-key` (git-ignored, mode
 * 0600, like the private server's data next to it). A key derived from a local secret would
 * need that secret kept the same way, and brings nothing more. The file holds one key for every
 * database the dev server is pointed at: a database that does not know it gets it (a new demo
 * store is created with it, or an existing one is rotated to it once); a database where it was
 * revoked (e.g. `npm run store -- rotate-key` on the demo store) or belongs to another store
 * gets a new one, written back to the file.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../functions/db/schema";
import { DEMO_STORE_NAME } from "../demo/seed";
import { generateApiKey, hashApiKey } from "../../functions/stores/api-keys";

/** Relative to the project root. */
export const DEMO_KEY_FILE = path.join(".local", "demo-api-key");

const KEY_FORMAT = /^eak_[0-9a-f]{48}$/;

/** The key kept in `file`, or undefined when there is none (or not a key). */
export function readDemoKey(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  if (!KEY_FORMAT.test(text)) return undefined;
  // Written 0600; a copy made with looser permissions is tightened, not trusted less.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return text;
}

/** Writes `key` to `file` (0600, through a temp file and a rename, so a reader never sees half a key). */
export function writeDemoKey(file: string, key: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, `${key}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * The key the demo store of `db` should have: the file's, unless `db` knows it as revoked or as
 * another store's key (then a new one, written to the file). Reads only; the caller issues it.
 */
export async function demoKeyFor(db: Kysely<Database>, file: string): Promise<{ apiKey: string; replaced: boolean }> {
  const kept = readDemoKey(file);
  if (kept) {
    const row = await db
      .selectFrom("api_keys")
      .innerJoin("stores", "stores.id", "api_keys.store_id")
      .select(["api_keys.revoked_at", "stores.name"])
      .where("api_keys.key_hash", "=", hashApiKey(kept))
      .executeTakeFirst();
    const usable =
      !row ||
      (row.revoked_at === null && (row.name === DEMO_STORE_NAME || row.name === `${DEMO_STORE_NAME} (loading)`));
    if (usable) return { apiKey: kept, replaced: false };
  }
  const apiKey = generateApiKey();
  writeDemoKey(file, apiKey);
  return { apiKey, replaced: kept !== undefined };
}
