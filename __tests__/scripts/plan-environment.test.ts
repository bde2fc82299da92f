import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../scripts/plan/cli";
import { planEnvironment, UPSTREAM_OVERRIDE_FILE } from "../../scripts/plan/plan-environment";
import { attributeReferences, placeholderArn, placeholderId, placeholderValue } from "../../scripts/plan/placeholders";
import { planStack, planText } from "../../scripts/plan/plan-stack";
import { reducePlan } from "../../scripts/plan/reduce-plan";
import {
  backendOf,
  outputsState,
  pendingOutputs,
  plannedOutputs,
  remoteStateOverride,
  remoteStateReads,
  typeOf,
} from "../../scripts/plan/upstream-outputs";
import { collectSensitiveValues, summarizePlan } from "../../scripts/plan-comment/index";
import type { TerraformTooling } from "../../stacks/terraform/validate";

/**
 * scripts/plan: planning an environment's stacks in dependency order, each downstream against
 * its upstream's planned outputs. Without terraform: plan JSON built here and a stand-in
 * terraform. The real thing, offline, is __tests__/stacks/terraform-plan.test.ts.
 */
const SECRET = "hunter2-very-secret";
const REGION = "eu-west-1";

/**
 * A plan JSON of an upstream: one output known and unchanged, one unknown ARN, one new, a tuple half known,
 * one removed.
 */
const upstreamPlan = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  variables: { db_password: { value: SECRET } },
  planned_values: {
    outputs: {
      vpc_cidr: { sensitive: false, value: "10.0.0.0/16", type: "string" },
      key_arn: { sensitive: true },
      subnet_ids: { sensitive: false },
      db_name: { sensitive: true, value: "analytics", type: "string" },
      port: { sensitive: false, value: 3306, type: "number" },
    },
    root_module: { resources: [{ address: "aws_db_instance.db", values: { password: SECRET } }] },
  },
  output_changes: {
    vpc_cidr: { actions: ["no-op"], before: "10.0.0.0/16", after: "10.0.0.0/16", after_unknown: false },
    key_arn: {
      actions: ["update"],
      before: "arn:aws:kms:eu-west-1:111111111111:key/old",
      after_unknown: true,
      after_sensitive: true,
    },
    subnet_ids: {
      actions: ["create"],
      before: null,
      after: ["subnet-0aaaaaaaaaaaaaaaa", null],
      after_unknown: [false, true],
    },
    db_name: {
      actions: ["update"],
      before: "old_name",
      after: "analytics",
      after_unknown: false,
      after_sensitive: true,
    },
    port: { actions: ["no-op"], before: 3306, after: 3306, after_unknown: false },
    gone: { actions: ["delete"], before: "x", after: null, after_unknown: false },
  },
  resource_changes: [
    {
      address: "aws_db_instance.db",
      mode: "managed",
      type: "aws_db_instance",
      name: "db",
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions: ["update"],
        before: { password: "previous-password-value" },
        after: { password: SECRET },
        after_sensitive: { password: true },
      },
    },
    {
      address: "aws_s3_bucket.b[0]",
      previous_address: "aws_s3_bucket.old",
      mode: "managed",
      type: "aws_s3_bucket",
      name: "b",
      index: 0,
      provider_name: "registry.terraform.io/hashicorp/aws",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: {},
        after: {},
        replace_paths: [["bucket"]],
        importing: { id: "b", unexpected: SECRET },
      },
    },
  ],
  configuration: {
    provider_config: {
      aws: {
        name: "aws",
        full_name: "registry.terraform.io/hashicorp/aws",
        expressions: { region: { constant_value: REGION } },
      },
    },
    root_module: {
      outputs: {
        key_arn: {
          sensitive: true,
          expression: { references: ["aws_kms_key.logs-key_44F95A88.arn", "aws_kms_key.logs-key_44F95A88"] },
        },
        subnet_ids: {
          expression: { references: ["aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"] },
        },
      },
      variables: { db_password: { sensitive: true } },
    },
  },
};

