import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  analyzeStack,
  classifyActions,
  collectSensitiveValues,
  COMMENT_LIMIT,
  fitToLimit,
  GITHUB_COMMENT_MAX,
  GITHUB_SUMMARY_MAX,
  isSecretName,
  markerFor,
  measure,
  PlanFormatError,
  readPlanDir,
  render,
  renderComment,
  runCli,
  scrubSecretAssignments,
  scrubSensitive,
  SENSITIVE,
  summarizePlan,
  toDiff,
  type StackResult,
} from "../../scripts/plan-comment/index";
import { reducePlan } from "../../scripts/plan/reduce-plan";

/**
 * The PR plan comment (scripts/plan-comment.ts) on fixtures in Terraform's JSON plan format:
 * real terraform 1.11.4 output for terraform_data resources, hand-built aws plans for four dev
 * stacks, and huge plans generated here. See fixtures/plan-comment/README.md.
 */
const FIXTURES = join(process.cwd(), "__tests__", "scripts", "fixtures", "plan-comment");
const AWS = join(FIXTURES, "aws");
const REAL = join(FIXTURES, "terraform-data");
const RUN = "https://github.com/acme/analytics/actions/runs/123456789";
const SHA = "0123456789abcdef0123456789abcdef01234567";

// Sensitive values the fixtures hold (see the README): none may ever reach the output.
const DB_PASSWORD = "Sup3r-S3cret-Passw0rd!";
const OLD_DB_PASSWORD = "0ld-Passw0rd-Rotated";
const API_TOKEN = "tok_live_9f8e7d6c5b4a";
const REAL_SECRETS = ["hunter2-SuperSecret", "hunter2-SuperSecret-v2"];

const read = (dir: string, file: string): string => readFileSync(join(dir, file), "utf8");
const json = (dir: string, stack: string): unknown => JSON.parse(read(dir, `${stack}.json`));
const stackFrom = (dir: string, file: string, name = file): StackResult =>
  analyzeStack({ name, json: read(dir, `${file}.json`), text: read(dir, `${file}.txt`) });
const awsStacks = (): StackResult[] =>
  ["network-dev", "data-dev", "api-dev", "observability-dev"].map((s) => stackFrom(AWS, s));
const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** A plan creating `n` log groups: JSON and text of about 400 bytes per resource. */
function bigPlan(n: number, filler = ""): { json: string; text: string } {
  const changes = [];
  const text = ["", "Terraform will perform the following actions:", ""];
  for (let i = 0; i < n; i += 1) {
    const address = `aws_cloudwatch_log_group.g[${i}]`;
    changes.push({
      address,
      mode: "managed",
      type: "aws_cloudwatch_log_group",
      name: "g",
      index: i,
      change: {
        actions: ["create"],
        before: null,
        after: { name: `/aws/lambda/fn-${i}` },
        after_unknown: { arn: true },
        before_sensitive: false,
        after_sensitive: {},
      },
    });
    text.push(
      `  # ${address} will be created`,
      `  + resource "aws_cloudwatch_log_group" "g" {`,
      `      + arn               = (known after apply)`,
      `      + id                = (known after apply)`,
      `      + name              = "/aws/lambda/fn-${i}${filler}"`,
      `      + retention_in_days = 14`,
      `      + tags_all          = (known after apply)`,
      `    }`,
      "",
    );
  }
  text.push(`Plan: ${n} to add, 0 to change, 0 to destroy.`);
  return {
    json: JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: changes }),
    text: text.join("\n"),
  };
}

