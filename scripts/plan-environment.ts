/**
 * `tsx scripts/plan-environment.ts --out cdktf.out --environment dev --plans plans`: plans every
 * stack of one environment in dependency order, each against its upstreams' planned outputs
 * (see scripts/plan/cli.ts for every option, scripts/plan/upstream-outputs.ts for the design).
 */
import { runCli } from "./plan/cli";

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