describe("reducePlan (what leaves the plan job instead of the JSON plan)", () => {
  test("keeps addresses, actions, reasons and attribute paths; drops every value", () => {
    const reduced = reducePlan(upstreamPlan);
    const text = JSON.stringify(reduced);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("previous-password-value");
    expect(reduced).toEqual({
      format_version: "1.2",
      terraform_version: "1.11.4",
      errored: false,
      resource_changes: [
        {
          address: "aws_db_instance.db",
          mode: "managed",
          type: "aws_db_instance",
          name: "db",
          provider_name: "registry.terraform.io/hashicorp/aws",
          change: { actions: ["update"] },
        },
        {
          address: "aws_s3_bucket.b[0]",
          previous_address: "aws_s3_bucket.old",
          mode: "managed",
          type: "aws_s3_bucket",
          name: "b",
          index: 0,
          provider_name: "registry.terraform.io/hashicorp/aws",
          action_reason: "replace_because_cannot_update",
          change: { actions: ["delete", "create"], replace_paths: [["bucket"]], importing: { id: "b" } },
        },
      ],
      output_changes: {
        vpc_cidr: { actions: ["no-op"] },
        key_arn: { actions: ["update"] },
        subnet_ids: { actions: ["create"] },
        db_name: { actions: ["update"] },
        port: { actions: ["no-op"] },
        gone: { actions: ["delete"] },
      },
    });
    // The comment counts the same from it, and finds nothing to scrub in it.
    expect(summarizePlan(reduced).counts).toEqual(summarizePlan(upstreamPlan).counts);
    expect(collectSensitiveValues(reduced)).toEqual([]);
  });

  test("keeps errored and rejects what is not a plan", () => {
    expect(reducePlan({ format_version: "1.2", errored: true }).errored).toBe(true);
    expect(() => reducePlan({})).toThrow("not a Terraform JSON plan");
  });
});

describe("planText", () => {
  test("is the plan as `terraform show` renders it: no progress lines, no 'Saved the plan', warnings kept", () => {
    const stdout = [
      "data.aws_caller_identity.current: Reading...",
      "aws_vpc.main: Refreshing state... [id=vpc-0123]",
      "data.aws_caller_identity.current: Read complete after 0s [id=123456789012]",
      "",
      "Terraform used the selected providers to generate the following execution",
      "plan. Resource actions are indicated with the following symbols:",
      "  + create",
      "",
      "Plan: 1 to add, 0 to change, 0 to destroy.",
      "",
      "Warning: Argument is deprecated",
      "",
      "─────────────────────────────────────────────────────────────────────────────",
      "",
      "Saved the plan to: plan.out",
      "",
      "To perform exactly these actions, run the following command to apply:",
      '    terraform apply "plan.out"',
      "",
    ].join("\n");
    expect(planText(stdout)).toBe(
      [
        "Terraform used the selected providers to generate the following execution",
        "plan. Resource actions are indicated with the following symbols:",
        "  + create",
        "",
        "Plan: 1 to add, 0 to change, 0 to destroy.",
        "",
        "Warning: Argument is deprecated",
        "",
      ].join("\n"),
    );
    expect(planText("No changes. Your infrastructure matches the configuration.\n")).toBe(
      "No changes. Your infrastructure matches the configuration.\n",
    );
  });
});

