import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { buildApp } from "../../stacks/app";
import { checkTooling } from "../../stacks/terraform/validate";
import {
  analyzeStack,
  COMMENT_LIMIT,
  measure,
  readPlanDir,
  renderComment,
  summarizePlan,
} from "../../scripts/plan-comment/index";
import { planEnvironment, UPSTREAM_OVERRIDE_FILE, type StackPlanResult } from "../../scripts/plan/plan-environment";
import { backendOf, outputsState, remoteStateReads, type PlannedOutputs } from "../../scripts/plan/upstream-outputs";
import { offlineAwsEnv, pointStacksAtSts, startSts, stopSts } from "../support/offline-plan";

/**
 * `terraform plan` of every stack of dev, staging and prod, offline and the way the pull request workflow
 * plans them (scripts/plan-environment.ts): a fresh environment (no state at all), each downstream
 * planned against its upstream's planned outputs, so cross-stack references, their types and the
 * stack order are really checked by Terraform and the AWS provider. The provider's one AWS call
 * (STS GetCallerIdentity, from aws_caller_identity) goes to a loopback test double, set for the
 * test only through a Terraform override file next to each synthesized cdk.tf.json. Skipped,
 * saying why, where terraform or the provider mirror is missing.
 */
const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
/** In deploy order: dependencies first, then README's order (web, which no list names, last). */
const KINDS = ["bootstrap", "network", "data", "api", "observability", "web"] as const;
const DOWNSTREAMS = ["data", "api", "observability", "web"];

type Json = Record<string, Record<string, unknown>>;
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Json;

/** Managed resources in a synthesized stack, and whether any uses count/for_each (then the plan may hold more). */
function resourceCount(stackJson: Json): { count: number; repeated: boolean } {
  const blocks = Object.values(stackJson.resource ?? {}).flatMap((byName) =>
    Object.values(byName as Record<string, Record<string, unknown>>),
  );
  return { count: blocks.length, repeated: blocks.some((b) => "count" in b || "for_each" in b) };
}

/** Synthesizes the environments with local state under `stateDir` (never a bucket of the machine's environment). */
function synth(outdir: string, stateDir: string): void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith("STATE_BUCKET")) delete process.env[key];
  process.env.LOCAL_STATE_DIR = stateDir;
  try {
    const app = new App({ outdir });
    buildApp(app, ENVIRONMENTS);
    app.synth();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/**
 * A synth output holding copies of some stacks, for a test that must not disturb the main one:
 * `edit` rewrites a copied cdk.tf.json's text (a state path, an output reference).
 */
function copyStacks(
  from: string,
  to: string,
  stacks: readonly string[],
  edit: (stack: string, text: string) => string = (_s, t) => t,
): void {
  const manifest = readJson(join(from, "manifest.json")) as { stacks: Record<string, { workingDirectory: string }> };
  const kept = Object.fromEntries(stacks.map((s) => [s, manifest.stacks[s]]));
  mkdirSync(to, { recursive: true });
  writeFileSync(join(to, "manifest.json"), JSON.stringify({ ...manifest, stacks: kept }));
  for (const stack of stacks) {
    const dir = join(to, kept[stack].workingDirectory);
    cpSync(join(from, kept[stack].workingDirectory), dir, { recursive: true });
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, edit(stack, readFileSync(file, "utf8")));
  }
}

