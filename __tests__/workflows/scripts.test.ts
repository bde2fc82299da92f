import { execFile, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  BUNDLE_LIMIT_BYTES,
  bundleSizeTable,
  main as bundleSizesMain,
  parseBundleSizes,
} from "../../.github/scripts/bundle-sizes";
import {
  deployOrder,
  environmentOf,
  environmentPlans,
  environmentStacks,
  main as stacksMain,
  parseManifest,
  planRoleVariable,
  type Manifest,
} from "../../.github/scripts/cdktf-stacks";
import { BUNDLE_SIZE_LIMIT_BYTES } from "../../stacks/constructs/compute/bundle";
import { ROOT, SCRIPTS_DIR } from "./support";

const run = promisify(execFile);
const has = (command: string) => spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;

/** The shape `cdktf synth` writes (see cdktf.out/manifest.json): keyed by stack, dependencies by name. */
function manifestOf(environments: string[], extra: Record<string, { dependencies?: string[] }> = {}): Manifest {
  const stacks: Manifest["stacks"] = {};
  const add = (name: string, dependencies: string[]) => {
    stacks[name] = { name, workingDirectory: `stacks/${name}`, dependencies };
  };
  // Deliberately not in dependency order, like cdktf's alphabetical manifest.
  for (const env of environments) {
    add(`observability-${env}`, [`data-${env}`, `api-${env}`]);
    add(`api-${env}`, [`network-${env}`, `data-${env}`]);
    add(`network-${env}`, []);
    add(`data-${env}`, [`network-${env}`]);
  }
  for (const [name, { dependencies = [] }] of Object.entries(extra)) add(name, dependencies);
  return { stacks };
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "workflow-scripts-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("cdktf-stacks.ts", () => {
  test("a stack's environment is the suffix after the last '-'", () => {
    expect(environmentOf("api-prod")).toBe("prod");
    expect(environmentOf("my-long-kind-staging")).toBe("staging");
    expect(environmentOf("bootstrap")).toBeUndefined();
    expect(environmentOf("trailing-")).toBeUndefined();
    expect(planRoleVariable("dev")).toBe("AWS_PLAN_ROLE_ARN_DEV");
    expect(planRoleVariable("pre-prod")).toBe("AWS_PLAN_ROLE_ARN_PRE_PROD");
  });

  test("the plan matrix: one entry per target environment, its role variable and stacks in dependency order", () => {
    const plans = environmentPlans(manifestOf(["dev", "staging", "prod", "sandbox"]), ["dev", "staging", "prod"]);
    expect(plans).toEqual(
      ["dev", "staging", "prod"].map((env) => ({
        environment: env,
        planRoleVariable: `AWS_PLAN_ROLE_ARN_${env.toUpperCase()}`,
        stacks: ["network", "data", "api", "observability"].map((kind) => `${kind}-${env}`).join(","),
      })),
    );
  });

  test("bootstrap stacks are planned, first, but never deployed", () => {
    const manifest = manifestOf(["dev"], { "bootstrap-dev": {}, bootstrap: {} });
    expect(environmentStacks(manifest, "dev")).toEqual([
      "bootstrap-dev",
      "network-dev",
      "data-dev",
      "api-dev",
      "observability-dev",
    ]);
    expect(environmentPlans(manifest, ["dev"])[0].stacks).toBe(
      "bootstrap-dev,network-dev,data-dev,api-dev,observability-dev",
    );
    expect(deployOrder(manifest, "dev")).toEqual(["network-dev", "data-dev", "api-dev", "observability-dev"]);
  });

  test("dependencies win over the documented kind order", () => {
    const manifest = manifestOf([]);
    manifest.stacks["network-dev"] = {
      name: "network-dev",
      workingDirectory: "stacks/network-dev",
      dependencies: ["observability-dev"],
    };
    manifest.stacks["observability-dev"] = {
      name: "observability-dev",
      workingDirectory: "stacks/observability-dev",
      dependencies: [],
    };
    expect(deployOrder(manifest, "dev")).toEqual(["observability-dev", "network-dev"]);
  });

  test("a missing environment, a dependency outside the environment or a cycle is an error", () => {
    expect(() => environmentPlans(manifestOf(["dev"]), ["dev", "prod"])).toThrow("no stack of environment prod");
    expect(() => deployOrder(manifestOf(["dev"], { "extra-dev": { dependencies: ["network-prod"] } }), "dev")).toThrow(
      "extra-dev depends on network-prod",
    );
    expect(() =>
      deployOrder(
        manifestOf([], { "a-dev": { dependencies: ["b-dev"] }, "b-dev": { dependencies: ["a-dev"] } }),
        "dev",
      ),
    ).toThrow("dependency cycle");
    expect(() => parseManifest("{}")).toThrow('no "stacks" object');
    expect(() => parseManifest('{"stacks":{"x-dev":{}}}')).toThrow("x-dev has no workingDirectory");
  });

  test("CLI: matrix to stdout and GITHUB_OUTPUT, order as one line, from a synthesized manifest.json", () => {
    const out = join(work, "cdktf.out");
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, "manifest.json"),
      JSON.stringify({ version: "0.21.0", stacks: manifestOf(["prod", "dev", "staging"]).stacks }),
    );
    const githubOutput = join(work, "github-output");
    writeFileSync(githubOutput, "");
    const printed: string[] = [];
    stacksMain(["matrix", "--out", out], { GITHUB_OUTPUT: githubOutput }, (line) => printed.push(line));
    const matrix = JSON.parse(printed[0]) as { include: Array<{ environment: string; stacks: string }> };
    expect(matrix.include.map((e) => e.environment)).toEqual(["dev", "staging", "prod"]);
    expect(matrix.include[0].stacks).toBe("network-dev,data-dev,api-dev,observability-dev");
    const lines = readFileSync(githubOutput, "utf8").trim().split("\n");
    expect(lines).toEqual([`matrix=${printed[0]}`, 'environments=["dev","staging","prod"]']);
    printed.length = 0;
    stacksMain(["order", "--out", out, "--environment", "staging"], {}, (line) => printed.push(line));
    expect(printed).toEqual(["network-staging data-staging api-staging observability-staging"]);
    expect(() => stacksMain(["order", "--out", out], {}, () => undefined)).toThrow("--environment");
    expect(() => stacksMain(["matrix", "--out", join(work, "nowhere")], {}, () => undefined)).toThrow(
      "run `npx cdktf synth` first",
    );
  });

  test("the real app's manifest (when synthesized) gives five stacks per environment, deployable in order", () => {
    const real = join(ROOT, "cdktf.out", "manifest.json");
    if (!existsSync(real)) return; // cdktf.out is not committed; CI synthesizes it in the test run.
    const manifest = parseManifest(readFileSync(real, "utf8"));
    const environments = [...new Set(Object.keys(manifest.stacks).map(environmentOf))].filter(
      (e): e is string => e !== undefined,
    );
    for (const env of environments) {
      const order = deployOrder(manifest, env);
      expect(order.map((s) => s.replace(`-${env}`, ""))).toEqual(["network", "data", "api", "observability", "web"]);
    }
  });
});