describe("summarizePlan", () => {
  it("counts nothing for a plan of no-ops (real terraform output)", () => {
    const summary = summarizePlan(json(REAL, "no-changes"));
    expect(summary.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 0, import: 0, forget: 0 });
    expect(summary.resources).toEqual([]);
    expect(summary.terraformVersion).toBe("1.11.4");
    expect(
      analyzeStack({ name: "x", json: read(REAL, "no-changes.json"), text: read(REAL, "no-changes.txt") }).status,
    ).toBe("no changes");
  });

  it("counts creates", () => {
    const summary = summarizePlan(json(AWS, "network-dev"));
    expect(summary.counts).toMatchObject({ add: 2, change: 0, replace: 0, destroy: 0 });
    expect(summary.resources.map((r) => [r.address, r.kind])).toEqual([
      ["aws_security_group.endpoints", "create"],
      ["aws_vpc_endpoint.secretsmanager", "create"],
    ]);
  });

  it("counts in-place updates, module and for_each addresses included", () => {
    const summary = summarizePlan(json(AWS, "api-dev"));
    expect(summary.counts).toMatchObject({ add: 1, change: 2, replace: 1, destroy: 0 });
    expect(summary.resources.filter((r) => r.kind === "update").map((r) => r.address)).toEqual([
      "aws_api_gateway_stage.v1",
      "aws_lambda_function.orders",
    ]);
    expect(summary.resources.map((r) => r.address)).toContain('module.ingest.aws_cloudwatch_log_group.this["refunds"]');
  });

  it(
    "counts a create-before-destroy replacement once, with its order and forcing attribute " +
      "(real terraform output)",
    () => {
      const summary = summarizePlan(json(REAL, "mixed"));
      // Terraform's own line says "2 to add, 1 to change, 2 to destroy": the replacement counts in both.
      expect(read(REAL, "mixed.txt")).toContain("Plan: 2 to add, 1 to change, 2 to destroy.");
      expect(summary.counts).toMatchObject({ add: 1, change: 1, replace: 1, destroy: 1 });
      expect(summary.resources.find((r) => r.address === "terraform_data.repl")).toEqual({
        address: "terraform_data.repl",
        kind: "replace",
        order: "create-before-destroy",
        reason: "replace_because_cannot_update",
        replacePaths: ["triggers_replace"],
        importing: false,
      });
    },
  );

  it("counts a delete-before-create replacement (real terraform output and aws fixture)", () => {
    const real = summarizePlan(json(REAL, "replace-delete-first"));
    expect(real.counts).toMatchObject({ add: 0, change: 0, replace: 1, destroy: 0 });
    expect(real.resources).toEqual([
      expect.objectContaining({ address: "terraform_data.repl", kind: "replace", order: "delete-before-create" }),
    ]);
    const db = summarizePlan(json(AWS, "data-dev")).resources.find((r) => r.address === "aws_db_instance.main");
    expect(db).toMatchObject({ kind: "replace", order: "delete-before-create", replacePaths: ["identifier"] });
  });

  it("counts deletes with Terraform's reason; data source reads are not changes", () => {
    const summary = summarizePlan(json(AWS, "data-dev"));
    expect(summary.counts).toMatchObject({ add: 1, change: 1, replace: 1, destroy: 1 });
    expect(summary.resources.find((r) => r.kind === "delete")).toMatchObject({
      address: "aws_s3_bucket.exports_legacy",
      reason: "delete_because_no_resource_config",
    });
    expect(summary.resources.map((r) => r.address)).not.toContain("data.aws_iam_policy_document.rds_access");
    expect(summary.outputChanges).toBe(1);
    expect(summarizePlan(json(REAL, "mixed")).resources.find((r) => r.kind === "delete")?.address).toBe(
      "terraform_data.gone",
    );
  });

  it("classifies every action list Terraform documents, unknown ones conservatively", () => {
    expect(classifyActions(["no-op"])).toBeUndefined();
    expect(classifyActions(["read"])).toBeUndefined();
    expect(classifyActions(["create"])).toEqual({ kind: "create" });
    expect(classifyActions(["update"])).toEqual({ kind: "update" });
    expect(classifyActions(["delete"])).toEqual({ kind: "delete" });
    expect(classifyActions(["delete", "create"])).toEqual({ kind: "replace", order: "delete-before-create" });
    expect(classifyActions(["create", "delete"])).toEqual({ kind: "replace", order: "create-before-destroy" });
    expect(classifyActions(["forget"])).toEqual({ kind: "forget" });
    expect(classifyActions(["delete", "something-new"])).toEqual({ kind: "delete" });
  });

  it("counts imports and forgets, and deposed objects as destroys", () => {
    const plan = {
      format_version: "1.2",
      resource_changes: [
        { address: "aws_s3_bucket.a", mode: "managed", change: { actions: ["no-op"], importing: { id: "a" } } },
        { address: "aws_s3_bucket.b", mode: "managed", change: { actions: ["update"], importing: { id: "b" } } },
        { address: "aws_s3_bucket.c", mode: "managed", change: { actions: ["forget"] } },
        { address: "aws_s3_bucket.d", mode: "managed", deposed: "00aa11bb", change: { actions: ["delete"] } },
      ],
    };
    const summary = summarizePlan(plan);
    expect(summary.counts).toEqual({ add: 0, change: 1, replace: 0, destroy: 1, import: 2, forget: 1 });
    expect(summary.resources.find((r) => r.address === "aws_s3_bucket.d")).toMatchObject({
      kind: "delete",
      deposed: "00aa11bb",
    });
  });

  it("rejects what is not a Terraform JSON plan; analyzeStack turns that into a failed stack", () => {
    expect(() => summarizePlan([])).toThrow(PlanFormatError);
    expect(() => summarizePlan({ format_version: "0.1" })).toThrow(/format_version/);
    expect(() => summarizePlan({ format_version: "1.2", resource_changes: [{ address: "x" }] })).toThrow(
      /change\.actions/,
    );
    const bad = analyzeStack({ name: "api-dev", json: "{not json", text: "x" });
    expect(bad.status).toBe("failed");
    expect(bad.error).toMatch(/api-dev\.json is not a Terraform JSON plan/);
  });
});

