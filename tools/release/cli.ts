/**
 * `npx tsx tools/release/cli.ts --environment <env> --targets <file>`: the deploy workflow's
 * release step (docs/releases.md). Reads the api stack's `release_targets` output (`terraform
 * output -json release_targets`), shifts every function's `live` alias that is behind to its newest
 * version through CodeDeploy, waits, and appends what happened to the job summary
 * ($GITHUB_STEP_SUMMARY, or `--summary <file>`). Exit 0 when every function was released or
 * unchanged, 1 when any failed, was rolled back or did not end in time, 2 on bad arguments.
 */
import { appendFile, readFile } from "node:fs/promises";
import { loadEnvironments, type EnvironmentName, ENVIRONMENT_NAMES } from "../../stacks/config";
import {
  EXIT_FAILED,
  EXIT_OK,
  parseFlags,
  processOutput,
  reportUsageError,
  UsageError,
  wantsHelp,
  wholeNumberFlag,
  type CliOutput,
} from "../local/cli-args";
import { releaseTargetsSchema } from "./appspec";
import { cliAws } from "./aws-cli";
import { release, type ReleaseAws } from "./release";
import { releaseFailed, renderSummary } from "./summary";

export const USAGE = `usage: tsx tools/release/cli.ts --environment <${ENVIRONMENT_NAMES.join("|")}> --targets <file>
  [--summary <file>] [--poll-seconds <n>] [--timeout-minutes <n>] [--description <text>]

  --targets          the api stack's release_targets output (terraform output -json release_targets)
  --summary          where the Markdown summary is appended (default: $GITHUB_STEP_SUMMARY; always printed)
  --poll-seconds     between two looks at the deployments (default 15)
  --timeout-minutes  how long to wait for the deployments (default 45)
  --description      names the run in the deployments' descriptions (default: $GITHUB_SHA)`;

export interface ReleaseCliDeps {
  aws: ReleaseAws;
  env: NodeJS.ProcessEnv;
  io: CliOutput;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function main(argv: readonly string[], deps: ReleaseCliDeps): Promise<number> {
  const { io, env } = deps;
  if (wantsHelp(argv)) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  let values;
  let pollSeconds: number;
  let timeoutMinutes: number;
  try {
    ({ values } = parseFlags({
      args: [...argv],
      options: {
        environment: { type: "string" },
        targets: { type: "string" },
        summary: { type: "string" },
        "poll-seconds": { type: "string" },
        "timeout-minutes": { type: "string" },
        description: { type: "string" },
      },
      allowPositionals: false,
    }));
    if (!values.environment || !(ENVIRONMENT_NAMES as readonly string[]).includes(values.environment))
      throw new UsageError(`--environment must be one of ${ENVIRONMENT_NAMES.join(", ")}`);
    if (!values.targets) throw new UsageError("--targets <file> is required");
    pollSeconds = wholeNumberFlag("poll-seconds", values["poll-seconds"]) ?? 15;
    timeoutMinutes = wholeNumberFlag("timeout-minutes", values["timeout-minutes"]) ?? 45;
  } catch (error) {
    if (error instanceof UsageError) return reportUsageError(io, error, USAGE);
    throw error;
  }

  const environment = values.environment as EnvironmentName;
  const config = loadEnvironments()[environment];
  let targets;
  try {
    const parsed = releaseTargetsSchema.safeParse(JSON.parse(await readFile(values.targets, "utf8")));
    if (!parsed.success)
      throw new Error(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    targets = parsed.data;
  } catch (error) {
    io.stderr(`error: ${values.targets} is not the release_targets output: ${(error as Error).message}`);
    return EXIT_FAILED;
  }

  const results = await release(deps.aws, targets, {
    pollSeconds,
    timeoutSeconds: timeoutMinutes * 60,
    description: values.description ?? env.GITHUB_SHA ?? "manual release",
    sleep: deps.sleep,
    now: deps.now,
    log: io.stdout,
  });
  const summary = renderSummary(environment, config.releases.deploymentConfig, results, config.region);
  io.stdout(summary);
  const summaryFile = values.summary ?? env.GITHUB_STEP_SUMMARY;
  if (summaryFile) await appendFile(summaryFile, summary);
  return releaseFailed(results) ? EXIT_FAILED : EXIT_OK;
}

// Run as a script (tsx loads it as an ES module: no `require.main`), not when imported by tests.
if (/release[\\/]cli\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  main(process.argv.slice(2), { aws: cliAws(), env: process.env, io: processOutput }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      processOutput.stderr(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(EXIT_FAILED);
    },
  );
}
