import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * sha256 over every migration module's file name and source (`functions/db/migrations/*.ts`),
 * read at synth time by the api stack: the `aws_lambda_invocation` trigger, so a deploy runs the migration
 * function again exactly when a migration is added or changed.
 */
export function migrationsHash(root: string = findProjectRoot(process.cwd())): string {
  const dir = join(root, "functions", "db", "migrations");
  const hash = createHash("sha256");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(dir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** The nearest folder at or above `start` that holds a package.json. */
function findProjectRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