describe("placeholders", () => {
  test("an output's references name the resource type and attribute", () => {
    expect(attributeReferences(["aws_kms_key.logs-key_44F95A88.arn", "aws_kms_key.logs-key_44F95A88"])).toEqual([
      { type: "aws_kms_key", name: "logs-key_44F95A88", attribute: "arn" },
    ]);
    expect(attributeReferences(["data.aws_iam_role.r.arn", "var.x", "local.y", "aws_subnet.s[0].id"])).toEqual([
      { type: "aws_iam_role", name: "r", attribute: "arn" },
      { type: "aws_subnet", name: "s", attribute: "id" },
    ]);
  });

  test.each([
    ["aws_kms_key", /^arn:aws:kms:eu-west-1:123456789012:key\/00000000-0000-4000-8000-[0-9a-f]{12}$/],
    ["aws_db_proxy", /^arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-00000000[0-9a-f]{9}$/],
    ["aws_secretsmanager_secret", /^arn:aws:secretsmanager:eu-west-1:123456789012:secret:00000000-x-AbCdEf$/],
    ["aws_iam_role", /^arn:aws:iam::123456789012:role\/00000000-x$/],
    ["aws_s3_bucket", /^arn:aws:s3:::00000000-x$/],
    ["aws_sns_topic", /^arn:aws:sns:eu-west-1:123456789012:00000000-x$/],
    ["aws_subnet", /^arn:aws:ec2:eu-west-1:123456789012:subnet\/subnet-00000000[0-9a-f]{9}$/],
    ["aws_cloudwatch_log_group", /^arn:aws:logs:eu-west-1:123456789012:log-group:00000000-x$/],
    ["aws_elasticache_cluster", /^arn:aws:elasticache:eu-west-1:123456789012:cluster\/00000000-x$/],
  ])("the ARN of a %s", (type, shape) => {
    expect(placeholderArn({ type, name: "x", attribute: "arn" }, REGION)).toMatch(shape);
    // ARN-shaped in general: arn:partition:service:region:account:resource
    expect(placeholderValue({ type, name: "x", attribute: "arn" }, REGION, "o")).toMatch(
      /^arn:aws:[a-z0-9-]+:(eu-west-1)?:(123456789012)?:.+$/,
    );
  });

  test("ids carry their resource's prefix and a hex body, stable per resource", () => {
    expect(placeholderId({ type: "aws_security_group", name: "db", attribute: "id" }, REGION)).toMatch(
      /^sg-00000000[0-9a-f]{9}$/,
    );
    expect(placeholderId({ type: "aws_vpc", name: "main", attribute: "id" }, REGION)).toMatch(
      /^vpc-00000000[0-9a-f]{9}$/,
    );
    expect(placeholderId({ type: "aws_kms_key", name: "k", attribute: "id" }, REGION)).toMatch(
      /^00000000-0000-4000-8000-[0-9a-f]{12}$/,
    );
    expect(placeholderId({ type: "aws_sns_topic", name: "t", attribute: "id" }, REGION)).toBe(
      placeholderArn({ type: "aws_sns_topic", name: "t", attribute: "arn" }, REGION),
    );
    const a = placeholderId({ type: "aws_subnet", name: "a", attribute: "id" }, REGION);
    expect(placeholderId({ type: "aws_subnet", name: "a", attribute: "id" }, REGION)).toBe(a);
    expect(placeholderId({ type: "aws_subnet", name: "b", attribute: "id" }, REGION)).not.toBe(a);
  });

  test("by attribute: lists for plural names, hosts for endpoints, URLs, ports; a name-like string otherwise", () => {
    expect(placeholderValue({ type: "aws_db_subnet_group", name: "g", attribute: "subnet_ids" }, REGION, "o")).toEqual([
      expect.stringMatching(/^00000000[0-9a-f]{9}$/),
    ]);
    expect(placeholderValue({ type: "aws_db_proxy", name: "p", attribute: "endpoint" }, REGION, "o")).toMatch(
      /^00000000-p\.proxy-00000000[0-9a-f]{4}\.eu-west-1\.rds\.amazonaws\.com$/,
    );
    expect(
      placeholderValue({ type: "aws_api_gateway_stage", name: "s", attribute: "invoke_url" }, REGION, "o"),
    ).toMatch(/^https:\/\/00000000[0-9a-f]{2}\.execute-api\.eu-west-1\.amazonaws\.com\/s$/);
    expect(placeholderValue({ type: "aws_db_instance", name: "d", attribute: "port" }, REGION, "o")).toBe(3306);
    expect(placeholderValue({ type: "aws_db_instance", name: "Main_DB", attribute: "identifier" }, REGION, "o")).toBe(
      "00000000-main-db",
    );
    expect(placeholderValue(undefined, REGION, "my_output")).toBe("00000000-my-output");
  });
});