describe("bundle-sizes.ts", () => {
  test("the limit is the synth's", () => {
    expect(BUNDLE_LIMIT_BYTES).toBe(BUNDLE_SIZE_LIMIT_BYTES);
  });

  test("a markdown table sorted by function, with the share of the limit and a total", () => {
    const table = bundleSizeTable({ reports: 749874, admin: 591170 });
    expect(table).toBe(
      [
        "### Lambda bundle sizes",
        "",
        "| Function | Size | Bytes | Share of the 1 MiB limit |",
        "|---|---:|---:|---:|",
        "| `admin` | 577.3 KiB | 591170 | 56.4% |",
        "| `reports` | 732.3 KiB | 749874 | 71.5% |",
        "| **total** | **1309.6 KiB** | **1341044** | |",
        "",
      ].join("\n"),
    );
    expect(bundleSizeTable({ big: 2 * 1024 * 1024 })).toContain("200.0% ⚠️");
    expect(bundleSizeTable({})).toContain("No bundles were built.");
  });

  test("rejects a malformed file; a missing file is a note, not a failure", () => {
    expect(() => parseBundleSizes('{"ingest":"big"}')).toThrow("ingest is not a byte count");
    expect(() => parseBundleSizes("[]")).toThrow("expected an object");
    let printed = "";
    bundleSizesMain([join(work, "missing.json")], (text) => (printed += text));
    expect(printed).toContain("was not written");
  });
});

