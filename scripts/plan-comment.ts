/**
 * `tsx scripts/plan-comment.ts --env dev --plans <dir> --run-url <url> --out comment.md --summary summary.md`:
 * the PR plan comment for one environment (see scripts/plan-comment/cli.ts for every option).
 */
import { runCli } from "./plan-comment/cli";

process.exitCode = runCli(process.argv.slice(2));