describe("planned outputs", () => {
  const outputs = plannedOutputs(upstreamPlan);

  test("known values as they are (with Terraform's type), unknown ones as placeholders, removed ones listed", () => {
    expect(outputs.vpc_cidr).toEqual({ value: "10.0.0.0/16", type: "string", sensitive: false, change: "no-op" });
    expect(outputs.port).toEqual({ value: 3306, type: "number", sensitive: false, change: "no-op" });
    expect(outputs.db_name).toEqual({ value: "analytics", type: "string", sensitive: true, change: "changed" });
    expect(outputs.key_arn).toEqual({
      value: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//),
      type: "string",
      sensitive: true,
      change: "unknown",
    });
    // Half known: the known element kept, the unknown one from the matching reference.
    expect(outputs.subnet_ids).toEqual({
      value: ["subnet-0aaaaaaaaaaaaaaaa", placeholderId({ type: "aws_subnet", name: "b", attribute: "id" }, REGION)],
      type: ["tuple", ["string", "string"]],
      sensitive: false,
      change: "new",
    });
    expect(outputs.gone).toMatchObject({ change: "removed" });
  });

  test("a state file (format 4) with only the outputs, typed, sensitive marked, removed ones left out", () => {
    const state = JSON.parse(outputsState(outputs, "1.11.4"));
    expect(state).toMatchObject({ version: 4, terraform_version: "1.11.4", serial: 1, resources: [] });
    expect(typeof state.lineage).toBe("string");
    expect(Object.keys(state.outputs).sort()).toEqual(["db_name", "key_arn", "port", "subnet_ids", "vpc_cidr"]);
    expect(state.outputs.db_name).toEqual({ value: "analytics", type: "string", sensitive: true });
    expect(state.outputs.vpc_cidr).toEqual({ value: "10.0.0.0/16", type: "string" });
    expect(typeOf({ a: [1, true], b: null })).toEqual(["object", { a: ["tuple", ["number", "bool"]], b: "dynamic" }]);
  });

  test("pending: what a downstream reads that is new, changed, unknown or missing; unchanged outputs are not", () => {
    const read = {
      dataSource: "up",
      upstream: "network-dev",
      outputs: ["db_name", "key_arn", "missing", "subnet_ids", "vpc_cidr"],
    };
    expect(pendingOutputs(read, outputs)).toEqual({
      stack: "network-dev",
      read: 5,
      pending: [
        { name: "db_name", change: "changed" },
        { name: "key_arn", change: "unknown" },
        { name: "missing", change: "removed" },
        { name: "subnet_ids", change: "new" },
      ],
    });
    expect(pendingOutputs({ ...read, outputs: ["vpc_cidr", "port"] }, outputs).pending).toEqual([]);
  });
});

