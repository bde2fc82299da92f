/**
 * Plans every stack of one environment of a `cdktf synth` output, in dependency order (a stack
 * starts when the stacks it reads are planned; independent ones run side by side), each against
 * its upstreams' planned outputs (upstream-outputs.ts). The pull request workflow runs this with
 * the environment's plan role and state; the test suite runs it offline.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { dependencyOrder, environmentStacks, readManifest, type Manifest } from "../../.github/scripts/cdktf-stacks";
import {
  cliConfig,
  defaultPluginCacheDir,
  terraformEnv,
  type RunResult,
  type TerraformTooling,
} from "../../stacks/terraform/validate";
import { planStack, writeFailure, type StackPlanTimes } from "./plan-stack";
import {
  backendOf,
  outputsState,
  pendingOutputs,
  plannedOutputs,
  remoteStateOverride,
  remoteStateReads,
  type Backend,
  type PlannedOutputs,
  type UpstreamOutputs,
} from "./upstream-outputs";

/** The override file each downstream gets in its working copy (Terraform merges `*_override.tf.json` last). */
export const UPSTREAM_OVERRIDE_FILE = "upstream_outputs_override.tf.json";

export interface PlanEnvironmentOptions {
  /** The synth output (`cdktf.out`). */
  outDir: string;
  environment: string;
  /** Where `<stack>.json`, `.txt`, `.error.txt` and `.upstream.json` go. */
  plansDir: string;
  tooling: TerraformTooling;
  /** Only these stacks (default: every stack of the environment, bootstrap included). */
  stacks?: readonly string[];
  /** Working copies, plan files and planned-outputs state files (default: a temp folder, removed at the end). */
  workDir?: string;
  /** Keep `workDir` (default false: it is removed, whoever made it). */
  keepWorkDir?: boolean;
  pluginCacheDir?: string;
  /** Environment for terraform (default process.env): credentials, `AWS_*`. */
  env?: NodeJS.ProcessEnv;
  /** Stacks planned at once (default 2: each plan loads the whole provider). */
  concurrency?: number;
  /**
   * Plan downstreams against their upstreams' planned outputs (default true; false reads the upstreams' real state).
   */
  plannedUpstreams?: boolean;
  /** Planned outputs of upstreams not planned in this run (e.g. from an earlier run's results). */
  upstreamOutputs?: Record<string, PlannedOutputs>;
  log?: (line: string) => void;
}

export interface StackPlanResult {
  stack: string;
  ok: boolean;
  /** Why it failed (the `<stack>.error.txt` content). */
  error?: string;
  /** The upstreams it was planned against, and their pending outputs it reads. */
  upstreams: UpstreamOutputs[];
  /** Its own outputs after apply (placeholders for unknown values): what its downstreams read. */
  outputs?: PlannedOutputs;
  ms: StackPlanTimes & { total: number };
}

/**
 * The first init of a plugin cache runs alone (Terraform's cache is not safe for concurrent installs);
 * keyed by cache folder.
 */
const warmCaches = new Map<string, Promise<unknown>>();

async function initWithCache(pluginCacheDir: string, init: () => Promise<RunResult>): Promise<RunResult> {
  const warming = warmCaches.get(pluginCacheDir);
  if (warming) {
    await warming.catch(() => undefined);
    return init();
  }
  const first = init();
  warmCaches.set(pluginCacheDir, first);
  return first;
}

/**
 * Plans the stacks; writes their files to `plansDir`; never throws for a failing stack (it is a result with ok false).
 */
