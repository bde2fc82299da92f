import { readFileSync } from "node:fs";
import { join } from "node:path";
import { USAGE } from "../../tools/release/cli";
import { loadWorkflow, ROOT, stepRunning, type Step } from "./support";

/** The deploy workflow's release step (tools/release, docs/releases.md), in every environment's job. */
const deploy = loadWorkflow("deploy.yml");
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;

describe("deploy.yml: the release of the functions", () => {
  test.each(ENVIRONMENTS)("%s: after the apply, before the dashboard and the smoke test", (name) => {
    const job = deploy.jobs[name];
    const at = (step: Step) => job.steps.indexOf(step);
    const releaseStep = stepRunning(job, /tools\/release\/cli\.ts/);
    expect(releaseStep.id).toBe("release");
    expect(at(stepRunning(job, /cdktf deploy/))).toBeLessThan(at(releaseStep));
    expect(at(releaseStep)).toBeLessThan(at(stepRunning(job, /aws s3 sync/)));
    expect(at(releaseStep)).toBeLessThan(at(stepRunning(job, /smoke-test\.sh/)));
    // A failed or rolled-back release fails the job: no `continue-on-error`, no `|| true`.
    expect(releaseStep["continue-on-error"]).toBeUndefined();
    expect(releaseStep.if).toBeUndefined();
    expect(releaseStep.run).not.toMatch(/\|\|\s*true/);
  });

  test.each(ENVIRONMENTS)("%s: reads this environment's release_targets output and hands it to the tool", (name) => {
    const run = String(stepRunning(deploy.jobs[name], /tools\/release\/cli\.ts/).run);
    expect(run).toContain(
      'terraform -chdir="cdktf.out/stacks/api-${CDKTF_ENVIRONMENTS}" output -json release_targets > "$targets"',
    );
    expect(run).toContain(
      'npx tsx tools/release/cli.ts --environment "$CDKTF_ENVIRONMENTS" --targets "$targets" ' +
        '--description "$GITHUB_SHA"',
    );
    // The summary goes to $GITHUB_STEP_SUMMARY, the tool's default: no --summary elsewhere.
    expect(run).not.toContain("--summary");
    expect(deploy.jobs[name].env?.CDKTF_ENVIRONMENTS).toBe(name);
  });

  test("passes only flags the tool knows", () => {
    const run = String(stepRunning(deploy.jobs.dev, /tools\/release\/cli\.ts/).run);
    const command = run.slice(run.indexOf("tools/release/cli.ts"));
    const flags = [...command.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
    expect(flags).toEqual(["--environment", "--targets", "--description"]);
    for (const flag of flags) expect(USAGE).toContain(flag);
  });

  test("the output the step reads is the one the api stack writes", () => {
    const source = readFileSync(join(ROOT, "stacks/constructs/release/function-releases.ts"), "utf8");
    expect(source).toContain('new TerraformOutput(this, "release_targets"');
  });
});