const tooling = checkTooling();
if (!tooling.ok) {
  console.warn(`terraform plan skipped: ${tooling.reason}`);
  test.skip(`terraform plan of every stack (skipped: ${tooling.reason})`, () => undefined);
} else {
  describe(`terraform ${tooling.tooling.version} plan, offline, every stack of ${ENVIRONMENTS.join(", ")}`, () => {
    let root: string;
    let outdir: string;
    let stateDir: string;
    let pluginCacheDir: string | undefined;
    let sts: Server | undefined;
    const stsRequests: string[] = [];
    const results: Record<string, StackPlanResult[]> = {};
    /** The scenarios besides the two environments, by name. */
    const scenarios: Record<string, StackPlanResult[]> = {};
    let added = "";
    const times: string[] = [];
    const plansDir = (name: string) => join(root, "plans", name);
    const plan = (name: string, options: Partial<Parameters<typeof planEnvironment>[0]> & { environment: string }) =>
      planEnvironment({
        outDir: outdir,
        plansDir: plansDir(name),
        workDir: join(root, "work", name),
        tooling: tooling.tooling,
        env: offlineAwsEnv(),
        ...(pluginCacheDir ? { pluginCacheDir } : {}),
        log: (line) => times.push(`${name}: ${line}`),
        ...options,
      });
    const resultOf = (stack: string) =>
      Object.values(results)
        .flat()
        .find((r) => r.stack === stack);

    /**
     * A PR adding an output: network-dev as applied before the PR (its state holds every output but
     * one that data-dev reads), in a state folder of its own so the main run is not disturbed.
     * Returns the copy's synth output.
     */
    function addedOutputCopy(): string {
      const network = readJson(join(outdir, "stacks", "network-dev", "cdk.tf.json"));
      const data = readJson(join(outdir, "stacks", "data-dev", "cdk.tf.json"));
      added = remoteStateReads(data, { "network-dev": backendOf(network) })[0]?.outputs[0] ?? "";
      const seededState = join(root, "seeded-state");
      mkdirSync(seededState);
      const before: PlannedOutputs = Object.fromEntries(
        Object.keys(network.output ?? {})
          .filter((name) => name !== added)
          .map((name) => [
            name,
            { value: "00000000-applied-before-the-pr", type: "string", sensitive: true, change: "no-op" as const },
          ]),
      );
      writeFileSync(join(seededState, "terraform.network-dev.tfstate"), outputsState(before));
      const copy = join(root, "added-output");
      copyStacks(outdir, copy, ["network-dev", "data-dev"], (_stack, text) => text.split(stateDir).join(seededState));
      return copy;
    }

    /**
     * data-dev edited to read an output network-dev does not have, against network-dev's planned outputs from the
     * main run.
     */
    async function missingOutputScenario(): Promise<void> {
      const read = resultOf("data-dev")?.upstreams[0]?.pending[0]?.name ?? "";
      const copy = join(root, "missing-output");
      copyStacks(outdir, copy, ["network-dev", "data-dev"], (stack, text) =>
        stack === "data-dev" && read
          ? text.split(`.outputs.${read}}`).join(".outputs.cross-stack-output-no-such-output}")
          : text,
      );
      const network = resultOf("network-dev")?.outputs ?? {};
      scenarios["missing-output"] = await plan("missing-output", {
        environment: "dev",
        outDir: copy,
        stacks: ["data-dev"],
        upstreamOutputs: { "network-dev": network },
      });
    }

    beforeAll(async () => {
      const started = Date.now();
      root = mkdtempSync(join(tmpdir(), "terraform-plan-"));
      outdir = join(root, "cdktf.out");
      stateDir = join(root, "state");
      // CI shares the runner's cache (TF_PLUGIN_CACHE_DIR); here a cache of links into the mirror costs nothing.
      pluginCacheDir = process.env.TF_PLUGIN_CACHE_DIR ? undefined : join(root, "plugin-cache");
      synth(outdir, stateDir);
      const synthMs = Date.now() - started;
      sts = await startSts(stsRequests);
      pointStacksAtSts(outdir, sts);
      // the environments side by side, each chain in dependency order (three plans at a time on two cores).
      const planned = await Promise.all(
        ENVIRONMENTS.map((environment) => plan(environment, { environment, concurrency: 1 })),
      );
      ENVIRONMENTS.forEach((environment, i) => (results[environment] = planned[i]));
      // Then the scenarios, again two plans at a time: an upstream and its downstream; three single plans that fail.
      const copy = addedOutputCopy();
      await Promise.all([
        plan("added-output", { environment: "dev", outDir: copy, stacks: ["network-dev", "data-dev"] }).then(
          (r) => (scenarios["added-output"] = r),
        ),
        (async () => {
          scenarios["plain-remote-state"] = await plan("plain-remote-state", {
            environment: "dev",
            stacks: ["data-dev"],
            plannedUpstreams: false,
          });
          scenarios["added-output-plain"] = await plan("added-output-plain", {
            environment: "dev",
            outDir: copy,
            stacks: ["data-dev"],
            plannedUpstreams: false,
          });
          await missingOutputScenario();
        })(),
      ]);
      times.push(`synth ${synthMs} ms, plans ${Date.now() - started - synthMs} ms`);
    }, 900_000);

    afterAll(async () => {
      await stopSts(sts);
      if (root) rmSync(root, { recursive: true, force: true });
      if (times.length > 0) console.log(`terraform plan timings:\n  ${times.join("\n  ")}`);
    });

    test.each(ENVIRONMENTS)("%s: every stack plans, in deploy order, with no state at all", (environment) => {
      const list = results[environment];
      expect(list.map((r) => r.stack)).toEqual(KINDS.map((kind) => `${kind}-${environment}`));
      for (const r of list) if (!r.ok) throw new Error(`${r.stack} failed:\n${r.error}`);
      expect(readdirSync(stateDir, { withFileTypes: true }).filter((e) => e.name.endsWith(".tfstate"))).toEqual([]);
    });

    test.each(ENVIRONMENTS)("%s: each plan creates every resource its synthesized stack declares", (environment) => {
      for (const kind of KINDS) {
        const stack = `${kind}-${environment}`;
        const summary = summarizePlan(readJson(join(plansDir(environment), `${stack}.json`)));
        const declared = resourceCount(readJson(join(outdir, "stacks", stack, "cdk.tf.json")));
        expect({
          stack,
          errored: summary.errored,
          change: summary.counts.change,
          destroy: summary.counts.destroy,
        }).toEqual({ stack, errored: false, change: 0, destroy: 0 });
        if (declared.repeated) expect(summary.counts.add).toBeGreaterThanOrEqual(declared.count);
        else expect({ stack, add: summary.counts.add }).toEqual({ stack, add: declared.count });
        expect(summary.counts.add).toBeGreaterThan(0);
      }
    });

    test("prod's data stack plans its second region's provider (backup copies) against the double too", () => {
      const data = readJson(join(outdir, "stacks", "data-prod", "cdk.tf.json"));
      expect(data.provider.aws).toContainEqual(expect.objectContaining({ alias: "backup_region" }));
      const text = readFileSync(join(plansDir("prod"), "data-prod.txt"), "utf8");
      expect(text).toContain("aws_db_instance_automated_backups_replication.");
      expect(resultOf("data-prod")?.ok).toBe(true);
    });

    test("the provider's only AWS call went to the loopback STS double", () => {
      expect(stsRequests.length).toBeGreaterThan(0);
      expect(new Set(stsRequests)).toEqual(new Set(["GetCallerIdentity"]));
    });

    test.each(ENVIRONMENTS)(
      "%s: data, api, observability and web plan against their upstreams' pending outputs; network, bootstrap none",
      (environment) => {
        for (const r of results[environment]) {
          const kind = r.stack.slice(0, r.stack.lastIndexOf("-"));
          const pending = r.upstreams.filter((u) => u.pending.length > 0);
          if (!DOWNSTREAMS.includes(kind)) {
            expect({ stack: r.stack, upstreams: r.upstreams }).toEqual({ stack: r.stack, upstreams: [] });
            expect(existsSync(join(plansDir(environment), `${r.stack}.upstream.json`))).toBe(false);
            continue;
          }
          expect(pending.length).toBeGreaterThan(0);
          // A fresh environment: every output read is new, and read from a stack of the same environment.
          for (const u of r.upstreams) {
            expect(u.stack.endsWith(`-${environment}`)).toBe(true);
            expect(u.pending.map((p) => p.change)).toEqual(Array(u.read).fill("new"));
          }
        }
        const upstreamsOf = (stack: string) =>
          resultOf(`${stack}-${environment}`)
            ?.upstreams.map((u) => u.stack)
            .sort();
        expect(upstreamsOf("data")).toEqual([`network-${environment}`]);
        expect(upstreamsOf("api")).toEqual([`data-${environment}`, `network-${environment}`]);
        expect(upstreamsOf("web")).toEqual([`api-${environment}`]);
      },
    );

    test("upstream unknowns are placeholders the provider accepts (placeholder-account ARNs, prefixed ids)", () => {
      const text = readFileSync(join(plansDir("dev"), "data-dev.txt"), "utf8");
      expect(text).toMatch(/"arn:aws:kms:eu-west-1:123456789012:key\/00000000-0000-4000-8000-[0-9a-f]{12}"/);
      expect(text).toMatch(/"subnet-00000000[0-9a-f]{9}"/);
      expect(text).toMatch(/"sg-00000000[0-9a-f]{9}"/);
    });

    test.each(ENVIRONMENTS)(
      "%s: the PR comment lists every stack with its count and the pending-outputs mark, under GitHub's limit",
      (environment) => {
        const stacks = readPlanDir(plansDir(environment)).map(analyzeStack);
        const body = renderComment(stacks, {
          env: environment,
          runUrl: "https://github.com/acme/ecommerce-analytics/actions/runs/1",
        });
        expect(body.startsWith(`<!-- plan-comment:env=${environment} -->\n`)).toBe(true);
        expect(measure(body)).toBeLessThanOrEqual(COMMENT_LIMIT);
        expect(body).not.toContain("❌");
        expect(body).toContain(`· ⏳ ${DOWNSTREAMS.length} stacks planned against pending upstream outputs`);
        for (const s of stacks) {
          const mark = DOWNSTREAMS.some((kind) => s.name === `${kind}-${environment}`)
            ? " · ⏳ pending upstream outputs"
            : "";
          expect(body).toContain(
            `| \`${s.name}\` | ${s.summary?.counts.add.toLocaleString("en-US")} | 0 | 0 | 0 | 📝 changes${mark} |`,
          );
        }
        expect(body).toContain(`⏳ **Planned against the pending outputs of \`network-${environment}\`**`);
        expect(stacks.map((s) => s.name).sort()).toEqual(KINDS.map((kind) => `${kind}-${environment}`).sort());
      },
    );

    test("no binary plan file and no upstream state file is left behind", () => {
      for (const environment of ENVIRONMENTS) {
        expect(readdirSync(plansDir(environment)).filter((f) => !/\.(json|txt)$/.test(f))).toEqual([]);
        // The working copies are removed after the run (planEnvironment's default).
        expect(existsSync(join(root, "work", environment))).toBe(false);
      }
    });

    test("downstream of a never-applied upstream: plain terraform_remote_state fails, planned outputs plan it", () => {
      expect(existsSync(join(stateDir, "terraform.network-dev.tfstate"))).toBe(false);
      const [plain] = scenarios["plain-remote-state"];
      expect(plain.ok).toBe(false);
      expect(plain.error).toContain("terraform plan failed for data-dev");
      expect(plain.error).toContain("Unable to find remote state");
      // The same stack in the main run, against network-dev's planned outputs.
      expect(resultOf("data-dev")).toMatchObject({
        ok: true,
        upstreams: [expect.objectContaining({ stack: "network-dev" })],
      });
    });

    test("a new output, not yet in the upstream's state: planned outputs plan it (marked); a plain read fails", () => {
      expect(added).toMatch(/^cross-stack-output-/);
      const [plain] = scenarios["added-output-plain"];
      expect(plain.ok).toBe(false);
      expect(plain.error).toContain("Unsupported attribute");
      expect(plain.error).toContain(added);

      const [upstream, downstream] = scenarios["added-output"];
      expect(upstream).toMatchObject({ stack: "network-dev", ok: true });
      if (!downstream.ok) throw new Error(downstream.error);
      const pending = downstream.upstreams.find((u) => u.stack === "network-dev")?.pending ?? [];
      expect(pending).toContainEqual({ name: added, change: "new" });
      // The outputs already in the state are not new; their values are only known after apply
      // (the state holds no resources).
      const others = pending.filter((p) => p.name !== added);
      expect(others.length).toBeGreaterThan(0);
      expect(new Set(others.map((p) => p.change))).toEqual(new Set(["unknown"]));
      const upstreamFile = JSON.parse(readFileSync(join(plansDir("added-output"), "data-dev.upstream.json"), "utf8"));
      expect(upstreamFile.upstreams[0].pending).toContainEqual({ name: added, change: "new" });
      const body = renderComment(readPlanDir(plansDir("added-output")).map(analyzeStack), { env: "dev" });
      expect(body).toMatch(
        /⏳ \*\*Planned against the pending outputs of `network-dev`\*\*: \d+ of the \d+ outputs this stack reads are not in its state yet \(1 new: `cross-stack-output-[^`]+`; \d+ known after apply: /,
      );
    });

    test("a downstream reading an output its upstream does not have fails, and the failure names the stack", () => {
      const copy = join(root, "missing-output");
      expect(readFileSync(join(copy, "stacks", "data-dev", "cdk.tf.json"), "utf8")).toContain(
        "cross-stack-output-no-such-output",
      );
      const [result] = scenarios["missing-output"];
      expect(result.ok).toBe(false);
      expect(result.error).toContain("terraform plan failed for data-dev");
      expect(result.error).toContain("Unsupported attribute");
      expect(result.error).toContain("cross-stack-output-no-such-output");
      expect(result.upstreams[0]?.pending).toContainEqual({
        name: "cross-stack-output-no-such-output",
        change: "removed",
      });
      expect(existsSync(join(plansDir("missing-output"), "data-dev.json"))).toBe(false);
      // The synth output is never modified.
      expect(existsSync(join(copy, "stacks", "data-dev", UPSTREAM_OVERRIDE_FILE))).toBe(false);
      const body = renderComment(readPlanDir(plansDir("missing-output")).map(analyzeStack), { env: "dev" });
      expect(body).toContain("| `data-dev` | — | — | — | — | ❌ failed · ⏳ pending upstream outputs |");
      expect(body).toContain("**`data-dev`**: the plan failed.");
      expect(body).toContain("Unsupported attribute");
    });
  });
}
