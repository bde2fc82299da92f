/**
 * `terraform init -backend=false` + `terraform validate -json` in every stack directory of a
 * `cdktf synth` output: the synthesized JSON checked against the real provider schema (it
 * catches what TypeScript types can't: unknown enum values, conflicting arguments, bad ARNs).
 *
 * Providers come from a filesystem mirror when one is found (offline machines: the mirror root is
 * the folder holding `registry.terraform.io`, from TF_PLUGIN_MIRROR or found under
 * /opt/tf-plugins), else from the registry when TF_PLUGIN_MIRROR=none (GitHub Actions). One
 * plugin cache is shared by every stack, so the ~700 MB AWS provider is linked, not copied, per
 * stack; the first stack warms it alone, the rest run `concurrency` at a time.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, relative, sep, resolve } from "node:path";

export type ProviderSource = { kind: "mirror"; path: string } | { kind: "registry" };

export interface TerraformTooling {
  terraform: string;
  version: string;
  providers: ProviderSource;
}

/** Why validation can't run here (terraform or the providers missing), or the tooling to run it with. */
export type ToolingCheck = { ok: true; tooling: TerraformTooling } | { ok: false; reason: string };

export interface Diagnostic {
  severity: "error" | "warning";
  summary: string;
  detail?: string;
  /** `cdk.tf.json:123`, when terraform gives a position. */
  at?: string;
}

export interface StackValidation {
  stack: string;
  dir: string;
  valid: boolean;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  initMs: number;
  validateMs: number;
}

export interface ValidateOptions {
  tooling: TerraformTooling;
  /** Stacks validated at once after the first (default 2: each terraform loads the whole provider schema). */
  concurrency?: number;
  /** Shared plugin cache (default TF_PLUGIN_CACHE_DIR, else a folder under the OS temp dir). */
  pluginCacheDir?: string;
  /** Progress lines (one per stack). */
  log?: (line: string) => void;
}