describe("remote state reads", () => {
  const s3 = (key: string) => ({ bucket: "state", encrypt: true, key, region: REGION, use_lockfile: true });
  const stack = {
    data: {
      terraform_remote_state: {
        "cross-stack-reference-input-network-dev": {
          backend: "s3",
          config: { bucket: "state", encrypt: true, key: "p/dev/network-dev.tfstate", region: REGION },
          workspace: "${terraform.workspace}",
        },
        local: { backend: "local", config: { path: "/state/terraform.data-dev.tfstate" } },
        "cross-stack-reference-input-other-dev": { backend: "local", config: { path: "/elsewhere" } },
        unknown: { backend: "local", config: { path: "/nowhere" } },
      },
    },
    resource: {
      x: {
        a: {
          subnet: "${data.terraform_remote_state.cross-stack-reference-input-network-dev.outputs.subnet-b}",
          n: '${data.terraform_remote_state.local.outputs["db name"]}',
        },
        b: {
          list: [
            "${data.terraform_remote_state.cross-stack-reference-input-network-dev.outputs.subnet-a}",
            "${data.terraform_remote_state.cross-stack-reference-input-network-dev.outputs.subnet-b}",
          ],
        },
      },
    },
  };
  const candidates = {
    "network-dev": { type: "s3", config: s3("p/dev/network-dev.tfstate") },
    "data-dev": { type: "local", config: { path: "/state/terraform.data-dev.tfstate" } },
    "other-dev": { type: "local", config: { path: "/not-the-same" } },
  };

  test("maps each data source to the stack whose backend it reads (config, else cdktf's name) and its outputs", () => {
    expect(remoteStateReads(stack, candidates)).toEqual([
      {
        dataSource: "cross-stack-reference-input-network-dev",
        upstream: "network-dev",
        outputs: ["subnet-a", "subnet-b"],
      },
      { dataSource: "cross-stack-reference-input-other-dev", upstream: "other-dev", outputs: [] },
      { dataSource: "local", upstream: "data-dev", outputs: ["db name"] },
      { dataSource: "unknown", upstream: undefined, outputs: [] },
    ]);
  });

  test("the backend of a synthesized stack, and the override pointing data sources at local files", () => {
    expect(backendOf({ terraform: { backend: { s3: s3("k") } } })).toEqual({ type: "s3", config: s3("k") });
    expect(backendOf({ terraform: {} })).toBeUndefined();
    expect(JSON.parse(remoteStateOverride({ a: "/w/upstream-outputs/network-dev.tfstate" }))).toEqual({
      data: {
        terraform_remote_state: {
          a: { backend: "local", config: { path: "/w/upstream-outputs/network-dev.tfstate" } },
        },
      },
    });
  });
});

/**
 * A stand-in terraform for the orchestration: `plan` answers with the plan JSON of the stack
 * (named by the working copy's folder) from $FAKE_TF_PLANS, fails for $FAKE_TF_FAIL=<stack>:<step>,
 * and records the upstream override file it was given.
 */
function fakeTerraform(dir: string): string {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  const overrideSeen = "$FAKE_TF_PLANS/$stack.override.seen";
  // A printf format: printf turns its \n into newlines.
  const planStdout =
    "data.aws_caller_identity.current: Reading...\\n\\nTerraform will perform the following actions:\\n" +
    "  ~ password = (sensitive value)\\n\\nPlan: 1 to add, 1 to change, 1 to destroy.\\n\\n" +
    "Saved the plan to: plan.out\\n";
  writeFileSync(
    join(bin, "terraform"),
    `#!/usr/bin/env bash
set -euo pipefail
stack=$(basename "$(pwd)")
cmd=$1
if [[ "\${FAKE_TF_FAIL:-}" == "$stack:$cmd" ]]; then echo "Error: $cmd exploded for $stack" >&2; exit 1; fi
case "$cmd" in
  version) echo '{"terraform_version":"1.11.4"}' ;;
  init) echo "Terraform has been successfully initialized!" ;;
  plan) echo "binary plan with ${SECRET}" > plan.out
        if [[ -f ${UPSTREAM_OVERRIDE_FILE} ]]; then cp ${UPSTREAM_OVERRIDE_FILE} "${overrideSeen}"; fi
        printf '${planStdout}' ;;
  show) [[ -f plan.out ]] || { echo "no plan.out" >&2; exit 1; }
        cat "$FAKE_TF_PLANS/$stack.plan.json" ;;
esac
`,
  );
  chmodSync(join(bin, "terraform"), 0o755);
  return join(bin, "terraform");
}