describe.each([["smoke-test.sh"]])("%s", (script) => {
  test("is executable bash with set -euo pipefail", () => {
    const text = readFileSync(join(SCRIPTS_DIR, script), "utf8");
    expect(text.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(text).toContain("set -euo pipefail");
    expect(spawnSync("test", ["-x", join(SCRIPTS_DIR, script)]).status).toBe(0);
  });

  (has("shellcheck") ? test : test.skip)("is shellcheck-clean", () => {
    const result = spawnSync("shellcheck", [join(SCRIPTS_DIR, script)], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

describe("smoke-test.sh", () => {
  const KEY = "eak_smoke_key";
  let server: Server;
  let url: string;
  let healthFailures = 0;
  let requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.url === "/v1/health") {
        if (healthFailures > 0) {
          healthFailures--;
          return json(503, { error: { code: "SERVICE_UNAVAILABLE" } });
        }
        return json(200, { status: "ok" });
      }
      if (req.url === "/v1/api/v1/reports/summary") {
        return req.headers["x-api-key"] === KEY
          ? json(200, { currency: "USD" })
          : json(403, { error: { code: "FORBIDDEN" } });
      }
      return json(404, { error: { code: "NOT_FOUND" } });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests = [];
    healthFailures = 0;
  });

  const smoke = (env: Record<string, string>) =>
    run(join(SCRIPTS_DIR, "smoke-test.sh"), ["dev"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", SMOKE_ATTEMPTS: "3", SMOKE_DELAY_SECONDS: "0", ...env },
      timeout: 20_000,
    });

  test("health, then the summary report with the key; writes the URL for the environment", async () => {
    const githubOutput = join(work, "smoke-output");
    writeFileSync(githubOutput, "");
    const { stdout } = await smoke({ API_URL: url, SMOKE_API_KEY: KEY, GITHUB_OUTPUT: githubOutput });
    expect(requests).toEqual(["GET /v1/health", "GET /v1/api/v1/reports/summary"]);
    expect(stdout).toContain("smoke test of dev passed");
    expect(stdout).not.toContain(KEY);
    expect(readFileSync(githubOutput, "utf8")).toBe(`api-url=${url.replace(/\/$/, "")}\n`);
  });

  test("retries while the new deployment is not answering yet", async () => {
    healthFailures = 2;
    const { stdout } = await smoke({ API_URL: url, SMOKE_API_KEY: KEY });
    expect(requests.filter((r) => r.endsWith("/health"))).toHaveLength(3);
    expect(stdout).toContain("answered HTTP 503 (attempt 1/3)");
    expect(stdout).toContain("ok: GET /health answered HTTP 200 (attempt 3)");
  });

  test("a rejected key fails with a clear ::error:: after the retries", async () => {
    await expect(smoke({ API_URL: url, SMOKE_API_KEY: "eak_wrong" })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining("::error title=Smoke test failed (dev)::GET /api/v1/reports/summary"),
    });
    expect(requests.filter((r) => r.endsWith("/summary"))).toHaveLength(3);
  });

  test("an unreachable API fails; so do a missing key and an unreadable api_url", async () => {
    await expect(smoke({ API_URL: "http://127.0.0.1:9/v1", SMOKE_API_KEY: KEY })).rejects.toMatchObject({
      stdout: expect.stringContaining("did not answer 2xx with JSON after 3 attempts; last HTTP status 000"),
    });
    // The key comes from the store command's smoke-key (no GitHub secret any more).
    await expect(smoke({ API_URL: url })).rejects.toMatchObject({
      stdout: expect.stringContaining(
        "SMOKE_API_KEY is empty: pass the smoke-test store's key (npm run -s store -- smoke-key --env dev)",
      ),
    });
    expect(requests).toEqual([]);
    const bin = join(work, "no-terraform-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "terraform"), "#!/bin/sh\necho 'No outputs found' >&2\nexit 1\n");
    chmodSync(join(bin, "terraform"), 0o755);
    await expect(smoke({ PATH: `${bin}:${process.env.PATH}`, SMOKE_API_KEY: KEY })).rejects.toMatchObject({
      stdout: expect.stringContaining("could not read the api_url output of cdktf.out/stacks/api-dev"),
    });
  });
});

describe("upsert-pr-comment.cjs", () => {
  type Comment = { id: number; body?: string };
  const { upsertComment, MAX_COMMENT_CHARS } = createRequire(__filename)(
    join(SCRIPTS_DIR, "upsert-pr-comment.cjs"),
  ) as {
    upsertComment: (args: {
      github: unknown;
      context: unknown;
      core: unknown;
      marker: string;
      body: string;
    }) => Promise<{ action: string; id: number }>;
    MAX_COMMENT_CHARS: number;
  };
  const MARKER = "<!-- plan-comment:env=dev -->";
  const context = { issue: { number: 42 }, repo: { owner: "acme", repo: "analytics" } };
  const core = { info: () => undefined };

  function fakeGithub(comments: Comment[]) {
    const calls: Array<[string, Record<string, unknown>]> = [];
    const listComments = () => undefined;
    return {
      calls,
      github: {
        paginate: async (method: unknown, params: Record<string, unknown>) => {
          expect(method).toBe(listComments);
          calls.push(["list", params]);
          return comments;
        },
        rest: {
          issues: {
            listComments,
            updateComment: async (params: Record<string, unknown>) => {
              calls.push(["update", params]);
              return { data: { html_url: "https://github.com/c/1" } };
            },
            createComment: async (params: Record<string, unknown>) => {
              calls.push(["create", params]);
              return { data: { id: 99, html_url: "https://github.com/c/99" } };
            },
          },
        },
      },
    };
  }

  test("updates the comment that starts with the environment's marker", async () => {
    const { github, calls } = fakeGithub([
      { id: 1, body: "LGTM" },
      { id: 2, body: "quoting <!-- plan-comment:env=dev --> is not the plan comment" },
      { id: 3, body: "<!-- plan-comment:env=prod -->\nprod plan" },
      { id: 4, body: `${MARKER}\nold dev plan` },
      { id: 5 },
    ]);
    const body = `${MARKER}\nnew dev plan`;
    await expect(upsertComment({ github, context, core, marker: MARKER, body })).resolves.toMatchObject({
      action: "updated",
      id: 4,
    });
    expect(calls).toEqual([
      ["list", { owner: "acme", repo: "analytics", issue_number: 42, per_page: 100 }],
      ["update", { owner: "acme", repo: "analytics", comment_id: 4, body }],
    ]);
  });

  test("creates the comment when none starts with the marker", async () => {
    const { github, calls } = fakeGithub([{ id: 3, body: "<!-- plan-comment:env=prod -->\nprod plan" }]);
    const body = `${MARKER}\nfirst dev plan`;
    await expect(upsertComment({ github, context, core, marker: MARKER, body })).resolves.toMatchObject({
      action: "created",
      id: 99,
    });
    expect(calls[1]).toEqual(["create", { owner: "acme", repo: "analytics", issue_number: 42, body }]);
  });

  test("refuses a body without the marker in front or over GitHub's limit", async () => {
    const { github } = fakeGithub([]);
    await expect(upsertComment({ github, context, core, marker: MARKER, body: "no marker" })).rejects.toThrow(
      "must start with its marker",
    );
    await expect(
      upsertComment({ github, context, core, marker: MARKER, body: MARKER + "x".repeat(MAX_COMMENT_CHARS) }),
    ).rejects.toThrow("GitHub accepts 65536");
  });
});
