import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** YAML for the workflow tests (the `yaml` package, a dev dependency). */
export const parseYaml = (text: string): unknown => parse(text);

export const ROOT = join(__dirname, "..", "..");
export const WORKFLOWS_DIR = join(ROOT, ".github", "workflows");
export const SCRIPTS_DIR = join(ROOT, ".github", "scripts");

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "continue-on-error"?: boolean;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  "timeout-minutes"?: number;
  permissions?: Record<string, string> | string;
  environment?: string | { name: string; url?: string };
  strategy?: { "fail-fast"?: boolean; matrix?: unknown };
  services?: Record<string, { image: string; env?: Record<string, unknown>; ports?: unknown[]; options?: string }>;
  outputs?: Record<string, string>;
  env?: Record<string, unknown>;
  steps: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

export function workflowText(file: string): string {
  return readFileSync(join(WORKFLOWS_DIR, file), "utf8");
}

export function loadWorkflow(file: string): Workflow {
  const workflow = parseYaml(workflowText(file)) as Workflow;
  if (!workflow || typeof workflow !== "object" || !workflow.jobs) throw new Error(`${file}: not a workflow`);
  return workflow;
}

/** The action of a `uses:` without its ref: `actions/checkout@abc # v5` -> `actions/checkout`. */
export const actionOf = (uses: string | undefined) => uses?.split("@")[0];

export function stepUsing(job: Job, action: string): Step {
  const found = job.steps.filter((step) => actionOf(step.uses) === action);
  if (found.length !== 1) throw new Error(`expected exactly one ${action} step, found ${found.length}`);
  return found[0];
}

export function stepsUsing(job: Job, action: string): Step[] {
  return job.steps.filter((step) => actionOf(step.uses) === action);
}

export function stepRunning(job: Job, pattern: RegExp): Step {
  const found = job.steps.filter((step) => step.run !== undefined && pattern.test(step.run));
  if (found.length !== 1) throw new Error(`expected exactly one step running ${pattern}, found ${found.length}`);
  return found[0];
}

/** Index of the first step matching, -1 if none. */
export const indexOfStep = (job: Job, match: (step: Step) => boolean) => job.steps.findIndex(match);

export const needsOf = (job: Job): string[] =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