describe("planning with a stand-in terraform", () => {
  let dir: string;
  let terraform: string;
  let tooling: TerraformTooling;
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    FAKE_TF_PLANS: join(dir, "canned"),
    ...extra,
  });

  /** A synth output: network-x (outputs) <- data-x (reads two of them) <- api-x (reads data-x), and bootstrap-x. */
  function synthOutput(): string {
    const out = join(dir, "cdktf.out");
    const local = (stack: string) => ({ local: { path: `/state/terraform.${stack}.tfstate` } });
    const stacks: Record<string, { dependencies: string[]; json: unknown }> = {
      "bootstrap-x": { dependencies: [], json: { terraform: { backend: local("bootstrap-x") } } },
      "network-x": { dependencies: [], json: { terraform: { backend: local("network-x") } } },
      "data-x": {
        dependencies: ["network-x"],
        json: {
          terraform: { backend: local("data-x") },
          data: {
            terraform_remote_state: {
              "cross-stack-reference-input-network-x": {
                backend: "local",
                config: { path: "/state/terraform.network-x.tfstate" },
              },
            },
          },
          resource: {
            r: {
              a: {
                v: "${data.terraform_remote_state.cross-stack-reference-input-network-x.outputs.key_arn}",
                w: "${data.terraform_remote_state.cross-stack-reference-input-network-x.outputs.vpc_cidr}",
              },
            },
          },
        },
      },
      "api-x": {
        dependencies: ["data-x"],
        json: {
          terraform: { backend: local("api-x") },
          data: {
            terraform_remote_state: {
              "cross-stack-reference-input-data-x": {
                backend: "local",
                config: { path: "/state/terraform.data-x.tfstate" },
              },
            },
          },
          resource: {
            r: { a: { v: "${data.terraform_remote_state.cross-stack-reference-input-data-x.outputs.db_name}" } },
          },
        },
      },
    };
    mkdirSync(join(dir, "canned"), { recursive: true });
    const manifest: Record<string, unknown> = {};
    for (const [name, s] of Object.entries(stacks)) {
      mkdirSync(join(out, "stacks", name), { recursive: true });
      writeFileSync(join(out, "stacks", name, "cdk.tf.json"), JSON.stringify(s.json));
      manifest[name] = { name, workingDirectory: `stacks/${name}`, dependencies: s.dependencies };
      const plan =
        name === "network-x" || name === "data-x"
          ? upstreamPlan
          : { format_version: "1.2", resource_changes: [], output_changes: {} };
      writeFileSync(join(dir, "canned", `${name}.plan.json`), JSON.stringify(plan));
    }
    writeFileSync(join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: manifest }));
    return out;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "plan-environment-"));
    terraform = fakeTerraform(dir);
    tooling = { terraform, version: "1.11.4", providers: { kind: "registry" } };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("each stack in dependency order, against its upstreams' planned outputs; no binary plan anywhere", async () => {
    const out = synthOutput();
    const plans = join(dir, "plans");
    const log: string[] = [];
    const results = await planEnvironment({
      outDir: out,
      environment: "x",
      plansDir: plans,
      tooling,
      env: env(),
      pluginCacheDir: join(dir, "cache"),
      log: (l) => log.push(l),
    });
    expect(results.map((r) => [r.stack, r.ok])).toEqual([
      ["bootstrap-x", true],
      ["network-x", true],
      ["data-x", true],
      ["api-x", true],
    ]);
    // data-x read network-x's planned outputs from a local state file, through an override file.
    const override = JSON.parse(readFileSync(join(dir, "canned", "data-x.override.seen"), "utf8"));
    const path = override.data.terraform_remote_state["cross-stack-reference-input-network-x"].config.path as string;
    expect(override.data.terraform_remote_state["cross-stack-reference-input-network-x"].backend).toBe("local");
    expect(path.endsWith("upstream-outputs/network-x.tfstate")).toBe(true);
    expect(existsSync(join(dir, "canned", "network-x.override.seen"))).toBe(false);
    expect(results[2].upstreams).toEqual([
      { stack: "network-x", read: 2, pending: [{ name: "key_arn", change: "unknown" }] },
    ]);
    expect(results[3].upstreams).toEqual([
      { stack: "data-x", read: 1, pending: [{ name: "db_name", change: "changed" }] },
    ]);
    expect(JSON.parse(readFileSync(join(plans, "data-x.upstream.json"), "utf8"))).toEqual({
      upstreams: results[2].upstreams,
    });
    // Per stack the value-free JSON and the text; the synth output untouched; the working copies gone.
    expect(readdirSync(plans).sort()).toEqual([
      "api-x.json",
      "api-x.txt",
      "api-x.upstream.json",
      "bootstrap-x.json",
      "bootstrap-x.txt",
      "data-x.json",
      "data-x.txt",
      "data-x.upstream.json",
      "network-x.json",
      "network-x.txt",
    ]);
    for (const file of readdirSync(plans)) expect(readFileSync(join(plans, file), "utf8")).not.toContain(SECRET);
    expect(readFileSync(join(plans, "data-x.txt"), "utf8")).toBe(
      "Terraform will perform the following actions:\n  ~ password = (sensitive value)\n\n" +
        "Plan: 1 to add, 1 to change, 1 to destroy.\n",
    );
    expect(readdirSync(join(out, "stacks", "data-x"))).toEqual(["cdk.tf.json"]);
    expect(readdirSync(dir).sort()).toEqual(["bin", "cache", "canned", "cdktf.out", "plans"]);
    expect(log.join("\n")).toContain("data-x: planned (against the pending outputs of network-x)");
  });

  test.each(["init", "plan", "show"])(
    "a failing terraform %s: only <stack>.error.txt (naming the stack), downstreams not planned, no plan.out left",
    async (step) => {
      const out = synthOutput();
      const plans = join(dir, "plans");
      mkdirSync(plans);
      writeFileSync(join(plans, "network-x.txt"), "stale from an earlier attempt");
      const work = join(dir, "work");
      const results = await planEnvironment({
        outDir: out,
        environment: "x",
        plansDir: plans,
        tooling,
        env: env({ FAKE_TF_FAIL: `network-x:${step}` }),
        workDir: work,
        keepWorkDir: true,
        pluginCacheDir: join(dir, "cache"),
      });
      expect(results.map((r) => [r.stack, r.ok])).toEqual([
        ["bootstrap-x", true],
        ["network-x", false],
        ["data-x", false],
        ["api-x", false],
      ]);
      const error = readFileSync(join(plans, "network-x.error.txt"), "utf8");
      expect(error).toContain(`terraform ${step === "show" ? "show -json" : step} failed for network-x`);
      expect(error).toContain(`Error: ${step} exploded for network-x`);
      expect(existsSync(join(plans, "network-x.txt"))).toBe(false);
      expect(existsSync(join(plans, "network-x.json"))).toBe(false);
      expect(readFileSync(join(plans, "data-x.error.txt"), "utf8")).toBe(
        "data-x was not planned: it reads the outputs of network-x, whose plan failed (see there).\n",
      );
      expect(readFileSync(join(plans, "api-x.error.txt"), "utf8")).toContain("it reads the outputs of data-x");
      for (const stack of ["bootstrap-x", "network-x"]) expect(existsSync(join(work, stack, "plan.out"))).toBe(false);
    },
  );

  test("a stack that cannot start (its folder is gone) fails with an error file; the rest still plan", async () => {
    const out = synthOutput();
    // The manifest points api-x at a folder that is gone by the time it is planned.
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    manifest.stacks["api-x"].workingDirectory = "stacks/missing";
    writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
    mkdirSync(join(out, "stacks", "missing"));
    writeFileSync(join(out, "stacks", "missing", "cdk.tf.json"), "{}");
    const plans = join(dir, "plans");
    const results = await planEnvironment({
      outDir: out,
      environment: "x",
      plansDir: plans,
      tooling,
      env: env(),
      pluginCacheDir: join(dir, "cache"),
      log: (line) => {
        if (line.startsWith("data-x")) rmSync(join(out, "stacks", "missing"), { recursive: true });
      },
    });
    expect(results.map((r) => [r.stack, r.ok])).toEqual([
      ["bootstrap-x", true],
      ["network-x", true],
      ["data-x", true],
      ["api-x", false],
    ]);
    expect(readFileSync(join(plans, "api-x.error.txt"), "utf8")).toMatch(
      /^api-x was not planned: .*stacks\/missing \(stack api-x\) does not exist/,
    );
  });

  test("planStack never modifies the synthesized folder and copies no Terraform leftovers", async () => {
    const source = join(dir, "source", "s-x");
    mkdirSync(join(source, ".terraform", "providers"), { recursive: true });
    mkdirSync(join(source, "assets", "fn"), { recursive: true });
    writeFileSync(join(source, "cdk.tf.json"), "{}");
    writeFileSync(join(source, "assets", "fn", "archive.zip"), "zip");
    writeFileSync(join(source, "plan.out"), "old binary plan");
    writeFileSync(join(source, "terraform.tfstate"), "{}");
    mkdirSync(join(dir, "canned"));
    writeFileSync(join(dir, "canned", "s-x.plan.json"), JSON.stringify({ format_version: "1.2" }));
    const outcome = await planStack({
      stack: "s-x",
      sourceDir: source,
      workDir: join(dir, "work"),
      plansDir: join(dir, "plans"),
      terraform,
      env: env(),
      files: { "x_override.tf.json": "{}" },
    });
    expect(outcome.ok).toBe(true);
    expect(readdirSync(join(dir, "work", "s-x")).sort()).toEqual(["assets", "cdk.tf.json", "x_override.tf.json"]);
    expect(readdirSync(source).sort()).toEqual([
      ".terraform",
      "assets",
      "cdk.tf.json",
      "plan.out",
      "terraform.tfstate",
    ]);
  });
});

