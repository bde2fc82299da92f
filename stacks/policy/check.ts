/**
 * `tsx stacks/policy/check.ts [outdir]`: checks every stack of a `cdktf synth` output (default
 * `cdktf.out`) against the policy rules; prints each violation and exits 1 if there is any.
 * `npm run synth` runs it after synthesis.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkSynthOutput, formatViolations, RULES } from "./index";

const outdir = process.argv[2] ?? "cdktf.out";
if (!existsSync(join(outdir, "manifest.json"))) {
  console.error(`policy: no ${join(outdir, "manifest.json")}; run cdktf synth first`);
  process.exit(2);
}
const violations = checkSynthOutput(outdir);
if (violations.length > 0) {
  console.error(`policy: ${violations.length} violation(s) in ${outdir}:\n${formatViolations(violations)}`);
  process.exit(1);
}
console.log(`policy: ${RULES.length} rules passed for every stack in ${outdir}`);