export async function planEnvironment(options: PlanEnvironmentOptions): Promise<StackPlanResult[]> {
  const { outDir, environment, tooling, log = () => undefined } = options;
  const plansDir = resolve(options.plansDir);
  const manifest = readManifest(outDir);
  const wanted = options.stacks ?? environmentStacks(manifest, environment);
  for (const stack of wanted)
    if (!manifest.stacks[stack]) throw new Error(`stack ${stack} is not in ${outDir}/manifest.json`);
  const stackJson = (stack: string): unknown =>
    JSON.parse(readFileSync(join(outDir, manifest.stacks[stack].workingDirectory, "cdk.tf.json"), "utf8"));
  const backends: Record<string, Backend | undefined> = Object.fromEntries(
    Object.keys(manifest.stacks).map((s) => [s, backendOf(stackJson(s))]),
  );
  const readsOf = new Map(wanted.map((stack) => [stack, remoteStateReads(stackJson(stack), backends)]));

  // A stack waits for the stacks of this run it depends on or reads; the others are resolved
  // from upstreamOutputs or, failing that, read from their real state.
  const inRun = new Set(wanted);
  const restricted: Manifest = {
    stacks: Object.fromEntries(
      wanted.map((s) => {
        const read = (readsOf.get(s) ?? [])
          .map((r) => r.upstream)
          .filter((u): u is string => u !== undefined && u !== s);
        return [
          s,
          {
            ...manifest.stacks[s],
            dependencies: [...new Set([...(manifest.stacks[s].dependencies ?? []), ...read])].filter((d) =>
              inRun.has(d),
            ),
          },
        ];
      }),
    ),
  };
  const order = dependencyOrder(restricted, wanted);

  const workDir = resolve(options.workDir ?? mkdtempSync(join(tmpdir(), `plan-${environment}-`)));
  mkdirSync(join(workDir, "upstream-outputs"), { recursive: true });
  const pluginCacheDir = defaultPluginCacheDir(options.pluginCacheDir);
  mkdirSync(pluginCacheDir, { recursive: true });
  const cliConfigFile = join(workDir, "terraform.tfrc");
  writeFileSync(cliConfigFile, cliConfig(tooling.providers, pluginCacheDir));
  const env = terraformEnv(cliConfigFile, options.env ?? process.env);
  // Terraform and the AWS provider are Go programs that spend much of a plan collecting garbage:
  // GOGC=400 takes a third less CPU per plan and `show` for ~130 MB more memory a process
  // (measured on network-dev: 5.6 -> 3.8 s of CPU, 470 -> 600 MB). An explicit GOGC wins.
  env.GOGC ||= "400";

  const outputs = new Map<string, PlannedOutputs>(Object.entries(options.upstreamOutputs ?? {}));
  const results = new Map<string, StackPlanResult>();
  const stateFiles = new Map<string, string>();
  const stateFileOf = (upstream: string, planned: PlannedOutputs): string => {
    let path = stateFiles.get(upstream);
    if (!path) {
      path = join(workDir, "upstream-outputs", `${upstream}.tfstate`);
      writeFileSync(path, outputsState(planned, tooling.version === "unknown" ? undefined : tooling.version));
      stateFiles.set(upstream, path);
    }
    return path;
  };

  const planOne = async (stack: string): Promise<StackPlanResult> => {
    const started = Date.now();
    const reads = readsOf.get(stack) ?? [];
    const failedUpstreams = reads
      .map((r) => r.upstream)
      .filter((u): u is string => u !== undefined && results.get(u)?.ok === false);
    const upstreams: UpstreamOutputs[] = [];
    const overrides: Record<string, string> = {};
    if (options.plannedUpstreams !== false) {
      for (const read of reads) {
        const planned = read.upstream ? outputs.get(read.upstream) : undefined;
        if (!read.upstream || !planned) continue;
        overrides[read.dataSource] = stateFileOf(read.upstream, planned);
        upstreams.push(pendingOutputs(read, planned));
      }
    }
    const zero = { init: 0, plan: 0, show: 0 };
    if (failedUpstreams.length > 0) {
      const error =
        `${stack} was not planned: it reads the outputs of ${[...new Set(failedUpstreams)].join(", ")}, ` +
        "whose plan failed (see there).\n";
      writeFailure(plansDir, stack, error);
      return { stack, ok: false, error, upstreams: [], ms: { ...zero, total: Date.now() - started } };
    }
    const sourceDir = join(outDir, manifest.stacks[stack].workingDirectory);
    if (!existsSync(sourceDir)) throw new Error(`${sourceDir} (stack ${stack}) does not exist`);
    const outcome = await planStack({
      stack,
      sourceDir,
      workDir,
      plansDir,
      terraform: tooling.terraform,
      env,
      upstreams,
      files: Object.keys(overrides).length > 0 ? { [UPSTREAM_OVERRIDE_FILE]: remoteStateOverride(overrides) } : {},
      runInit: (init) => initWithCache(pluginCacheDir, init),
    });
    const total = Date.now() - started;
    if (!outcome.ok) return { stack, ok: false, error: outcome.error, upstreams, ms: { ...outcome.ms, total } };
    let own: PlannedOutputs;
    try {
      own = plannedOutputs(outcome.plan);
    } catch (error) {
      const message = `could not read the planned outputs of ${stack}: ${(error as Error).message}\n`;
      writeFailure(plansDir, stack, message, upstreams);
      return { stack, ok: false, error: message, upstreams, ms: { ...outcome.ms, total } };
    }
    const errored = (outcome.plan as { errored?: boolean }).errored === true;
    return {
      stack,
      ok: !errored,
      ...(errored ? { error: "Terraform marked this plan as errored: it is incomplete." } : {}),
      upstreams,
      outputs: own,
      ms: { ...outcome.ms, total },
    };
  };

  const concurrency = Math.max(1, options.concurrency ?? 2);
  const running = new Map<string, Promise<void>>();
  const waitingOn = (stack: string) => (restricted.stacks[stack].dependencies ?? []).filter((d) => !results.has(d));
  try {
    while (results.size < order.length) {
      for (const stack of order) {
        if (running.size >= concurrency) break;
        if (results.has(stack) || running.has(stack) || waitingOn(stack).length > 0) continue;
        running.set(
          stack,
          planOne(stack)
            .catch((error: unknown): StackPlanResult => {
              const message = `${stack} was not planned: ${(error as Error).message}\n`;
              writeFailure(plansDir, stack, message);
              return { stack, ok: false, error: message, upstreams: [], ms: { init: 0, plan: 0, show: 0, total: 0 } };
            })
            .then((result) => {
              results.set(stack, result);
              if (result.outputs) outputs.set(stack, result.outputs);
              running.delete(stack);
              const pending = result.upstreams.filter((u) => u.pending.length > 0).map((u) => u.stack);
              log(
                `${stack}: ${result.ok ? "planned" : "FAILED"}` +
                  `${pending.length > 0 ? ` (against the pending outputs of ${pending.join(", ")})` : ""}` +
                  ` in ${(result.ms.total / 1000).toFixed(1)} s` +
                  ` (init ${result.ms.init} ms, plan ${result.ms.plan} ms, show ${result.ms.show} ms)`,
              );
            }),
        );
      }
      if (running.size === 0) throw new Error(`no stack can start: ${order.filter((s) => !results.has(s)).join(", ")}`);
      await Promise.race(running.values());
    }
  } finally {
    await Promise.allSettled(running.values());
    if (!options.keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
  return order.map((stack) => results.get(stack) as StackPlanResult);
}
