import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES, runRules } from "./rules";
import type { Rule, TerraformJson, Violation } from "./types";

export { RULES } from "./rules";
export type { Rule, RuleId, TerraformJson, Violation } from "./types";

/**
 * The platform's policy rules over one synthesized stack: the `cdk.tf.json` text or object, or
 * the string `Testing.synth(stack)` returns.
 */
export function checkStack(json: string | TerraformJson, stack = "stack", rules: readonly Rule[] = RULES): Violation[] {
  const tf = typeof json === "string" ? (JSON.parse(json) as TerraformJson) : json;
  return runRules(tf, rules).map((finding) => ({ stack, ...finding }));
}

interface Manifest {
  stacks: Record<string, { name: string; synthesizedStackPath: string }>;
}

/** Every stack of a `cdktf synth` output directory (as listed in its manifest.json). */
export function checkSynthOutput(outdir: string, rules: readonly Rule[] = RULES): Violation[] {
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
  return Object.values(manifest.stacks).flatMap((stack) =>
    checkStack(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8"), stack.name, rules),
  );
}

/**
 * One line per violation:
 * `network-prod  aws_security_group.x  [security-group-open-to-world]  ingress tcp 443 open to 0.0.0.0/0`.
 */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.stack}  ${v.address}  [${v.rule}]  ${v.message}`).join("\n");
}