const DEFAULT_MIRROR_ROOTS = [
  "/opt/tf-plugins",
  join(homedir(), ".terraform.d", "plugins"),
  join(homedir(), ".local", "share", "terraform", "plugins"),
  "/usr/local/share/terraform/plugins",
  "/usr/share/terraform/plugins",
];
const REGISTRY = "registry.terraform.io";

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The folder under `root` (itself or up to three levels down) that holds `registry.terraform.io/hashicorp/aws`. */
export function findMirrorRoot(root: string, depth = 3): string | undefined {
  if (!isDir(root)) return undefined;
  if (isDir(join(root, REGISTRY, "hashicorp", "aws"))) return root;
  if (depth === 0) return undefined;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const found = findMirrorRoot(join(root, entry.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Where providers come from: TF_PLUGIN_MIRROR=none -> the registry; TF_PLUGIN_MIRROR=<dir> or a default location ->
 * that mirror.
 */
export function findProviderSource(
  env: NodeJS.ProcessEnv = process.env,
): ProviderSource | { kind: "missing"; reason: string } {
  const wanted = env.TF_PLUGIN_MIRROR?.trim();
  if (wanted === "none") return { kind: "registry" };
  if (wanted) {
    const path = findMirrorRoot(resolve(wanted));
    return path
      ? { kind: "mirror", path }
      : { kind: "missing", reason: `TF_PLUGIN_MIRROR=${wanted} holds no ${REGISTRY}/hashicorp/aws` };
  }
  for (const root of DEFAULT_MIRROR_ROOTS) {
    const path = findMirrorRoot(root);
    if (path) return { kind: "mirror", path };
  }
  return {
    kind: "missing",
    reason:
      `no provider mirror (looked in ${DEFAULT_MIRROR_ROOTS.join(", ")}; ` +
      "set TF_PLUGIN_MIRROR to one, or TF_PLUGIN_MIRROR=none to install from the registry)",
  };
}

/** terraform on PATH (or TERRAFORM_BINARY) and a provider source, or why not. */
export function checkTooling(env: NodeJS.ProcessEnv = process.env): ToolingCheck {
  const terraform = env.TERRAFORM_BINARY || "terraform";
  const probe = spawnSync(terraform, ["version", "-json"], {
    encoding: "utf8",
    env: { ...env, CHECKPOINT_DISABLE: "1" },
  });
  if (probe.error || probe.status !== 0)
    return { ok: false, reason: `terraform not found (${terraform}: ${probe.error?.message ?? probe.stderr.trim()})` };
  let version = "unknown";
  try {
    version = (JSON.parse(probe.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    /* older terraform without -json: the version is informational only */
  }
  const providers = findProviderSource(env);
  if (providers.kind === "missing") return { ok: false, reason: providers.reason };
  return { ok: true, tooling: { terraform, version, providers } };
}

/**
 * The CLI configuration: the shared plugin cache, and the mirror (if any) as the only source for
 * registry.terraform.io.
 */
export function cliConfig(providers: ProviderSource, pluginCacheDir: string): string {
  const lines = [
    `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`,
    // No lock file exists in a fresh synth: without this, Terraform >= 1.4 re-installs per stack.
    "plugin_cache_may_break_dependency_lock_file = true",
  ];
  if (providers.kind === "mirror") {
    lines.push(
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(providers.path)}`,
      `    include = ["${REGISTRY}/*/*"]`,
      "  }",
      `  direct { exclude = ["${REGISTRY}/*/*"] }`,
      "}",
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end, its output collected (never rejects: a spawn error is exit code -1). */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) =>
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${error.message}`, ms: Date.now() - started }),
    );
    child.on("close", (code) => resolvePromise({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

interface ValidateJson {
  valid: boolean;
  diagnostics: {
    severity: "error" | "warning";
    summary: string;
    detail?: string;
    range?: { filename: string; start: { line: number } };
  }[];
}

/** init + validate in one stack directory. */
export async function validateStackDir(
  stack: string,
  dir: string,
  terraform: string,
  env: NodeJS.ProcessEnv,
): Promise<StackValidation> {
  const init = await run(terraform, ["init", "-backend=false", "-input=false", "-no-color"], dir, env);
  if (init.code !== 0) {
    const summary = `terraform init failed (exit ${init.code})`;
    return {
      stack,
      dir,
      valid: false,
      errors: [{ severity: "error", summary, detail: `${init.stderr}${init.stdout}`.trim() }],
      warnings: [],
      initMs: init.ms,
      validateMs: 0,
    };
  }
  const validate = await run(terraform, ["validate", "-json", "-no-color"], dir, env);
  let parsed: ValidateJson;
  try {
    parsed = JSON.parse(validate.stdout) as ValidateJson;
  } catch {
    const detail = `${validate.stderr}${validate.stdout}`.trim();
    return {
      stack,
      dir,
      valid: false,
      errors: [{ severity: "error", summary: `terraform validate failed (exit ${validate.code})`, detail }],
      warnings: [],
      initMs: init.ms,
      validateMs: validate.ms,
    };
  }
  const diagnostics = parsed.diagnostics.map<Diagnostic>((d) => ({
    severity: d.severity,
    summary: d.summary,
    detail: d.detail || undefined,
    at: d.range ? `${d.range.filename}:${d.range.start.line}` : undefined,
  }));
  return {
    stack,
    dir,
    valid: parsed.valid && validate.code === 0,
    errors: diagnostics.filter((d) => d.severity === "error"),
    warnings: diagnostics.filter((d) => d.severity === "warning"),
    initMs: init.ms,
    validateMs: validate.ms,
  };
}

/** The shared plugin cache: the given folder, else TF_PLUGIN_CACHE_DIR, else one under the OS temp dir. */
export function defaultPluginCacheDir(wanted?: string): string {
  return resolve(wanted ?? (process.env.TF_PLUGIN_CACHE_DIR || join(tmpdir(), "terraform-plugin-cache")));
}

/**
 * Terraform's environment: the generated CLI config, no prompts, no update checks, no inherited data dir or
 * workspace.
 */
export function terraformEnv(cliConfigFile: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
  for (const key of [
    "TF_DATA_DIR",
    "TF_WORKSPACE",
    "TF_PLUGIN_CACHE_DIR",
    "TF_CLI_ARGS",
    "TF_CLI_ARGS_init",
    "TF_CLI_ARGS_validate",
    "TF_CLI_ARGS_plan",
    "TF_CLI_ARGS_show",
  ])
    delete env[key];
  return env;
}

/** Validates every stack of a synth output directory (as listed in its manifest.json); results in manifest order. */
export async function validateSynthOutput(outdir: string, options: ValidateOptions): Promise<StackValidation[]> {
  const { tooling, log = () => undefined } = options;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; workingDirectory: string }>;
  };
  const stacks = Object.values(manifest.stacks).map((s) => ({ name: s.name, dir: join(outdir, s.workingDirectory) }));

  const pluginCacheDir = defaultPluginCacheDir(options.pluginCacheDir);
  mkdirSync(pluginCacheDir, { recursive: true });
  const configDir = mkdtempSync(join(tmpdir(), "tf-cli-"));
  const cliConfigFile = join(configDir, "terraform.tfrc");
  writeFileSync(cliConfigFile, cliConfig(tooling.providers, pluginCacheDir));
  const env = terraformEnv(cliConfigFile);

  const results: StackValidation[] = new Array(stacks.length);
  const one = async (i: number) => {
    const { name, dir } = stacks[i];
    if (!existsSync(dir)) throw new Error(`validate: ${dir} (stack ${name}) does not exist`);
    results[i] = await validateStackDir(name, dir, tooling.terraform, env);
    const r = results[i];
    log(
      `${name}: ${r.valid ? "valid" : `${r.errors.length} error(s)`}` +
        `${r.warnings.length ? `, ${r.warnings.length} warning(s)` : ""}` +
        ` (init ${r.initMs} ms, validate ${r.validateMs} ms)`,
    );
  };
  try {
    if (stacks.length === 0) return [];
    // The first stack alone fills the plugin cache (Terraform's cache is not safe for concurrent installs).
    await one(0);
    let next = 1;
    const worker = async () => {
      while (next < stacks.length) await one(next++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, stacks.length - 1) }, worker));
    return results;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

/**
 * Validates every stack at once, as child modules of one generated root: one `init` and one
 * `validate` (Terraform loads the provider schema once instead of once per stack), ~3x faster
 * than stack by stack. Backends of child modules are ignored (a warning, dropped here); each
 * diagnostic is attributed to its stack by the file it points at.
 */
export async function validateSynthOutputAsOneRoot(
  outdir: string,
  options: ValidateOptions,
): Promise<StackValidation[]> {
  const { tooling } = options;
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { name: string; workingDirectory: string }>;
  };
  const stacks = Object.values(manifest.stacks).map((s) => ({ name: s.name, dir: join(outdir, s.workingDirectory) }));
  const root = mkdtempSync(join(outdir, "validate-root-"));
  const modules = Object.fromEntries(
    stacks.map((s) => [s.name, { source: relative(root, s.dir).split(sep).join("/") }]),
  );
  writeFileSync(join(root, "main.tf.json"), JSON.stringify({ module: modules }, null, 2));

  const pluginCacheDir = defaultPluginCacheDir(options.pluginCacheDir);
  mkdirSync(pluginCacheDir, { recursive: true });
  const cliConfigFile = join(root, "terraform.tfrc");
  writeFileSync(cliConfigFile, cliConfig(tooling.providers, pluginCacheDir));
  const combined = await validateStackDir("all", root, tooling.terraform, terraformEnv(cliConfigFile));
  const ownerOf = (d: Diagnostic) =>
    stacks.find((s) => d.at?.includes(`/${s.name}/`) || d.at?.startsWith(`${relative(root, s.dir)}/`));
  const isIgnoredBackend = (d: Diagnostic) =>
    d.severity === "warning" && /backend configuration ignored/i.test(d.summary);
  const orphans = combined.errors.filter((d) => !ownerOf(d));
  return stacks.map((s) => {
    const mine = (list: Diagnostic[]) => list.filter((d) => ownerOf(d)?.name === s.name);
    const errors = [...mine(combined.errors), ...orphans];
    return {
      stack: s.name,
      dir: s.dir,
      valid: errors.length === 0,
      errors,
      warnings: mine(combined.warnings).filter((d) => !isIgnoredBackend(d)),
      initMs: combined.initMs,
      validateMs: combined.validateMs,
    };
  });
}

/** One block of text per failed stack, for an assertion message. */
export function formatValidation(result: StackValidation): string {
  const line = (d: Diagnostic) =>
    `  ${d.severity}: ${d.summary}${d.at ? ` (${d.at})` : ""}${d.detail ? `\n    ${d.detail.replace(/\n/g, "\n    ")}` : ""}`;
  return [`${result.stack} (${result.dir}):`, ...result.errors.map(line), ...result.warnings.map(line)].join("\n");
}
