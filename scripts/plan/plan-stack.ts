/**
 * Plans one synthesized stack in a working copy of its folder and leaves, for the plan comment:
 *
 *   <plans>/<stack>.json           `terraform show -json plan.out` reduced to names and actions (no values)
 *   <plans>/<stack>.txt            the plan as Terraform renders it (`terraform show -no-color plan.out`;
 *                                  sensitive values masked)
 *   <plans>/<stack>.error.txt      instead of both, when init, plan or show fails
 *   <plans>/<stack>.upstream.json  the upstream outputs it read and which of them are pending (names only)
 *
 * The binary plan.out stays in the working copy and is deleted before this returns: a saved plan
 * holds every value, secrets included, in clear text, so it never reaches the plans folder.
 * The parsed JSON plan is returned in memory only (its planned outputs feed the downstreams).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { run, type RunResult } from "../../stacks/terraform/validate";
import { reducePlan } from "./reduce-plan";
import type { UpstreamOutputs } from "./upstream-outputs";

export interface StackPlanInput {
  stack: string;
  /** The synthesized stack folder (`cdktf.out/stacks/<stack>`); never modified. */
  sourceDir: string;
  /** Where the working copy goes (`<workDir>/<stack>`, replaced if it exists). */
  workDir: string;
  plansDir: string;
  terraform: string;
  env: NodeJS.ProcessEnv;
  /** Extra files for the working copy, e.g. `{ "upstream_outputs_override.tf.json": "..." }`. */
  files?: Record<string, string>;
  /** Upstream outputs this stack is planned against, written to `<stack>.upstream.json`. */
  upstreams?: UpstreamOutputs[];
  /**
   * Runs `terraform init` (given as a function): lets the environment's planner run the first init of a plugin
   * cache alone.
   */
  runInit?: (init: () => Promise<RunResult>) => Promise<RunResult>;
}

export interface StackPlanTimes {
  init: number;
  plan: number;
  show: number;
}

export type StackPlanOutcome =
  | { stack: string; ok: true; plan: unknown; dir: string; ms: StackPlanTimes }
  | { stack: string; ok: false; error: string; dir: string; ms: StackPlanTimes };

/** The end of a failing command's output (where Terraform puts its errors), kept under 60,000 characters. */
export function errorText(stack: string, step: string, result: Pick<RunResult, "stdout" | "stderr">): string {
  const output = `${result.stdout}${result.stdout && result.stderr ? "\n" : ""}${result.stderr}`.trim();
  return `terraform ${step} failed for ${stack}\n\n${output.length > 60_000 ? output.slice(-60_000) : output}\n`;
}

/** Terraform's progress lines before a plan: reading data sources, refreshing resources. */
const PROGRESS =
  /^\S.*: (Reading\.\.\.|Read complete after .*|Refreshing state\.\.\..*|Still reading\.\.\. .*|Still refreshing\.\.\. .*)$/;

/**
 * The plan as `terraform show -no-color plan.out` renders it, from `terraform plan -no-color`'s own
 * output (the same renderer; one provider start fewer per stack): without the progress lines
 * before it and the "Saved the plan to" trailer after it. Warnings stay.
 */
export function planText(planStdout: string): string {
  const lines = planStdout.replace(/\r\n/g, "\n").split("\n");
  let start = 0;
  while (start < lines.length && (lines[start]?.trim() === "" || PROGRESS.test(lines[start] ?? ""))) start += 1;
  let end = lines.length;
  const saved = lines.findIndex((line, i) => i >= start && line.startsWith("Saved the plan to: "));
  if (saved !== -1) {
    end = saved;
    while (end > start && (lines[end - 1]?.trim() === "" || /^─+$/.test(lines[end - 1] ?? ""))) end -= 1;
  }
  return `${lines.slice(start, end).join("\n").trimEnd()}\n`;
}

export const planFiles = (plansDir: string, stack: string) => ({
  json: join(plansDir, `${stack}.json`),
  text: join(plansDir, `${stack}.txt`),
  error: join(plansDir, `${stack}.error.txt`),
  upstream: join(plansDir, `${stack}.upstream.json`),
});

/** Writes `<stack>.error.txt` (and `<stack>.upstream.json` when given), removing any plan files of the stack. */
export function writeFailure(plansDir: string, stack: string, error: string, upstreams: UpstreamOutputs[] = []): void {
  const files = planFiles(plansDir, stack);
  mkdirSync(plansDir, { recursive: true });
  for (const file of Object.values(files)) rmSync(file, { force: true });
  writeFileSync(files.error, error.endsWith("\n") ? error : `${error}\n`);
  if (upstreams.length > 0) writeFileSync(files.upstream, `${JSON.stringify({ upstreams }, null, 2)}\n`);
}

/** Everything of the stack folder but Terraform's own leftovers (a local run's .terraform, state, plan). */
const copyable = (path: string) => {
  const name = basename(path);
  return (
    name !== ".terraform" && name !== "plan.out" && !name.endsWith(".tfstate") && !name.endsWith(".tfstate.backup")
  );
};

export async function planStack(input: StackPlanInput): Promise<StackPlanOutcome> {
  const { stack, terraform, env, plansDir } = input;
  const dir = join(input.workDir, stack);
  const ms: StackPlanTimes = { init: 0, plan: 0, show: 0 };
  const files = planFiles(plansDir, stack);
  mkdirSync(plansDir, { recursive: true });
  for (const file of Object.values(files)) rmSync(file, { force: true });
  const fail = (error: string): StackPlanOutcome => {
    writeFailure(plansDir, stack, error, input.upstreams);
    return { stack, ok: false, error, dir, ms };
  };

  rmSync(dir, { recursive: true, force: true });
  cpSync(input.sourceDir, dir, { recursive: true, filter: copyable });
  for (const [name, content] of Object.entries(input.files ?? {})) writeFileSync(join(dir, name), content);

  try {
    const initCommand = () => run(terraform, ["init", "-input=false", "-no-color"], dir, env);
    const init = await (input.runInit ? input.runInit(initCommand) : initCommand());
    ms.init = init.ms;
    if (init.code !== 0) return fail(errorText(stack, "init", init));

    const plan = await run(
      terraform,
      ["plan", "-input=false", "-no-color", "-lock-timeout=5m", "-out=plan.out"],
      dir,
      env,
    );
    ms.plan = plan.ms;
    if (plan.code !== 0) return fail(errorText(stack, "plan", plan));

    const json = await run(terraform, ["show", "-json", "plan.out"], dir, env);
    ms.show = json.ms;
    if (json.code !== 0) return fail(errorText(stack, "show -json", json));
    let parsed: unknown;
    let reduced: ReturnType<typeof reducePlan>;
    try {
      parsed = JSON.parse(json.stdout);
      reduced = reducePlan(parsed);
    } catch (error) {
      return fail(`terraform show -json failed for ${stack}\n\n${(error as Error).message}\n`);
    }
    writeFileSync(files.json, `${JSON.stringify(reduced, null, 2)}\n`);
    writeFileSync(files.text, planText(plan.stdout));
    if (input.upstreams && input.upstreams.length > 0)
      writeFileSync(files.upstream, `${JSON.stringify({ upstreams: input.upstreams }, null, 2)}\n`);
    return { stack, ok: true, plan: parsed, dir, ms };
  } finally {
    rmSync(join(dir, "plan.out"), { force: true });
  }
}
