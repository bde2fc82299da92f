import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { stripAnsi } from "./render";
import { scrubSensitive } from "./scrub";
import { asPlanSummary, asUpstreams, compare, hasResourceChanges, summarizePlan } from "./summarize";
import type { PlanSummary, StackResult, UpstreamOutputs } from "./types";

/** The raw files of one stack in the plans directory. */
export interface StackInput {
  name: string;
  /** `<stack>.json`: `terraform show -json plan.out`, unparsed. */
  json?: string;
  /** `<stack>.txt`: `terraform show -no-color plan.out`. */
  text?: string;
  /** `<stack>.error.txt`: why init or plan failed. */
  error?: string;
  /** `<stack>.summary.json`: written by `plan-comment prepare` in the plan job, used when there is no `.json`. */
  summary?: string;
  /** `<stack>.upstream.json`: the upstream outputs the stack was planned against (scripts/plan). */
  upstream?: string;
}

export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Reads `<stack>.json`, `<stack>.txt`, `<stack>.error.txt`, `<stack>.summary.json` and `<stack>.upstream.json`
 * files from `dir`. Stacks are the ones with any such file, plus `expected` ones (a stack whose job wrote nothing
 * then shows as failed instead of silently missing). Sorted by name.
 */
export function readPlanDir(dir: string, expected: readonly string[] = []): StackInput[] {
  const stacks = new Map<string, StackInput>();
  const entry = (name: string): StackInput => {
    let s = stacks.get(name);
    if (!s) {
      s = { name };
      stacks.set(name, s);
    }
    return s;
  };
  for (const name of expected) if (STACK_NAME.test(name)) entry(name);
  for (const file of readdirSync(dir).sort(compare)) {
    const m = /^(.+?)(\.error\.txt|\.summary\.json|\.upstream\.json|\.json|\.txt)$/.exec(file);
    if (!m || !STACK_NAME.test(m[1] ?? "")) continue;
    const s = entry(m[1] ?? "");
    const content = readFileSync(join(dir, file), "utf8");
    if (m[2] === ".error.txt") s.error = content;
    else if (m[2] === ".summary.json") s.summary = content;
    else if (m[2] === ".upstream.json") s.upstream = content;
    else if (m[2] === ".json") s.json = content;
    else s.text = content;
  }
  return [...stacks.values()].sort((a, b) => compare(a.name, b.name));
}

/**
 * One stack's files -> what the comment shows: counts from the JSON plan, the human plan and any
 * error text scrubbed of sensitive values. Never throws: a bad or missing input is a failed stack.
 */
export function analyzeStack(input: StackInput): StackResult {
  let json: unknown;
  let summary: PlanSummary | undefined;
  let problem: string | undefined;
  if (input.json !== undefined) {
    try {
      json = JSON.parse(input.json) as unknown;
      summary = summarizePlan(json);
    } catch (err) {
      problem = `${input.name}.json is not a Terraform JSON plan: ${(err as Error).message}`;
    }
  } else if (input.summary !== undefined) {
    try {
      summary = asPlanSummary(JSON.parse(input.summary));
    } catch (err) {
      problem = `${input.name}.summary.json is not a plan summary: ${(err as Error).message}`;
    }
  } else if (input.error === undefined) {
    problem =
      input.text === undefined
        ? `no plan output for ${input.name} (the plan job wrote no files)`
        : `${input.name}.json is missing: cannot count or check the plan`;
  }
  let upstreams: UpstreamOutputs[] | undefined;
  if (input.upstream !== undefined) {
    try {
      upstreams = asUpstreams(JSON.parse(input.upstream));
    } catch (err) {
      problem = [problem, `${input.name}.upstream.json is not a list of upstream outputs: ${(err as Error).message}`]
        .filter(Boolean)
        .join("\n\n");
    }
  }
  const withUpstreams = upstreams && upstreams.length > 0 ? { upstreams } : {};
  const scrub = (text: string): string => scrubSensitive(stripAnsi(text), json);
  const planText = input.text !== undefined ? scrub(input.text) : undefined;

  if (input.error !== undefined || problem !== undefined || summary?.errored) {
    const error = [
      input.error,
      problem,
      summary?.errored ? "Terraform marked this plan as errored: it is incomplete." : undefined,
    ]
      .filter((e): e is string => e !== undefined && e.trim() !== "")
      .join("\n\n");
    return {
      name: input.name,
      status: "failed",
      ...(summary ? { summary } : {}),
      ...(summary && planText !== undefined ? { planText } : {}),
      error: scrub(error || "the plan failed"),
      ...withUpstreams,
    };
  }
  if (!summary) throw new Error("unreachable: a stack without a summary is failed");
  const changed = hasResourceChanges(summary) || summary.outputChanges > 0;
  return {
    name: input.name,
    status: changed ? "changes" : "no changes",
    summary,
    ...(planText !== undefined ? { planText } : {}),
    ...withUpstreams,
  };
}