describe("scrubSensitive", () => {
  it("removes a sensitive value Terraform itself printed in clear (real terraform output)", () => {
    const text = read(REAL, "mixed.txt");
    expect(text).toContain('password = "hunter2-SuperSecret"'); // the fixture's premise: Terraform leaked it
    const scrubbed = scrubSensitive(text, json(REAL, "mixed"));
    for (const secret of REAL_SECRETS) expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(`password = ${SENSITIVE}`);
    // Nothing else changes.
    expect(scrubbed).toBe(text.replace('password = "hunter2-SuperSecret"', `password = ${SENSITIVE}`));
  });

  it("removes a marked value copied into an unmarked attribute, and unmarked secrets by name", () => {
    const text = read(AWS, "data-dev.txt");
    expect(text).toContain(DB_PASSWORD);
    const scrubbed = scrubSensitive(text, json(AWS, "data-dev"));
    expect(scrubbed).not.toContain(DB_PASSWORD);
    expect(scrubbed).toContain(`insecure_value = "mysql://app:${SENSITIVE}@analytics-dev-v2.`);
    const api = scrubSensitive(read(AWS, "api-dev.txt"), json(AWS, "api-dev"));
    expect(read(AWS, "api-dev.txt")).toContain(API_TOKEN);
    expect(api).not.toContain(API_TOKEN);
  });

  it("collects values from sensitivity masks, sensitive variables and outputs, secret names and JSON strings", () => {
    const values = collectSensitiveValues(json(AWS, "data-dev"));
    expect(values).toEqual(
      expect.arrayContaining([
        DB_PASSWORD,
        OLD_DB_PASSWORD,
        JSON.stringify({ username: "app", password: DB_PASSWORD }),
      ]),
    );
    expect(values).not.toContain("analytics-dev-exports-legacy");
    const realValues = collectSensitiveValues(json(REAL, "mixed"));
    expect(realValues).toEqual(expect.arrayContaining(REAL_SECRETS));
    // Longest first, so a secret is never half-replaced by a shorter one it contains.
    expect(realValues.indexOf("hunter2-SuperSecret-v2")).toBeLessThan(realValues.indexOf("hunter2-SuperSecret"));
    const escaped = collectSensitiveValues({
      format_version: "1.2",
      output_changes: { conn: { actions: ["create"], after: 'a"quoted\\secret', after_sensitive: true } },
    });
    expect(escaped).toEqual(expect.arrayContaining(['a"quoted\\secret', 'a\\"quoted\\\\secret']));
  });

  it(
    "with a value-free JSON plan (as the plan job's reducePlan writes it), " +
      "counts still work and text rules still mask",
    () => {
      // Only addresses and actions survive; there are no values left to search the text for.
      for (const [dir, stack] of [
        [AWS, "data-dev"],
        [AWS, "api-dev"],
        [REAL, "mixed"],
      ] as const) {
        const reduced = reducePlan(json(dir, stack));
        expect(collectSensitiveValues(reduced)).toEqual([]);
        expect(summarizePlan(reduced).counts).toEqual(summarizePlan(json(dir, stack)).counts);
        const text = scrubSensitive(read(dir, `${stack}.txt`), reduced);
        for (const secret of [DB_PASSWORD, API_TOKEN, ...REAL_SECRETS]) expect(text).not.toContain(secret);
      }
    },
  );

  it("masks the password of a connection string in any text", () => {
    expect(scrubSecretAssignments('  + url = "mysql://app:p@ss:w0rd@db.example.com:3306/x"')).toBe(
      `  + url = "mysql://app:${SENSITIVE}@db.example.com:3306/x"`,
    );
    expect(scrubSecretAssignments("postgres://u:secretpw@h/db and https://example.com/a:b@c")).toBe(
      `postgres://u:${SENSITIVE}@h/db and https://example.com/a:b@c`,
    );
    expect(scrubSecretAssignments(`mysql://app:${SENSITIVE}@h`)).toBe(`mysql://app:${SENSITIVE}@h`);
  });

  it("does not search for short values (they would wreck ordinary words)", () => {
    const plan = {
      format_version: "1.2",
      variables: { env: { value: "dev" } },
      configuration: { root_module: { variables: { env: { sensitive: true } } } },
    };
    expect(scrubSensitive('name = "analytics-dev"', plan)).toBe('name = "analytics-dev"');
  });

  it("masks assignments to secret-looking names in any text, heredocs whole", () => {
    expect(scrubSecretAssignments('      + master_password = "abc"')).toBe(`      + master_password = ${SENSITIVE}`);
    expect(scrubSecretAssignments('      ~ "DB_PASSWORD" = "old" -> "new"')).toBe(
      `      ~ "DB_PASSWORD" = ${SENSITIVE} -> ${SENSITIVE}`,
    );
    expect(scrubSecretAssignments('{"api_token": "t0k", "user": "app"}')).toBe(
      `{"api_token": ${SENSITIVE}, "user": "app"}`,
    );
    const heredoc = [
      "  + private_key_pem = <<-EOT",
      "        -----BEGIN RSA PRIVATE KEY-----",
      "        MIIE...",
      "    EOT",
      '  + name = "k"',
    ].join("\n");
    expect(scrubSecretAssignments(heredoc)).toBe(`  + private_key_pem = ${SENSITIVE}\n  + name = "k"`);
    // Not secrets: ARNs, ids and names of secrets, descriptions mentioning passwords.
    const keep = [
      '  + secret_arn = "arn:aws:secretsmanager:eu-west-1:1:secret:x"',
      '  + "DB_SECRET_ARN" = "arn:aws:secretsmanager:eu-west-1:1:secret:x"',
      '  + name = "db-password"',
      '  + description = "password: rotated monthly"',
      "  + password = (sensitive value)",
    ].join("\n");
    expect(scrubSecretAssignments(keep)).toBe(keep);
  });

  it.each([
    ["password", true],
    ["master_password", true],
    ["DB_PASSWORD", true],
    ["secret_string", true],
    ["PartnerApiToken", true],
    ["private_key", true],
    ["api_key", true],
    ["secret_arn", false],
    ["DbSecretArn", false],
    ["secret_id", false],
    ["token_validity_units", false],
    ["kms_key_id", false],
    ["name", false],
  ])("isSecretName(%s) is %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe("renderComment", () => {
  const options = { env: "dev", runUrl: RUN, sha: SHA };

  it("puts the marker exactly once, at the very top, even when a plan contains it", () => {
    const stacks = awsStacks();
    const body = renderComment(stacks, options);
    expect(body.startsWith(`${markerFor("dev")}\n`)).toBe(true);
    expect(count(body, "plan-comment:env=dev")).toBe(1);
    const sneaky: StackResult = {
      ...stackFrom(AWS, "network-dev"),
      planText: `  + description = "<!-- plan-comment:env=dev -->"`,
    };
    const body2 = renderComment([sneaky, ...stacks.slice(1)], options);
    expect(count(body2, markerFor("dev"))).toBe(1);
    expect(body2.indexOf(markerFor("dev"))).toBe(0);
    expect(renderComment(stacks, { ...options, env: "prod" }).startsWith("<!-- plan-comment:env=prod -->\n")).toBe(
      true,
    );
    expect(() => renderComment(stacks, { ...options, env: "dev -->" })).toThrow(/invalid environment/);
  });

  it("opens with the environment, the overall line, and the commit and run links", () => {
    const body = renderComment(awsStacks(), options);
    expect(body).toContain("## Terraform plan · `dev`");
    expect(body).toContain("**4 stacks** · 4 to add, 3 to change, 2 to replace, 1 to destroy");
    expect(body).toContain(`[\`0123456\`](https://github.com/acme/analytics/commit/${SHA})`);
    expect(body).toContain(`[workflow run](${RUN})`);
  });

  it("lists destroys first, then replacements, before the table and the plans", () => {
    const body = renderComment(awsStacks(), options);
    const destroy = body.indexOf(
      "🗑️ **destroy** `aws_s3_bucket.exports_legacy` in `data-dev` — removed from the configuration",
    );
    const dbReplace = body.indexOf(
      "♻️ **replace** (destroy first, then create) `aws_db_instance.main` in `data-dev` — forced by `identifier`",
    );
    const cbd = body.indexOf(
      "♻️ **replace** (create the new one, then destroy the old) `aws_api_gateway_deployment.v1` in `api-dev` " +
        "— forced by `triggers`",
    );
    const heading = body.indexOf("### ⚠️ Destructive changes: 1 destroy, 2 replacements");
    const tableAt = body.indexOf("| Stack | Add | Change | Replace | Destroy | Status |");
    expect(heading).toBeGreaterThan(0);
    expect([heading, destroy, dbReplace, cbd, tableAt, body.indexOf("### Plans")]).toEqual(
      [heading, destroy, dbReplace, cbd, tableAt, body.indexOf("### Plans")].slice().sort((a, b) => a - b),
    );
    expect(body.indexOf("| `data-dev` | 1 | 1 | **1** | **1** | ⚠️ changes |")).toBeGreaterThan(tableAt);
    expect(body).toContain("| `network-dev` | 2 | 0 | 0 | 0 | 📝 changes |");
    expect(body).toContain("| `observability-dev` | 0 | 0 | 0 | 0 | ✅ no changes |");
    expect(body).toContain("| **total** | **4** | **3** | **2** | **1** | |");
  });

  it("shows each stack's plan collapsed, as a diff", () => {
    const body = renderComment(awsStacks(), options);
    for (const stack of ["api-dev", "data-dev", "network-dev", "observability-dev"]) {
      expect(body).toContain(`<details><summary><code>${stack}</code>`);
    }
    expect(body).toContain(
      "<details><summary><code>observability-dev</code> · no changes</summary>\n\n```diff\nNo changes.",
    );
    expect(body).toContain('-/+ resource "aws_db_instance" "main" {');
    expect(toDiff('  + resource "x" "y" {\n      ~ a = 1 -> 2\n      - b = 3 -> null\n    }')).toBe(
      '+   resource "x" "y" {\n!       a = 1 -> 2\n-       b = 3 -> null\n    }',
    );
  });

  it(
    "never shows a sensitive value, from the text or from the JSON, " + "in the comment, the summary or the artifacts",
    () => {
      const stacks = [...awsStacks(), stackFrom(REAL, "mixed", "tfdata-dev")];
      const outputs = [
        renderComment(stacks, options),
        renderComment(stacks, { ...options, target: "summary" }),
        ...stacks.map((s) => s.planText ?? ""),
      ];
      const forbidden = [
        DB_PASSWORD,
        OLD_DB_PASSWORD,
        API_TOKEN,
        ...REAL_SECRETS,
        JSON.stringify(DB_PASSWORD).slice(1, -1),
      ];
      for (const out of outputs) for (const secret of forbidden) expect(out).not.toContain(secret);
      // Every value the JSON marks sensitive, and long enough to search for, is absent too.
      for (const [dir, stack] of [
        [AWS, "data-dev"],
        [AWS, "api-dev"],
        [REAL, "mixed"],
      ] as const) {
        for (const value of collectSensitiveValues(json(dir, stack))) expect(outputs[0]).not.toContain(value);
      }
    },
  );

  it("reports a failed stack with its error before the table, and still renders the others", () => {
    const failed = analyzeStack({ name: "api-dev", error: `\u001b[31m${read(REAL, "failed.error.txt")}\u001b[0m\n\n` });
    const stacks = [failed, ...awsStacks().filter((s) => s.name !== "api-dev")];
    const body = renderComment(stacks, options);
    expect(body).toContain(
      "**4 stacks** · 3 to add, 1 to change, 1 to replace, 1 to destroy · **1 failed** (not counted)",
    );
    const section = body.indexOf("### ❌ Failed stacks (1)");
    expect(section).toBeGreaterThan(body.indexOf("### ⚠️ Destructive changes"));
    expect(section).toBeLessThan(body.indexOf("| Stack |"));
    expect(body).toContain(
      "**`api-dev`**: the plan failed.\n\n```text\nError: Reference to undeclared input variable\n",
    );
    expect(body).not.toContain("\u001b[");
    expect(body).toContain("| `api-dev` | — | — | — | — | ❌ failed |");
    for (const stack of ["data-dev", "network-dev", "observability-dev"])
      expect(body).toContain(`<details><summary><code>${stack}</code>`);
    expect(body).not.toContain("<details><summary><code>api-dev</code>");
  });

  it("shortens a long error log to what failed and Terraform's errors", () => {
    const noise = Array.from({ length: 400 }, (_, i) => `- Installing provider ${i}... done`).join("\n");
    const log =
      `terraform plan failed for api-dev\n\n${noise}\n\n` + `${read(REAL, "failed.error.txt")}\n${"x".repeat(20_000)}`;
    const body = renderComment([analyzeStack({ name: "api-dev", error: log })], options);
    expect(body).toContain(
      "```text\nterraform plan failed for api-dev\n… (output before the first error cut)\n" +
        "Error: Reference to undeclared input variable\n",
    );
    expect(body).not.toContain("Installing provider");
    expect(body).toMatch(/… \(\d+ more lines? cut\)\n```/);
    expect(measure(body)).toBeLessThan(8_000);
  });

  it("treats a missing JSON plan, a stack with no files and an errored plan as failed", () => {
    expect(analyzeStack({ name: "a", text: "Plan: 1 to add" })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/a\.json is missing/),
    });
    expect(analyzeStack({ name: "b" })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/no plan output for b/),
    });
    const errored = JSON.stringify({ ...(json(AWS, "network-dev") as object), errored: true });
    expect(analyzeStack({ name: "c", json: errored, text: "x" })).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/errored/),
      planText: "x",
    });
  });

  it("says so when nothing changes", () => {
    const body = renderComment(
      [stackFrom(AWS, "observability-dev"), stackFrom(REAL, "no-changes", "tfdata-dev")],
      options,
    );
    expect(body).toContain("**2 stacks** · 0 to add, 0 to change, 0 to replace, 0 to destroy");
    expect(body).toContain("✅ No changes: the infrastructure matches the configuration.");
    expect(body).not.toContain("Destructive");
  });

  it("is deterministic: same input, same bytes, whatever the input order", () => {
    const a = renderComment(awsStacks(), options);
    expect(renderComment(awsStacks(), options)).toBe(a);
    expect(renderComment(awsStacks().reverse(), options)).toBe(a);
    expect(a).toMatchSnapshot();
  });
});

describe("stacks planned against an upstream's pending outputs", () => {
  const options = { env: "dev", runUrl: RUN, sha: SHA };
  const NETWORK_OUTPUTS = [
    "cross-stack-output-aws_kms_keylogs-key_44F95A88arn",
    "cross-stack-output-aws_security_groupsecurity-groups_proxy_E356D6ADid",
    "cross-stack-output-aws_subnetvpc_database-eu-west-1a_3964E0C5id",
    "cross-stack-output-aws_subnetvpc_database-eu-west-1b_E9FD82BAid",
  ];
  /**
   * data-dev read four network-dev outputs: one new, three known only after apply;
   * api-dev read two data-dev outputs, nothing pending.
   */
  const upstreamFiles: Record<string, string> = {
    "data-dev": JSON.stringify({
      upstreams: [
        {
          stack: "network-dev",
          read: 4,
          pending: NETWORK_OUTPUTS.map((name, i) => ({ name, change: i === 0 ? "new" : "unknown" })),
        },
      ],
    }),
    "api-dev": JSON.stringify({ upstreams: [{ stack: "data-dev", read: 2, pending: [] }] }),
  };
  const marked = (): StackResult[] =>
    ["network-dev", "data-dev", "api-dev", "observability-dev"].map((s) =>
      analyzeStack({ name: s, json: read(AWS, `${s}.json`), text: read(AWS, `${s}.txt`), upstream: upstreamFiles[s] }),
    );

  it(
    "marks the stack in the overall line, in the table and with a note on its plan; " +
      "a stack whose upstream outputs are all applied is not marked",
    () => {
      const body = renderComment(marked(), options);
      expect(body).toContain(
        "**4 stacks** · 4 to add, 3 to change, 2 to replace, 1 to destroy · " +
          "⏳ 1 stack planned against pending upstream outputs",
      );
      expect(body).toContain("| `data-dev` | 1 | 1 | **1** | **1** | ⚠️ changes · ⏳ pending upstream outputs |");
      expect(body).toContain("| `api-dev` | 1 | 2 | **1** | 0 | ⚠️ changes |");
      expect(body).toContain(
        "<details><summary><code>data-dev</code> · 1 to add, 1 to change, 1 to replace, 1 to destroy</summary>\n\n" +
          "> ⏳ **Planned against the pending outputs of `network-dev`**: " +
          "4 of the 4 outputs this stack reads are not in its state yet " +
          "(1 new: `cross-stack-output-aws_kms_keylogs-key_44F95A88arn`; " +
          "3 known after apply: `cross-stack-output-aws_security_groupsecurity-groups_proxy_E356D6ADid`, " +
          "`cross-stack-output-aws_subnetvpc_database-eu-west-1a_3964E0C5id`, " +
          "`cross-stack-output-aws_subnetvpc_database-eu-west-1b_E9FD82BAid`).\n>\n" +
          "> Values known only after the apply of `network-dev` are placeholders in this plan " +
          "(ARNs in account `123456789012`, ids and names starting with `00000000`); " +
          "a deploy applies it first and plans this stack against the real values.\n\n```diff\n",
      );
      expect(count(body, "⏳ **Planned against")).toBe(1);
      // Without any upstream file, the comment is the one it always was.
      expect(renderComment(awsStacks(), options)).not.toContain("⏳");
      expect(renderComment(marked(), options)).toMatchSnapshot();
    },
  );

  it("keeps the note on a failed stack (a placeholder may be why it failed) and on a cut plan", () => {
    const failed = analyzeStack({
      name: "data-dev",
      error: read(REAL, "failed.error.txt"),
      upstream: upstreamFiles["data-dev"],
    });
    const body = renderComment([failed], options);
    expect(body).toContain("| `data-dev` | — | — | — | — | ❌ failed · ⏳ pending upstream outputs |");
    expect(body.indexOf("⏳ **Planned against the pending outputs of `network-dev`**")).toBeGreaterThan(
      body.indexOf("**`data-dev`**: the plan failed."),
    );
    for (const [limit, mode] of [
      [4_000, "truncated"],
      [3_000, "omitted"],
    ] as const) {
      const { body: small, fits } = render(
        [analyzeStack({ name: "data-dev", ...bigPlan(2_000), upstream: upstreamFiles["data-dev"] })],
        { ...options, limit },
      );
      expect(fits[0]?.mode).toBe(mode);
      expect(measure(small)).toBeLessThanOrEqual(limit);
      expect(small).toContain("⏳ **Planned against the pending outputs of `network-dev`**");
    }
  });

  it("names at most three outputs per kind of change and says how many more", () => {
    const many = JSON.stringify({
      upstreams: [
        {
          stack: "network-dev",
          read: 9,
          pending: Array.from({ length: 7 }, (_, i) => ({ name: `out${i}`, change: "changed" })),
        },
      ],
    });
    const body = renderComment(
      [
        analyzeStack({
          name: "data-dev",
          json: read(AWS, "data-dev.json"),
          text: read(AWS, "data-dev.txt"),
          upstream: many,
        }),
      ],
      options,
    );
    expect(body).toContain(
      "7 of the 9 outputs this stack reads are not in its state yet (7 changed: `out0`, `out1`, `out2` and 4 more).",
    );
  });

  it(
    "reads <stack>.upstream.json from the plans directory; " + "a malformed one fails the stack; prepare passes it on",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "plan-comment-upstream-"));
      try {
        cpSync(AWS, join(dir, "plans"), { recursive: true });
        writeFileSync(join(dir, "plans", "data-dev.upstream.json"), upstreamFiles["data-dev"]);
        const inputs = readPlanDir(join(dir, "plans"));
        expect(inputs.map((s) => s.name)).toEqual(["api-dev", "data-dev", "network-dev", "observability-dev"]);
        expect(analyzeStack(inputs[1] ?? { name: "?" }).upstreams?.[0]?.pending).toHaveLength(4);
        const quiet = { stdout: () => undefined, stderr: () => undefined };
        expect(runCli(["prepare", "--plans", join(dir, "plans"), "--out-dir", join(dir, "prepared")], quiet)).toBe(0);
        expect(JSON.parse(readFileSync(join(dir, "prepared", "data-dev.upstream.json"), "utf8"))).toEqual(
          JSON.parse(upstreamFiles["data-dev"]),
        );
        expect(existsSync(join(dir, "prepared", "api-dev.upstream.json"))).toBe(false);
        expect(
          runCli(["--env", "dev", "--plans", join(dir, "prepared"), "--out", join(dir, "prepared.md")], quiet),
        ).toBe(0);
        expect(readFileSync(join(dir, "prepared.md"), "utf8")).toContain(
          "| `data-dev` | 1 | 1 | **1** | **1** | ⚠️ changes · ⏳ pending upstream outputs |",
        );

        writeFileSync(
          join(dir, "plans", "data-dev.upstream.json"),
          '{"upstreams":[{"stack":"network-dev","read":1,"pending":[{"name":"x","change":"maybe"}]}]}',
        );
        expect(analyzeStack(readPlanDir(join(dir, "plans"))[1] ?? { name: "?" })).toMatchObject({
          status: "failed",
          error: expect.stringContaining(
            "data-dev.upstream.json is not a list of upstream outputs: " +
              "upstreams[0].pending[0] lacks name or a known change",
          ),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("fitting GitHub's limits", () => {
  const options = { env: "dev", runUrl: RUN, sha: SHA };

  it("fitToLimit keeps everything when it fits, cuts the longest first, omits below the minimum", () => {
    const o = { full: 100, truncated: 200, omitted: 150 };
    const plans = [
      { stack: "a", size: 1_000, overhead: o },
      { stack: "b", size: 50_000, overhead: o },
      { stack: "c", size: 20_000, overhead: o },
    ];
    expect(fitToLimit(plans, 100_000).map((f) => f.mode)).toEqual(["full", "full", "full"]);
    const cut = fitToLimit(plans, 30_000);
    expect(cut[0]).toEqual({ stack: "a", mode: "full" });
    expect(cut[1]).toMatchObject({ stack: "b", mode: "truncated" });
    expect(cut[2]).toMatchObject({ stack: "c", mode: "truncated" });
    const cap = cut[1]?.mode === "truncated" ? cut[1].maxBytes : 0;
    expect(1_100 + 2 * (200 + cap)).toBeLessThanOrEqual(30_000);
    expect(1_100 + 2 * (200 + cap + 1)).toBeGreaterThan(30_000); // the largest cap that fits
    // The longest goes first; the next is truncated while it can keep the minimum, else goes too.
    expect(fitToLimit(plans, 3_000, 1_500).map((f) => f.mode)).toEqual(["full", "omitted", "truncated"]);
    expect(fitToLimit(plans, 2_000, 1_500).map((f) => f.mode)).toEqual(["full", "omitted", "omitted"]);
  });

  it("cuts a plan too long for a comment: under 65,536 characters, every stack named, cuts said and linked", () => {
    const big = bigPlan(1_500); // about 420 KB of plan text
    const stacks = [...awsStacks(), analyzeStack({ name: "reports-dev", ...big })];
    const { body, fits } = render(stacks, options);
    expect(body.length).toBeLessThan(GITHUB_COMMENT_MAX);
    expect(measure(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT - 2_000); // it uses the room it has
    expect(fits.find((f) => f.stack === "reports-dev")?.mode).toBe("truncated");
    expect(fits.filter((f) => f.stack !== "reports-dev").every((f) => f.mode === "full")).toBe(true);
    for (const stack of ["api-dev", "data-dev", "network-dev", "observability-dev", "reports-dev"])
      expect(body).toContain(`| \`${stack}\` |`);
    expect(body).toContain(
      "✂️ **Plans cut to fit GitHub's 65,536-character comment limit:** `reports-dev` (truncated)",
    );
    expect(body).toContain(`[the run's job summary and artifacts](${RUN})`);
    expect(body).toMatch(/✂️ Truncated: the first [\d,]+ of 13,503 lines\./);
    expect(body).toContain(
      "<summary><code>reports-dev</code> · 1,500 to add, 0 to change, 0 to replace, 0 to destroy (truncated)</summary>",
    );
    // The destructive list and the table are intact, and the code fences balanced.
    expect(body).toContain("🗑️ **destroy** `aws_s3_bucket.exports_legacy` in `data-dev`");
    expect(count(body, "```") % 2).toBe(0);
    expect(count(body, "plan-comment:env=")).toBe(1);
    expect(body.startsWith(`${markerFor("dev")}\n`)).toBe(true);
    expect(count(body, "<details>")).toBe(count(body, "</details>"));
  });

  it("drops plans to a one-line note when even truncated they cannot fit", () => {
    const names = Array.from({ length: 12 }, (_, i) => `stack-${String(i).padStart(2, "0")}-dev`);
    const stacks = names.map((name, i) => analyzeStack({ name, ...bigPlan(300 + i * 50) }));
    const { body, fits } = render(stacks, { ...options, limit: 20_000 });
    expect(measure(body)).toBeLessThanOrEqual(20_000);
    for (const name of names) expect(body).toContain(`| \`${name}\` |`);
    const omitted = fits.filter((f) => f.mode === "omitted").map((f) => f.stack);
    expect(omitted.length).toBeGreaterThan(0);
    // The longest are the ones dropped.
    expect(omitted).toContain("stack-11-dev");
    expect(body).toContain("✂️ Plan too long for this comment");
    for (const name of omitted) expect(body).toContain(`\`${name}\` (omitted)`);
  });

  it("measures in UTF-8 bytes, so multi-byte plans stay under the limit too", () => {
    const stacks = [analyzeStack({ name: "intl-dev", ...bigPlan(800, "-ñ-日本語-🚀".repeat(20)) })];
    const { body, fits } = render(stacks, options);
    expect(fits[0]?.mode).toBe("truncated");
    expect(measure(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(measure(body)).toBeGreaterThan(COMMENT_LIMIT - 2_000);
    expect(body).not.toContain("\uFFFD");
  });

  it("keeps a huge destructive list within the budget, saying how many more", () => {
    const changes = Array.from({ length: 5_000 }, (_, i) => ({
      address: `aws_s3_object.o[${i}]`,
      mode: "managed",
      change: { actions: ["delete"], before: {}, after: null },
    }));
    const stack = analyzeStack({
      name: "data-dev",
      json: JSON.stringify({ format_version: "1.2", resource_changes: changes }),
      text: "Plan: 0 to add, 0 to change, 5000 to destroy.",
    });
    const body = renderComment([stack], options);
    expect(measure(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain("### ⚠️ Destructive changes: 5,000 destroys, 0 replacements");
    expect(body).toMatch(/- … and [\d,]+ more, listed in \[the run's job summary and artifacts\]/);
    expect(body).toContain("| `data-dev` | 0 | 0 | 0 | **5,000** | ⚠️ changes |");
  });

  it("writes the job summary with full plans, cut only at GitHub's 1 MiB cap", () => {
    const stacks = [...awsStacks(), analyzeStack({ name: "reports-dev", ...bigPlan(1_500) })];
    const summary = renderComment(stacks, { ...options, target: "summary" });
    expect(summary).not.toContain("plan-comment:env");
    expect(summary).toContain("aws_cloudwatch_log_group.g[1499] will be created");
    expect(summary).not.toContain("✂️");
    const huge = renderComment([...stacks, analyzeStack({ name: "zz-dev", ...bigPlan(5_000) })], {
      ...options,
      target: "summary",
    });
    expect(measure(huge)).toBeLessThan(GITHUB_SUMMARY_MAX);
    expect(huge).toContain("✂️ **Plans cut to fit GitHub's 1 MiB job summary limit:** `zz-dev` (truncated)");
    expect(huge).toContain(`[the run's plan artifacts](${RUN})`);
  });
});

describe("the CLI", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-comment-"));
    cpSync(AWS, join(dir, "plans"), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const quiet = { stdout: () => undefined, stderr: () => undefined };

  it("writes the comment, the summary, scrubbed artifacts and step outputs from a plans directory", () => {
    writeFileSync(join(dir, "plans", "reports-dev.error.txt"), read(REAL, "failed.error.txt"));
    const log: string[] = [];
    const code = runCli(
      [
        "--env",
        "dev",
        "--plans",
        join(dir, "plans"),
        "--run-url",
        RUN,
        "--sha",
        SHA,
        "--out",
        join(dir, "comment.md"),
        "--summary",
        join(dir, "summary.md"),
        "--artifact-dir",
        join(dir, "artifacts"),
        "--github-output",
        join(dir, "out.txt"),
        "--stacks",
        "api-dev,search-dev",
      ],
      { stdout: () => undefined, stderr: (t) => log.push(t) },
    );
    expect(code).toBe(0);
    const comment = readFileSync(join(dir, "comment.md"), "utf8");
    expect(comment.startsWith("<!-- plan-comment:env=dev -->\n")).toBe(true);
    expect(comment).toContain("**6 stacks**");
    expect(comment).toContain("| `reports-dev` | — | — | — | — | ❌ failed |");
    expect(comment).toContain("| `search-dev` | — | — | — | — | ❌ failed |"); // expected, but its job wrote nothing
    expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain("## Terraform plan · `dev` (full plans)");
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("changes=true\ndestructive=true\nfailed=true\n");
    const artifact = readFileSync(join(dir, "artifacts", "data-dev.txt"), "utf8");
    expect(artifact).toContain("aws_ssm_parameter.reporting_url");
    expect(artifact).not.toContain(DB_PASSWORD);
    expect(existsSync(join(dir, "artifacts", "reports-dev.error.txt"))).toBe(true);
    expect(existsSync(join(dir, "artifacts", "data-dev.json"))).toBe(false);
    expect(log.join("")).toMatch(/dev: 6 stack\(s\), changes=true, destructive=true, failed: reports-dev, search-dev/);
  });

  it("prepare: keeps the raw JSON plan in the plan job, and the comment from its output is the same", () => {
    writeFileSync(
      join(dir, "plans", "reports-dev.error.txt"),
      `${read(REAL, "failed.error.txt")}\npassword = "leaked-in-a-log"\n`,
    );
    expect(runCli(["prepare", "--plans", join(dir, "plans"), "--out-dir", join(dir, "prepared")], quiet)).toBe(0);
    const files = readdirSync(join(dir, "prepared")).sort();
    expect(files).toEqual([
      "api-dev.summary.json",
      "api-dev.txt",
      "data-dev.summary.json",
      "data-dev.txt",
      "network-dev.summary.json",
      "network-dev.txt",
      "observability-dev.summary.json",
      "observability-dev.txt",
      "reports-dev.error.txt",
    ]);
    for (const file of files) {
      const content = readFileSync(join(dir, "prepared", file), "utf8");
      for (const secret of [DB_PASSWORD, OLD_DB_PASSWORD, API_TOKEN, "leaked-in-a-log"])
        expect(content).not.toContain(secret);
    }
    const fromRaw = ["--env", "dev", "--plans", join(dir, "plans"), "--run-url", RUN, "--out", join(dir, "raw.md")];
    const fromPrepared = [
      "--env",
      "dev",
      "--plans",
      join(dir, "prepared"),
      "--run-url",
      RUN,
      "--out",
      join(dir, "prepared.md"),
    ];
    expect(runCli(fromRaw, quiet)).toBe(0);
    expect(runCli(fromPrepared, quiet)).toBe(0);
    expect(readFileSync(join(dir, "prepared.md"), "utf8")).toBe(readFileSync(join(dir, "raw.md"), "utf8"));
    // A summary that is not one is a failed stack, not a crash.
    writeFileSync(join(dir, "prepared", "api-dev.summary.json"), '{"counts":{}}');
    expect(
      analyzeStack(readPlanDir(join(dir, "prepared")).find((s) => s.name === "api-dev") ?? { name: "?" }),
    ).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/api-dev\.summary\.json is not a plan summary/),
    });
    expect(runCli(["prepare", "--plans", join(dir, "plans")], quiet)).toBe(2);
  });

  it("reads stacks from the files present", () => {
    expect(readPlanDir(join(dir, "plans")).map((s) => s.name)).toEqual([
      "api-dev",
      "data-dev",
      "network-dev",
      "observability-dev",
    ]);
  });

  it("rejects bad usage with exit code 2", () => {
    expect(runCli(["--plans", dir], quiet)).toBe(2);
    expect(runCli(["--env", "dev"], quiet)).toBe(2);
    expect(runCli(["--env", "dev", "--plans", dir, "--bogus"], quiet)).toBe(2);
    expect(runCli(["--env", "dev", "--plans", dir, "extra"], quiet)).toBe(2);
    expect(runCli(["--env", "dev", "--plans", dir, "--limit", "70000"], quiet)).toBe(2);
    expect(runCli(["--env", "dev", "--plans", join(dir, "missing")], quiet)).toBe(1);
  });

  it("runs as `tsx scripts/plan-comment.ts` (the ESM entry point CI calls)", () => {
    const tsx = join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
    const result = spawnSync(
      process.execPath,
      [tsx, "scripts/plan-comment.ts", "--env", "dev", "--plans", join(dir, "plans"), "--run-url", RUN],
      {
        cwd: process.cwd(),
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout.startsWith("<!-- plan-comment:env=dev -->\n")).toBe(true);
    expect(result.stdout).toContain("**4 stacks** · 4 to add, 3 to change, 2 to replace, 1 to destroy");
  });
});
