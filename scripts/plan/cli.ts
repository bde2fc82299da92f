import { parseArgs } from "node:util";
import { environmentStacks, readManifest } from "../../.github/scripts/cdktf-stacks";
import { checkTooling } from "../../stacks/terraform/validate";
import { planEnvironment, type StackPlanResult } from "./plan-environment";
import { writeFailure } from "./plan-stack";

export const USAGE =
  "Usage: tsx scripts/plan-environment.ts --out <cdktf.out> --environment <env> --plans <dir> [options]" +
  `

Plans every stack of the environment (bootstrap included) in dependency order, each downstream
against its upstreams' planned outputs, and writes per stack to <dir>: <stack>.json (names and
actions, no values), <stack>.txt (the plan as Terraform shows it), <stack>.error.txt (instead of
both, on failure) and <stack>.upstream.json (the upstream outputs it read, which are pending).
Exit status 1 when any stack failed (after writing every file), 2 on bad usage.

  --stacks <a,b,...>   only these stacks
  --concurrency <n>    stacks planned at once (default 2)
  --work-dir <dir>     working copies (default: a temp folder, removed afterwards)
  --keep-work-dir      keep the working copies (they hold no plan file, but planned-outputs state)
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** A line GitHub Actions turns into an annotation (only there). */
const annotate = (env: NodeJS.ProcessEnv, title: string, message: string) =>
  env.GITHUB_ACTIONS === "true" ? `::error title=${title}::${message}\n` : "";

export async function runCli(
  argv: readonly string[],
  io: CliIo = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        environment: { type: "string" },
        plans: { type: "string" },
        stacks: { type: "string" },
        concurrency: { type: "string" },
        "work-dir": { type: "string" },
        "keep-work-dir": { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    io.stderr(`plan-environment: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (!values.out || !values.environment || !values.plans || !Number.isInteger(concurrency) || concurrency < 1) {
    io.stderr(
      "plan-environment: --out, --environment and --plans are required; --concurrency is a positive integer" +
        `\n\n${USAGE}`,
    );
    return 2;
  }
  const { out, environment, plans } = values;
  let stacks: string[];
  try {
    stacks = values.stacks
      ? values.stacks
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : environmentStacks(readManifest(out), environment);
  } catch (error) {
    io.stderr(`plan-environment: ${(error as Error).message}\n${annotate(env, "Plan", (error as Error).message)}`);
    return 1;
  }

  const tooling = checkTooling(env);
  if (!tooling.ok) {
    for (const stack of stacks) writeFailure(plans, stack, `${stack} was not planned: ${tooling.reason}\n`);
    io.stderr(`plan-environment: ${tooling.reason}\n${annotate(env, "Plan", tooling.reason)}`);
    return 1;
  }

  let results: StackPlanResult[];
  try {
    results = await planEnvironment({
      outDir: out,
      environment,
      plansDir: plans,
      tooling: tooling.tooling,
      stacks,
      concurrency,
      env,
      ...(values["work-dir"] ? { workDir: values["work-dir"] } : {}),
      keepWorkDir: values["keep-work-dir"] === true,
      log: (line) => io.stdout(`${line}\n`),
    });
  } catch (error) {
    io.stderr(`plan-environment: ${(error as Error).message}\n${annotate(env, "Plan", (error as Error).message)}`);
    return 1;
  }
  const failed = results.filter((r) => !r.ok);
  for (const result of failed) {
    io.stderr(`\n${result.error ?? `${result.stack} failed`}\n`);
    io.stdout(
      annotate(
        env,
        `Plan failed (${result.stack})`,
        `see ${result.stack}.error.txt in the plan comment or the plan-${environment} artifact`,
      ),
    );
  }
  io.stdout(
    `plans of ${environment} written to ${plans}: ${results.length - failed.length} planned, ${failed.length} failed\n`,
  );
  return failed.length > 0 ? 1 : 0;
}
