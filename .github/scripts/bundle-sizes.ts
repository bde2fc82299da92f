/**
 * The Lambda bundle sizes that `cdktf synth` writes to `.gen/bundle-sizes.json` (function -> bytes),
 * as a markdown table for CI's job summary:
 *
 *   npx tsx .github/scripts/bundle-sizes.ts [.gen/bundle-sizes.json] >> "$GITHUB_STEP_SUMMARY"
 *
 * A missing file gives a one-line note instead (synth did not run), never a failed step.
 */
import { readFileSync } from "node:fs";

/** The synth fails above this size (BUNDLE_SIZE_LIMIT_BYTES in stacks/constructs/compute/bundle.ts). */
export const BUNDLE_LIMIT_BYTES = 1024 * 1024;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const limitLabel = (bytes: number) => (bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : kib(bytes));

export function parseBundleSizes(text: string): Record<string, number> {
  const data: unknown = JSON.parse(text);
  if (!data || typeof data !== "object" || Array.isArray(data))
    throw new Error("bundle sizes: expected an object of function name -> bytes");
  for (const [name, bytes] of Object.entries(data)) {
    if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0)
      throw new Error(`bundle sizes: ${name} is not a byte count`);
  }
  return data as Record<string, number>;
}

export function bundleSizeTable(sizes: Record<string, number>, limit = BUNDLE_LIMIT_BYTES): string {
  const names = Object.keys(sizes).sort();
  const lines = ["### Lambda bundle sizes", ""];
  if (names.length === 0) return [...lines, "No bundles were built.", ""].join("\n");
  lines.push(`| Function | Size | Bytes | Share of the ${limitLabel(limit)} limit |`, "|---|---:|---:|---:|");
  for (const name of names) {
    const bytes = sizes[name];
    lines.push(
      `| \`${name}\` | ${kib(bytes)} | ${bytes} | ` +
        `${((bytes / limit) * 100).toFixed(1)}%${bytes > limit ? " ⚠️" : ""} |`,
    );
  }
  const total = names.reduce((sum, name) => sum + sizes[name], 0);
  lines.push(`| **total** | **${kib(total)}** | **${total}** | |`, "");
  return lines.join("\n");
}

export function main(args: string[], print: (text: string) => void = (text) => process.stdout.write(text)): void {
  const file = args[0] ?? ".gen/bundle-sizes.json";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    print(`### Lambda bundle sizes\n\n\`${file}\` was not written (did \`npm run synth\` run?).\n`);
    return;
  }
  print(bundleSizeTable(parseBundleSizes(text)));
}

if (process.argv[1]?.endsWith("bundle-sizes.ts")) main(process.argv.slice(2));
