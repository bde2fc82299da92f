import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { analyzeStack, readPlanDir, type StackInput } from "./analyze";
import { render } from "./render";
import { isDestructive } from "./summarize";
import type { StackResult } from "./types";

export const USAGE = `Usage: tsx scripts/plan-comment.ts --env <env> --plans <dir> [options]
       tsx scripts/plan-comment.ts prepare --plans <dir> --out-dir <dir> [--stacks <a,b,...>]

Reads <stack>.json (terraform show -json plan.out), <stack>.txt (terraform show -no-color
plan.out), <stack>.error.txt (a failed init/plan) and <stack>.upstream.json (the upstream outputs
it was planned against, from scripts/plan-environment.ts) from <dir>; writes one markdown PR
comment for the environment, fitted under GitHub's comment limit, sensitive values scrubbed.

  --env <env>             environment name (dev, staging, prod); the comment's marker
  --plans <dir>           directory of plan files
  --out <file>            the PR comment (default: standard output)
  --summary <file>        full plans for $GITHUB_STEP_SUMMARY (fitted under its 1 MiB cap)
  --artifact-dir <dir>    scrubbed full plan texts (<stack>.txt, <stack>.error.txt) to upload;
                          upload these, never the .json or the binary plan (they hold secrets)
  --run-url <url>         the workflow run, linked from the comment
  --sha <sha>             the commit the plans were made for
  --stacks <a,b,...>      stacks expected: one with no files is reported as failed
  --github-output <file>  append changes=, destructive=, failed= (true/false) for later steps
  --limit <n>             comment budget in bytes (default 65000)

prepare: in the plan job, turn <stack>.json/.txt/.error.txt into what may leave the job:
<stack>.summary.json (counts and addresses, no attribute values), <stack>.upstream.json and the
scrubbed <stack>.txt / <stack>.error.txt. The comment job reads those in place of the raw JSON plan,
which holds sensitive values in clear and must not be uploaded from a PR.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the CLI; returns the exit code (0 ok, even when stacks failed: the comment reports them; 2 usage). */
export function runCli(argv: readonly string[], io: CliIo = defaultIo): number {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        env: { type: "string" },
        plans: { type: "string" },
        out: { type: "string" },
        summary: { type: "string" },
        "artifact-dir": { type: "string" },
        "out-dir": { type: "string" },
        "run-url": { type: "string" },
        sha: { type: "string" },
        stacks: { type: "string" },
        "github-output": { type: "string" },
        limit: { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    io.stderr(`plan-comment: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const expected = (values.stacks ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (positionals.length > 0 && !(positionals.length === 1 && positionals[0] === "prepare")) {
    io.stderr(`plan-comment: unexpected argument ${JSON.stringify(positionals.join(" "))}\n\n${USAGE}`);
    return 2;
  }
  if (positionals[0] === "prepare") {
    if (!values.plans || !values["out-dir"]) {
      io.stderr(`plan-comment: prepare needs --plans and --out-dir\n\n${USAGE}`);
      return 2;
    }
    try {
      const inputs = readPlanDir(values.plans, expected);
      const stacks = inputs.map(analyzeStack);
      writeScrubbed(values["out-dir"], stacks, inputs);
      io.stderr(
        `plan-comment: prepared ${stacks.map((s) => `${s.name} (${s.status})`).join(", ") || "no stacks"}` +
          ` in ${values["out-dir"]}\n`,
      );
      return 0;
    } catch (err) {
      io.stderr(`plan-comment: ${(err as Error).message}\n`);
      return 1;
    }
  }
  if (!values.env || !/^[A-Za-z0-9_.-]+$/.test(values.env) || !values.plans) {
    io.stderr(`plan-comment: --env (letters, digits, _ . -) and --plans are required\n\n${USAGE}`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1_000 && limit <= 65_536)) {
    io.stderr("plan-comment: --limit must be an integer from 1000 to 65536\n");
    return 2;
  }
  const runUrl = values["run-url"] || undefined;
  const sha = values.sha || undefined;

  let stacks: StackResult[];
  try {
    stacks = readPlanDir(values.plans, expected).map(analyzeStack);
  } catch (err) {
    io.stderr(`plan-comment: cannot read ${values.plans}: ${(err as Error).message}\n`);
    return 1;
  }
  if (stacks.length === 0) io.stderr(`plan-comment: warning: no plan files in ${values.plans}\n`);

  const base = { env: values.env, ...(runUrl ? { runUrl } : {}), ...(sha ? { sha } : {}) };
  const comment = render(stacks, { ...base, target: "comment", ...(limit ? { limit } : {}) });
  if (values.out) writeFileSync(values.out, comment.body);
  else io.stdout(comment.body);

  if (values.summary) writeFileSync(values.summary, render(stacks, { ...base, target: "summary" }).body);
  if (values["artifact-dir"]) writeScrubbed(values["artifact-dir"], stacks);
  const destructive = stacks.some((s) => s.summary?.resources.some(isDestructive) ?? false);
  const changes = stacks.some((s) => s.status === "changes");
  const failed = stacks.filter((s) => s.status === "failed").map((s) => s.name);
  if (values["github-output"]) {
    appendFileSync(
      values["github-output"],
      `changes=${changes}\ndestructive=${destructive}\nfailed=${failed.length > 0}\n`,
    );
  }
  const cut = comment.fits.filter((f) => f.mode !== "full").map((f) => `${f.stack} (${f.mode})`);
  io.stderr(
    `plan-comment: ${values.env}: ${stacks.length} stack(s), changes=${changes}, destructive=${destructive}` +
      `${failed.length > 0 ? `, failed: ${failed.join(", ")}` : ""}` +
      `${cut.length > 0 ? `, cut: ${cut.join(", ")}` : ""}\n`,
  );
  return 0;
}

/**
 * Writes each stack's scrubbed plan text and error; with `inputs` (prepare), also its
 * `<stack>.summary.json`, and an error file only where the input had one or no plan could be read
 * (an errored plan's message is re-derived from the summary).
 */
function writeScrubbed(dir: string, stacks: readonly StackResult[], inputs?: readonly StackInput[]): void {
  mkdirSync(dir, { recursive: true });
  for (const [i, s] of stacks.entries()) {
    if (s.planText !== undefined) writeFileSync(join(dir, `${s.name}.txt`), s.planText);
    const input = inputs?.[i];
    if (s.error !== undefined && (!inputs || input?.error !== undefined || !s.summary))
      writeFileSync(join(dir, `${s.name}.error.txt`), s.error);
    if (inputs && s.summary)
      writeFileSync(join(dir, `${s.name}.summary.json`), `${JSON.stringify(s.summary, null, 2)}\n`);
    if (inputs && s.upstreams)
      writeFileSync(join(dir, `${s.name}.upstream.json`), `${JSON.stringify({ upstreams: s.upstreams }, null, 2)}\n`);
  }
}
