/**
 * Lambda bundles: the size of each function's `index.mjs` and its cold import time, i.e. the
 * wall time of a fresh `node` process that imports the bundle and gets its `handler`, beside
 * the wall time of a bare `node -e ""` (medians). The processes get Lambda's NODE_OPTIONS
 * (`--enable-source-maps`, as the functions are deployed), both alike.
 *
 * Bundles are the ones synth wrote to `.gen/bundles/<name>/<hash>/` (the newest per function);
 * a function without one is built with the same esbuild settings (stacks/constructs/compute/bundle.ts).
 * Each is copied to `.gen/bench-bundles/<name>/` for the measurement (removed afterwards): a synth
 * running meanwhile prunes older hash folders. The copy sits at the same depth under the project,
 * so the runtime-provided externals (`@aws-sdk/client-*`) resolve from node_modules as before.
 *
 * Just this part, without a store: `npx tsx bench/bundles.ts [--runs 10] [--fresh]` (`--fresh`
 * measures bundles built from the working tree now rather than the newest synthesized ones).
 */
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLE_FILE, bundleFunction, projectRoot } from "../stacks/constructs/compute/bundle";
import { median, round2 } from "./stats";

export interface BundleResult {
  name: string;
  /** the measured bundle: `.gen/bundles/<name>/<hash>/index.mjs`, relative to the project */
  file: string;
  bytes: number;
  coldImportMs: number;
  bareNodeMs: number;
  /** coldImportMs - bareNodeMs: what importing the bundle costs */
  importMs: number;
}

/** The Lambda functions: one handler module per function in functions/handlers/. */
export function functionNames(root: string): string[] {
  return readdirSync(join(root, "functions", "handlers"))
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.slice(0, -3))
    .sort();
}

/** The newest synthesized bundle of `name`, else a fresh build. */
export function bundleFile(root: string, name: string): string {
  const dir = join(root, ".gen", "bundles", name);
  if (existsSync(dir)) {
    const candidates = readdirSync(dir)
      .filter((entry) => !entry.startsWith("."))
      .map((entry) => join(dir, entry, BUNDLE_FILE))
      .filter((file) => existsSync(file))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    if (candidates.length > 0) return candidates[0];
  }
  return bundleFunction(name, `functions/handlers/${name}.ts`, root).file;
}

function timeNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`node ${args.join(" ").slice(0, 200)} exited with ${code}: ${stderr.slice(0, 1000)}`));
    });
  });
}

function importScript(file: string): string {
  const url = JSON.stringify(pathToFileURL(file).href);
  return (
    `const m = await import(${url}); ` +
    `if (typeof m.handler !== "function") { console.error("no handler export"); process.exit(3); }`
  );
}

/** A private copy of the newest bundle of `name` (and its source map), safe from pruning while measured. */
function copyOfBundle(root: string, name: string, fresh: boolean): { source: string; file: string } {
  for (let attempt = 1; ; attempt++) {
    const source = fresh ? bundleFunction(name, `functions/handlers/${name}.ts`, root).file : bundleFile(root, name);
    const file = join(root, ".gen", "bench-bundles", name, BUNDLE_FILE);
    try {
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(source, file);
      if (existsSync(`${source}.map`)) copyFileSync(`${source}.map`, `${file}.map`);
      return { source, file };
    } catch (error) {
      if (attempt >= 3) throw error; // pruned between listing and copying: look again
    }
  }
}

/** `fresh`: build each bundle from the working tree now instead of taking the newest synthesized one. */
export async function measureBundles(
  runs: number,
  log: (line: string) => void,
  root: string = projectRoot(),
  { fresh = false } = {},
): Promise<BundleResult[]> {
  try {
    return await measureCopies(runs, log, root, fresh);
  } finally {
    rmSync(join(root, ".gen", "bench-bundles"), { recursive: true, force: true });
  }
}

async function measureCopies(
  runs: number,
  log: (line: string) => void,
  root: string,
  fresh: boolean,
): Promise<BundleResult[]> {
  const bundles = functionNames(root).map((name) => ({ name, ...copyOfBundle(root, name, fresh) }));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: "--enable-source-maps" };
  log(
    `bundles: ${bundles.map((b) => b.name).join(", ")}: ${runs} cold imports each, beside ${runs} bare node processes`,
  );
  const bare: number[] = [];
  const cold = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  // Interleaved rounds, so drift in the machine's load falls on all alike.
  for (let run = 0; run < runs; run++) {
    bare.push(await timeNode(["-e", ""], env));
    for (const bundle of bundles)
      cold.get(bundle.name)!.push(await timeNode(["--input-type=module", "-e", importScript(bundle.file)], env));
  }
  const bareNodeMs = round2(median(bare));
  return bundles.map((bundle) => {
    const coldImportMs = round2(median(cold.get(bundle.name)!));
    return {
      name: bundle.name,
      file: relative(root, bundle.source),
      bytes: statSync(bundle.file).size,
      coldImportMs,
      bareNodeMs,
      importMs: round2(coldImportMs - bareNodeMs),
    };
  });
}

/** BENCHMARKS.md's bundle table. */
export function bundleTable(results: readonly BundleResult[]): string {
  const rows = results.map(
    (b) => `| ${b.name} | ${b.bytes.toLocaleString("en-US")} | ${b.coldImportMs} | ${b.bareNodeMs} | ${b.importMs} |`,
  );
  return [
    "| bundle | bytes | cold import ms | bare node ms | above bare node ms |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

// `npx tsx bench/bundles.ts [--runs N] [--fresh]` (jest compiles this file to CommonJS: no import.meta).
if (/bench[\\/]bundles\.ts$/.test(process.argv[1] ?? "")) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
  measureBundles(runs, (line) => process.stderr.write(`${line}\n`), projectRoot(), {
    fresh: args.includes("--fresh"),
  }).then(
    (results) => process.stdout.write(`${bundleTable(results)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
