import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CI_DEPLOY_MAX_SESSION_SECONDS } from "../../stacks/constructs/bootstrap/github-role";
import {
  ROOT,
  WORKFLOWS_DIR,
  actionOf,
  indexOfStep,
  loadWorkflow,
  needsOf,
  stepRunning,
  stepUsing,
  stepsUsing,
  workflowText,
  type Job,
  type Step,
  type Workflow,
} from "./support";

const run = promisify(execFile);
const FILES = ["ci.yml", "plan.yml", "deploy.yml"];
const ACTIONLINT = join(ROOT, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");

/**
 * The pins verified for this repository (full commit SHA of the release in the comment).
 * Every `uses:` of a workflow must be one of these, written exactly so.
 */
const PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8", version: "v5.0.0" },
  "actions/setup-node": { sha: "2028fbc5c25fe9cf00d9f06a71cc4710d4507903", version: "v6.0.0" },
  "hashicorp/setup-terraform": { sha: "dfe3c3f87815947d99a8997f908cb6525fc44e9e", version: "v4.0.1" },
  "actions/upload-artifact": { sha: "b7c566a772e6b6bfb58ed0dc250532a479d7789f", version: "v6.0.0" },
  "actions/download-artifact": { sha: "37930b1c2abaa49bbe596cd826c3c89aef350131", version: "v7.0.0" },
  "actions/github-script": { sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd", version: "v8.0.0" },
  "aws-actions/configure-aws-credentials": { sha: "e1253824e5c10ff9df46874f81ed3ec929e19cfd", version: "v6.3.0" },
};

const workflows: Record<string, Workflow> = Object.fromEntries(FILES.map((file) => [file, loadWorkflow(file)]));
const allJobs = (): Array<[string, string, Job]> =>
  FILES.flatMap((file) =>
    Object.entries(workflows[file].jobs).map(([id, job]) => [file, id, job] as [string, string, Job]),
  );
const allSteps = (): Array<[string, string, Step]> =>
  allJobs().flatMap(([file, id, job]) => job.steps.map((step) => [file, id, step] as [string, string, Step]));

describe("workflow files", () => {
  test("exactly ci, plan and deploy are in .github/workflows", () => {
    expect(readdirSync(WORKFLOWS_DIR).sort()).toEqual([...FILES].sort());
  });

  // One actionlint process (its WASM build takes seconds to start) over exactly the three files.
  test("actionlint passes on all three", async () => {
    const pattern = join(WORKFLOWS_DIR, "{ci,plan,deploy}.yml");
    const { stdout } = await run(process.execPath, [ACTIONLINT, pattern], { cwd: ROOT, timeout: 60_000 });
    expect(stdout).toContain("Checking 3 workflow file(s)");
    expect(stdout).toContain("All workflow files passed lint checks");
  }, 60_000);

  test.each(FILES)("%s: every uses: is pinned by a 40-hex commit SHA with its version in a comment", (file) => {
    const lines = workflowText(file)
      .split("\n")
      .filter((line) => /^\s*(-\s+)?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const match = /uses:\s+([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+){0,2})\s*$/.exec(line);
      expect({ line, pinned: match !== null }).toEqual({ line, pinned: true });
      const [, action, sha, version] = match!;
      expect({ action, sha, version }).toEqual({ action, ...PINS[action] });
    }
  });

  test("Node 22 wherever Node is set up, with the npm cache", () => {
    const setups = allSteps().filter(([, , step]) => actionOf(step.uses) === "actions/setup-node");
    expect(setups.length).toBeGreaterThanOrEqual(5);
    for (const [, , step] of setups) expect(step.with).toEqual({ "node-version": "22", cache: "npm" });
    // Every job that runs npm sets Node up first.
    for (const [file, id, job] of allJobs()) {
      const npm = indexOfStep(job, (s) => /\bnp[mx] /.test(s.run ?? ""));
      if (npm === -1) continue;
      const setup = indexOfStep(job, (s) => actionOf(s.uses) === "actions/setup-node");
      expect({ file, id, setupBeforeNpm: setup !== -1 && setup < npm }).toEqual({ file, id, setupBeforeNpm: true });
    }
  });

  test("Terraform 1.11.4 without the wrapper wherever Terraform is set up", () => {
    const setups = allSteps().filter(([, , step]) => actionOf(step.uses) === "hashicorp/setup-terraform");
    expect(setups.length).toBe(5); // ci, plan, deploy x3
    for (const [, , step] of setups)
      expect(step.with).toEqual({ terraform_version: "1.11.4", terraform_wrapper: false });
  });

  test("every job runs on ubuntu-24.04 with a timeout", () => {
    for (const [file, id, job] of allJobs()) {
      expect({ file, id, runsOn: job["runs-on"], timeout: typeof job["timeout-minutes"] }).toEqual({
        file,
        id,
        runsOn: "ubuntu-24.04",
        timeout: "number",
      });
    }
  });

  test("checkouts never persist the token", () => {
    for (const [, , step] of allSteps().filter(([, , s]) => actionOf(s.uses) === "actions/checkout")) {
      expect(step.with).toEqual({ "persist-credentials": false });
    }
  });

  test("no upload ever includes a binary plan file", () => {
    for (const file of FILES) expect(workflowText(file)).not.toMatch(/^\s*path:.*plan\.out/m);
    for (const [, , step] of allSteps().filter(([, , s]) => actionOf(s.uses) === "actions/upload-artifact")) {
      expect(String(step.with?.path)).not.toMatch(/plan\.out|\*\*|\.terraform/);
    }
  });
});

describe("ci.yml", () => {
  const ci = workflows["ci.yml"];
  const job = ci.jobs.test;

  test("runs on pushes to main and on every pull request", () => {
    expect(ci.on).toEqual({ push: { branches: ["main"] }, pull_request: null });
  });

  test("reads the repository only; one run per ref, superseded runs cancelled", () => {
    expect(ci.permissions).toEqual({ contents: "read" });
    expect(ci.concurrency).toEqual({
      group: "ci-${{ github.workflow }}-${{ github.ref }}",
      "cancel-in-progress": true,
    });
    expect(Object.keys(ci.jobs)).toEqual(["test"]);
    expect(job.permissions).toBeUndefined();
  });

  test("a MySQL 8.4 service container with an empty root password and a health check", () => {
    const mysql = job.services?.mysql;
    expect(mysql?.image).toBe("mysql:8.4");
    expect(mysql?.env).toEqual({ MYSQL_ALLOW_EMPTY_PASSWORD: "yes" });
    expect(mysql?.ports).toEqual(["3306:3306"]);
    expect(mysql?.options).toContain('--health-cmd "mysqladmin ping -h 127.0.0.1"');
  });

  test("in order: checkout, Node, Terraform, npm ci, lint, typecheck, workflow lint, tests, synth, bundle size", () => {
    const order = [
      indexOfStep(job, (s) => actionOf(s.uses) === "actions/checkout"),
      indexOfStep(job, (s) => actionOf(s.uses) === "actions/setup-node"),
      indexOfStep(job, (s) => actionOf(s.uses) === "hashicorp/setup-terraform"),
      indexOfStep(job, (s) => s.run === "npm ci"),
      indexOfStep(job, (s) => s.run === "npm run lint"),
      indexOfStep(job, (s) => s.run === "npm run typecheck"),
      indexOfStep(job, (s) => s.run === "npm run lint:workflows"),
      indexOfStep(job, (s) => s.run === "npm test"),
      indexOfStep(job, (s) => s.run === "npm run synth"),
      indexOfStep(job, (s) => /bundle-sizes/.test(s.run ?? "")),
    ];
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("the tests reach the service's MySQL and install the AWS provider from the registry into a plugin cache", () => {
    const test = stepRunning(job, /^npm test$/);
    expect(test.env).toEqual({
      MYSQL_URL: "mysql://root@127.0.0.1:3306/analytics",
      TF_PLUGIN_MIRROR: "none",
      TF_PLUGIN_CACHE_DIR: expect.stringContaining("${{ runner.temp }}"),
    });
  });

  test("bundle sizes go to the job summary", () => {
    expect(stepRunning(job, /bundle-sizes/).run).toBe(
      'npx tsx .github/scripts/bundle-sizes.ts .gen/bundle-sizes.json >> "$GITHUB_STEP_SUMMARY"',
    );
  });
});

describe("plan.yml", () => {
  const plan = workflows["plan.yml"];
  const { synth, plan: planJob, comment } = plan.jobs;
  const ENVIRONMENTS = ["dev", "staging", "prod"];

  test("runs on pull requests to main, one run per pull request, superseded runs cancelled", () => {
    expect(plan.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(plan.concurrency).toEqual({
      group: "plan-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });

  test("least privilege: id-token only for the plan job, pull-requests: write only for the comment job", () => {
    expect(plan.permissions).toEqual({ contents: "read" });
    expect(synth.permissions).toEqual({ contents: "read" });
    expect(planJob.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(comment.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  test("synth -> plan -> comment", () => {
    expect(Object.keys(plan.jobs)).toEqual(["synth", "plan", "comment"]);
    expect(needsOf(synth)).toEqual([]);
    expect(needsOf(planJob)).toEqual(["synth"]);
    expect(needsOf(comment).sort()).toEqual(["plan", "synth"]);
  });

  test("synth: skipped for forks, synthesizes every environment once with its state bucket, uploads cdktf.out", () => {
    expect(synth.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(synth.env).toMatchObject({ ENVIRONMENTS: ENVIRONMENTS.join(",") });
    for (const env of ENVIRONMENTS.map((e) => e.toUpperCase())) {
      expect(synth.env).toMatchObject({
        [`STATE_BUCKET_${env}`]: `\${{ vars.STATE_BUCKET_${env} }}`,
        [`STATE_BUCKET_REGION_${env}`]: `\${{ vars.STATE_BUCKET_REGION_${env} }}`,
      });
    }
    // Never a shared bucket: a missing variable must stop the plan, not point it at another account's bucket.
    expect(synth.env).not.toHaveProperty("STATE_BUCKET");
    expect(synth.env).not.toHaveProperty("CDKTF_ENVIRONMENTS");
    expect(stepRunning(synth, /cdktf synth/).run).toBe("npx cdktf synth");
    const upload = stepUsing(synth, "actions/upload-artifact");
    expect(upload.with).toMatchObject({ name: "cdktf-out", path: "cdktf.out", "if-no-files-found": "error" });
  });

  test("synth: the state bucket of every planned environment is required, first", () => {
    const require = synth.steps[0];
    expect(require.run).toContain('variable="STATE_BUCKET_${environment^^}"');
    expect(require.run).toContain("for environment in ${ENVIRONMENTS//,/ }; do");
    expect(require.run).toContain("exit 1");
    // The same list is planned.
    expect(stepRunning(synth, /cdktf-stacks\.ts matrix/).run).toContain('--environments "$ENVIRONMENTS"');
  });

  test("the plan matrix (one entry per environment) comes from cdktf.out/manifest.json, not a hand-kept list", () => {
    const matrix = stepRunning(synth, /cdktf-stacks\.ts matrix/);
    expect(matrix.id).toBe("matrix");
    expect(matrix.run).toBe(
      'npx tsx .github/scripts/cdktf-stacks.ts matrix --out cdktf.out --environments "$ENVIRONMENTS"',
    );
    expect(synth.outputs).toEqual({ matrix: "${{ steps.matrix.outputs.matrix }}" });
    expect(planJob.strategy).toEqual({ "fail-fast": false, matrix: "${{ fromJSON(needs.synth.outputs.matrix) }}" });
    expect(comment.strategy).toEqual({ "fail-fast": false, matrix: "${{ fromJSON(needs.synth.outputs.matrix) }}" });
    const code = workflowText("plan.yml").replace(/^\s*#.*$/gm, "");
    expect(code).not.toMatch(/(bootstrap|network|data|api|observability)-(dev|staging|prod)/);
  });

  test("plan: no GitHub environment, OIDC plan role per environment, the run id in the session name", () => {
    expect(planJob.environment).toBeUndefined();
    expect(planJob.name).toBe("Plan ${{ matrix.environment }}");
    const credentials = stepUsing(planJob, "aws-actions/configure-aws-credentials");
    expect(credentials.with).toEqual({
      "role-to-assume": "${{ vars[matrix.planRoleVariable] }}",
      "role-session-name": expect.stringContaining("${{ github.run_id }}"),
      "aws-region": "${{ vars.AWS_REGION }}",
    });
  });

  test("plan: one script plans each stack of the environment in dependency order; the job goes on if one fails", () => {
    const steps = planJob.steps;
    const download = stepUsing(planJob, "actions/download-artifact");
    expect(download.with).toEqual({ name: "cdktf-out", path: "cdktf.out" });
    const planStep = stepRunning(planJob, /plan-environment\.ts/);
    expect(planStep.run).toBe(
      'npx tsx scripts/plan-environment.ts --out cdktf.out --environment "$ENVIRONMENT" --plans plans',
    );
    expect(planStep.env).toEqual({
      ENVIRONMENT: "${{ matrix.environment }}",
      TF_PLUGIN_MIRROR: "none",
      TF_PLUGIN_CACHE_DIR: expect.stringContaining("${{ runner.temp }}"),
    });
    expect(planStep["continue-on-error"]).toBe(true);
    expect(steps.filter((s) => /terraform (init|plan)/.test(s.run ?? ""))).toEqual([]);
    const order = [
      indexOfStep(planJob, (s) => actionOf(s.uses) === "actions/setup-node"),
      indexOfStep(planJob, (s) => s.run === "npm ci"),
      steps.indexOf(download),
      indexOfStep(planJob, (s) => actionOf(s.uses) === "hashicorp/setup-terraform"),
      steps.indexOf(stepUsing(planJob, "aws-actions/configure-aws-credentials")),
      steps.indexOf(planStep),
    ];
    expect(order).not.toContain(-1);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Without credentials every stack of the environment gets an error file.
    const credentialsFailure = stepRunning(planJob, /Could not assume the plan role/);
    expect(credentialsFailure.env).toEqual({
      STACKS: "${{ matrix.stacks }}",
      ROLE_VARIABLE: "${{ matrix.planRoleVariable }}",
    });
    // The job still fails (red check) after uploading what it has.
    const last = steps[steps.length - 1];
    expect(last.if).toContain("steps.plan.outcome == 'failure'");
    expect(last.run).toContain("exit 1");
  });

  test("plan: uploads only the .json and .txt files of its environment's plans as plan-<environment>", () => {
    const upload = stepUsing(planJob, "actions/upload-artifact");
    expect(upload.if).toBe("${{ !cancelled() }}");
    expect(upload.with?.name).toBe("plan-${{ matrix.environment }}");
    const paths = String(upload.with?.path).trim().split("\n");
    expect(paths).toEqual(["plans/*.json", "plans/*.txt"]);
  });

  test("comment: per environment, after the plans (even failed), runs the comment script, upserts by marker", () => {
    expect(comment.if).toBe("${{ !cancelled() && needs.synth.result == 'success' }}");
    const download = stepUsing(comment, "actions/download-artifact");
    expect(download.with).toEqual({ name: "plan-${{ matrix.environment }}", path: "plans" });
    expect(download["continue-on-error"]).toBe(true);
    const render = stepRunning(comment, /plan-comment\.ts/);
    expect(render.run).toContain(
      'npx tsx scripts/plan-comment.ts --env "$ENVIRONMENT" --plans plans --stacks "$STACKS" --sha "$HEAD_SHA"',
    );
    expect(render.run).toContain('--run-url "$RUN_URL" --out comment.md --summary summary.md --artifact-dir scrubbed');
    expect(render.run).toContain('cat summary.md >> "$GITHUB_STEP_SUMMARY"');
    expect(render.env).toEqual({
      ENVIRONMENT: "${{ matrix.environment }}",
      RUN_URL: "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}",
      HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
      STACKS: "${{ matrix.stacks }}",
    });
    const fullPlans = stepUsing(comment, "actions/upload-artifact");
    expect(fullPlans.with?.name).toBe("plans-${{ matrix.environment }}");
    // Only the scrubbed texts leave the run, never the raw plans.
    expect(String(fullPlans.with?.path).split("\n").filter(Boolean)).toEqual(["scrubbed", "summary.md"]);
    const upsert = stepUsing(comment, "actions/github-script");
    expect(upsert.env).toEqual({ MARKER: "<!-- plan-comment:env=${{ matrix.environment }} -->" });
    expect(String(upsert.with?.script)).toContain("require('./.github/scripts/upsert-pr-comment.cjs')");
    expect(String(upsert.with?.script)).toContain("readFileSync('comment.md'");
    const order = [download, render, fullPlans, upsert].map((s) => comment.steps.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe("deploy.yml", () => {
  const deploy = workflows["deploy.yml"];
  const ENVIRONMENTS = ["dev", "staging", "prod"];

  test("runs on pushes to main and by hand", () => {
    expect(deploy.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
  });

  test("OIDC and read access only; one deploy at a time, never cancelled midway", () => {
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    for (const name of ENVIRONMENTS) expect(deploy.jobs[name].permissions).toBeUndefined();
  });

  test("dev -> staging -> prod, each in its GitHub environment", () => {
    expect(Object.keys(deploy.jobs)).toEqual(ENVIRONMENTS);
    expect(needsOf(deploy.jobs.dev)).toEqual([]);
    expect(needsOf(deploy.jobs.staging)).toEqual(["dev"]);
    expect(needsOf(deploy.jobs.prod)).toEqual(["staging"]);
    expect(deploy.jobs.dev.if).toBe("github.ref == 'refs/heads/main'");
    for (const name of ENVIRONMENTS) {
      expect(deploy.jobs[name].environment).toEqual({ name, url: "${{ steps.smoke.outputs.api-url }}" });
      expect(deploy.jobs[name].env).toMatchObject({ CDKTF_ENVIRONMENTS: name });
    }
    expect(workflowText("deploy.yml")).toMatch(/prod GitHub environment has required reviewers/);
  });

  test.each(ENVIRONMENTS)(
    "%s: synthesizes and deploys with its own state bucket (STATE_BUCKET_<ENV>), required before anything runs",
    (name) => {
      const job = deploy.jobs[name];
      const variable = `STATE_BUCKET_${name.toUpperCase()}`;
      const region = `STATE_BUCKET_REGION_${name.toUpperCase()}`;
      expect(job.env).toMatchObject({ [variable]: `\${{ vars.${variable} }}`, [region]: `\${{ vars.${region} }}` });
      // No shared bucket, no other environment's bucket: a missing variable stops the job.
      expect(Object.keys(job.env ?? {}).filter((key) => key.startsWith("STATE_BUCKET"))).toEqual([variable, region]);
      const require = job.steps[0];
      expect(require.name).toBe("Require the state bucket");
      expect(require.if).toBe(`env.${variable} == ''`);
      expect(require.run).toContain(`::error title=${variable} is not set::`);
      expect(require.run).toContain("exit 1");
    },
  );

  test("the three jobs are the same but for the environment name", () => {
    const normalized = (name: string) => {
      const { needs: _needs, if: _if, ...job } = deploy.jobs[name];
      return JSON.parse(JSON.stringify(job).replaceAll(name, "<env>").replaceAll(name.toUpperCase(), "<ENV>"));
    };
    expect(normalized("staging")).toEqual(normalized("dev"));
    expect(normalized("prod")).toEqual(normalized("dev"));
  });

  test.each(ENVIRONMENTS)(
    "%s: apply role, synth + policies, deploy in manifest order, smoke key, smoke test",
    (name) => {
      const job = deploy.jobs[name];
      const credentials = stepUsing(job, "aws-actions/configure-aws-credentials");
      expect(credentials.with).toMatchObject({
        "role-to-assume": "${{ vars.AWS_APPLY_ROLE_ARN }}",
        "role-session-name": expect.stringContaining("${{ github.run_id }}"),
        "aws-region": "${{ vars.AWS_REGION }}",
      });
      // As long as the bootstrap stack's apply role allows (asking for more fails the login).
      expect(credentials.with?.["role-duration-seconds"]).toBe(CI_DEPLOY_MAX_SESSION_SECONDS);
      const synthStep = stepRunning(job, /^npm run synth$/);
      const order = stepRunning(job, /cdktf-stacks\.ts order/);
      expect(order.run).toContain('--out cdktf.out --environment "$CDKTF_ENVIRONMENTS"');
      const deployStep = stepRunning(job, /cdktf deploy/);
      expect(deployStep.run).toContain(
        'npx cdktf deploy --skip-synth --auto-approve --parallelism 1 --no-color "${ordered[@]}"',
      );
      expect(deployStep.env).toEqual({ STACKS: `\${{ steps.${order.id}.outputs.stacks }}` });
      const smokeKey = stepRunning(job, /store -- smoke-key/);
      const smoke = stepRunning(job, /smoke-test\.sh/);
      expect(smoke.id).toBe("smoke");
      // The key comes from the smoke-key step of this run, not from a GitHub secret.
      expect(smoke.env).toEqual({ SMOKE_API_KEY: `\${{ steps.${smokeKey.id}.outputs.api-key }}` });
      const steps = [
        stepUsing(job, "actions/checkout"),
        stepUsing(job, "hashicorp/setup-terraform"),
        credentials,
        synthStep,
        order,
        deployStep,
        smokeKey,
        smoke,
      ];
      const positions = steps.map((s) => job.steps.indexOf(s));
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(positions[positions.length - 1]).toBe(job.steps.length - 1);
      expect(stepsUsing(job, "actions/upload-artifact")).toEqual([]);
    },
  );

  test.each(ENVIRONMENTS)(
    "%s: builds the dashboard before applying anything, uploads it to the web stack's bucket after, then invalidates",
    (name) => {
      const job = deploy.jobs[name];
      const build = stepRunning(job, /^npm run dashboard:build$/);
      const deployStep = stepRunning(job, /cdktf deploy/);
      const upload = stepRunning(job, /aws s3 sync/);
      const smokeKey = stepRunning(job, /store -- smoke-key/);
      const at = (step: Step) => job.steps.indexOf(step);
      expect(at(stepRunning(job, /^npm run synth$/))).toBeLessThan(at(build));
      expect(at(build)).toBeLessThan(at(deployStep));
      expect(at(deployStep)).toBeLessThan(at(upload));
      expect(at(upload)).toBeLessThan(at(smokeKey));
      const run = String(upload.run);
      expect(run).toContain('web="cdktf.out/stacks/web-${CDKTF_ENVIRONMENTS}"');
      expect(run).toContain('terraform -chdir="$web" output -raw site_bucket');
      expect(run).toContain('terraform -chdir="$web" output -raw distribution_id');
      // Hashed assets are immutable; everything else is revalidated; Terraform's config.json is never touched.
      expect(run).toMatch(/s3 sync dashboard\/dist\/assets .*--cache-control "public, max-age=31536000, immutable"/);
      expect(run).toMatch(
        /s3 sync dashboard\/dist "s3:\/\/\$\{bucket\}" --delete --exclude "assets\/\*" --exclude config\.json/,
      );
      expect(run).toContain('aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/*"');
      expect(run.indexOf("create-invalidation")).toBeGreaterThan(run.lastIndexOf("s3 sync"));
      // Then the deployed dashboard answers through CloudFront, with its security headers.
      expect(run).toContain('"${url}/config.json"');
      expect(run).toContain(`grep -qi '^strict-transport-security:' "$RUNNER_TEMP/headers.txt"`);
      expect(run).toContain(`grep -qi '^content-security-policy:.*frame-ancestors' "$RUNNER_TEMP/headers.txt"`);
    },
  );

  test.each(ENVIRONMENTS)(
    "%s: the smoke-test key comes from the store command with the api stack's secret, masked before any print",
    (name) => {
      const job = deploy.jobs[name];
      const smokeKey = stepRunning(job, /store -- smoke-key/);
      expect(smokeKey.id).toBe("smoke-key");
      expect(smokeKey.env).toBeUndefined();
      const lines = String(smokeKey.run)
        .trim()
        .split("\n")
        .map((line) => line.trim());
      expect(lines[0]).toBe(
        'secret_arn=$(terraform -chdir="cdktf.out/stacks/api-${CDKTF_ENVIRONMENTS}" output -raw smoke_secret_arn)',
      );
      expect(lines[1]).toBe(
        'api_key=$(npm run -s store -- smoke-key --env "$CDKTF_ENVIRONMENTS" --secret "$secret_arn")',
      );
      const mask = lines.indexOf('echo "::add-mask::${api_key}"');
      expect(mask).toBeGreaterThan(1);
      // Between capturing and masking, the key is only tested (one printable line), never written anywhere.
      for (const line of lines.slice(2, mask)) {
        if (line.includes("api_key")) expect(line).toBe("if [[ ! $api_key =~ ^[[:graph:]]+$ ]]; then");
        else expect(line).not.toMatch(/\$\{?api_key/);
      }
      // After the mask, it goes to the step's output only.
      const uses = lines.slice(mask + 1).filter((line) => /\$\{?api_key/.test(line));
      expect(uses).toEqual(['echo "api-key=${api_key}" >> "$GITHUB_OUTPUT"']);
      // The whole job never echoes the key into the log.
      for (const step of job.steps)
        expect(String(step.run ?? "")).not.toMatch(/echo "?\$\{?(api_key|SMOKE_API_KEY)\}?"?\s*$/m);
    },
  );

  test("no GitHub secret is used: SMOKE_API_KEY is no longer one", () => {
    const code = workflowText("deploy.yml").replace(/^\s*#.*$/gm, "");
    expect(code).not.toMatch(/secrets\./);
    expect(JSON.stringify(deploy)).not.toContain("secrets.SMOKE_API_KEY");
  });
});