describe("scripts/plan-environment.ts CLI", () => {
  const io = () => {
    const out: string[] = [];
    return { out, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t) } };
  };

  test("bad usage is exit code 2", async () => {
    expect(await runCli(["--environment", "dev"], io().io)).toBe(2);
    expect(await runCli(["--out", "x", "--environment", "dev", "--plans", "p", "--concurrency", "0"], io().io)).toBe(2);
    expect(await runCli(["--bogus"], io().io)).toBe(2);
  });

  test("without terraform: an error file per stack saying why, exit 1 (annotated in GitHub Actions)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-cli-"));
    try {
      const out = join(dir, "cdktf.out");
      mkdirSync(out);
      writeFileSync(
        join(out, "manifest.json"),
        JSON.stringify({
          stacks: {
            "network-x": { workingDirectory: "stacks/network-x" },
            "data-x": { workingDirectory: "stacks/data-x", dependencies: ["network-x"] },
            "api-y": { workingDirectory: "stacks/api-y" },
          },
        }),
      );
      const { out: printed, io: cliIo } = io();
      const code = await runCli(["--out", out, "--environment", "x", "--plans", join(dir, "plans")], cliIo, {
        ...process.env,
        TERRAFORM_BINARY: join(dir, "no-terraform"),
        GITHUB_ACTIONS: "true",
      });
      expect(code).toBe(1);
      expect(readdirSync(join(dir, "plans")).sort()).toEqual(["data-x.error.txt", "network-x.error.txt"]);
      expect(readFileSync(join(dir, "plans", "network-x.error.txt"), "utf8")).toMatch(
        /^network-x was not planned: terraform not found/,
      );
      expect(printed.join("")).toContain("::error title=Plan::terraform not found");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
