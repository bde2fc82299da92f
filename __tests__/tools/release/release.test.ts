import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appSpec, appSpecRevision, releaseTargetsSchema } from "../../../tools/release/appspec";
import { cliAws, type RunAws } from "../../../tools/release/aws-cli";
import { main, USAGE } from "../../../tools/release/cli";
import { release, type DeploymentInfo, type ReleaseAws } from "../../../tools/release/release";
import { releaseFailed, renderSummary, type FunctionResult } from "../../../tools/release/summary";

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8"));
const targets = releaseTargetsSchema.parse(fixture("release-targets.json"));
const target = (fn: string) => targets.find((t) => t.function === fn)!;
const deployment = (name: string) => (fixture(name) as { deploymentInfo: DeploymentInfo }).deploymentInfo;

describe("appSpec", () => {
  it("shifts one function's alias from the version it serves to the target (CodeDeploy's Lambda AppSpec)", () => {
    expect(appSpec(target("ingest"), "3")).toEqual({
      version: 0.0,
      Resources: [
        {
          ingest: {
            Type: "AWS::Lambda::Function",
            Properties: {
              Name: "ecommerce-analytics-prod-ingest",
              Alias: "live",
              CurrentVersion: "3",
              TargetVersion: "4",
            },
          },
        },
      ],
    });
  });

  it("is sent inline with the SHA-256 of its text", () => {
    const revision = appSpecRevision(appSpec(target("ingest"), "3"));
    expect(revision.revisionType).toBe("AppSpecContent");
    expect(JSON.parse(revision.appSpecContent.content)).toEqual(appSpec(target("ingest"), "3"));
    expect(revision.appSpecContent.sha256).toBe(
      createHash("sha256").update(revision.appSpecContent.content).digest("hex"),
    );
  });

  it("refuses an alias at $LATEST and a shift to the version already served", () => {
    expect(() => appSpec(target("ingest"), "$LATEST")).toThrow(/not a published version/);
    expect(() => appSpec(target("ingest"), "4")).toThrow(/already serves version 4/);
  });

  it("reads only a well-formed release_targets output", () => {
    expect(targets.map((t) => t.function)).toEqual(["ingest", "reports", "health", "authorizer"]);
    expect(releaseTargetsSchema.safeParse([]).success).toBe(false);
    expect(releaseTargetsSchema.safeParse([{ ...targets[0], targetVersion: "$LATEST" }]).success).toBe(false);
  });
});

/** A fake AWS: aliases' versions, and per deployment the answers GetDeployment gives in turn (the last repeats). */
function fakeAws(
  aliases: Record<string, string>,
  answers: Record<string, DeploymentInfo[]>,
  failCreate: Record<string, string> = {},
) {
  const calls: string[] = [];
  const created: Array<{ deploymentGroup: string; content: unknown; description: string }> = [];
  const aws: ReleaseAws = {
    async aliasVersion(functionName, alias) {
      calls.push(`get-alias ${functionName}:${alias}`);
      return aliases[functionName];
    },
    async createDeployment({ deploymentGroup, revision, description }) {
      calls.push(`create-deployment ${deploymentGroup}`);
      if (failCreate[deploymentGroup]) throw new Error(failCreate[deploymentGroup]);
      created.push({ deploymentGroup, content: JSON.parse(revision.appSpecContent.content), description });
      return `d-${deploymentGroup.toUpperCase()}`;
    },
    async getDeployment(id) {
      calls.push(`get-deployment ${id}`);
      const queue = answers[id];
      const answer = queue.length > 1 ? queue.shift()! : queue[0];
      // A success moves the alias; a rollback leaves (puts) it where it was.
      const t = targets.find((x) => `d-${x.deploymentGroup.toUpperCase()}` === id);
      if (t && answer.status === "Succeeded") aliases[t.functionName] = t.targetVersion;
      return answer;
    },
  };
  return { aws, calls, created };
}

const noWait = { pollSeconds: 15, timeoutSeconds: 2700, description: "abc123", sleep: async () => {} };

describe("release", () => {
  it("deploys the functions that are behind, waits for all, and reports each one's outcome", async () => {
    const aliases = {
      "ecommerce-analytics-prod-ingest": "3",
      "ecommerce-analytics-prod-reports": "6",
      "ecommerce-analytics-prod-health": "2",
      "ecommerce-analytics-prod-authorizer": "2",
    };
    const { aws, calls, created } = fakeAws(
      aliases,
      {
        "d-INGEST": [
          deployment("get-deployment-in-progress.json"),
          deployment("get-deployment-in-progress.json"),
          deployment("get-deployment-succeeded.json"),
        ],
        "d-REPORTS": [
          deployment("get-deployment-in-progress.json"),
          deployment("get-deployment-stopped-on-alarm.json"),
        ],
        "d-ROLLBACK01": [
          deployment("get-deployment-in-progress.json"),
          deployment("get-deployment-rollback-succeeded.json"),
        ],
      },
      { authorizer: "DeploymentLimitExceededException: another deployment is in progress" },
    );
    const sleeps: number[] = [];
    const results = await release(aws, targets, { ...noWait, sleep: async (ms) => void sleeps.push(ms) });

    expect(results).toEqual<FunctionResult[]>([
      {
        function: "ingest",
        functionName: "ecommerce-analytics-prod-ingest",
        alias: "live",
        fromVersion: "3",
        toVersion: "4",
        deploymentId: "d-INGEST",
        outcome: "succeeded",
        rolledBack: false,
        liveVersion: "4",
      },
      {
        function: "reports",
        functionName: "ecommerce-analytics-prod-reports",
        alias: "live",
        fromVersion: "6",
        toVersion: "7",
        deploymentId: "d-REPORTS",
        outcome: "stopped",
        rolledBack: true,
        rollbackDeploymentId: "d-ROLLBACK01",
        rollbackStatus: "Succeeded",
        liveVersion: "6",
        detail: expect.stringMatching(
          /^ALARM_ACTIVE: .*ecommerce-analytics-prod-release-reports-5xx.*; Automatic rollback triggered/,
        ),
      },
      {
        function: "health",
        functionName: "ecommerce-analytics-prod-health",
        alias: "live",
        fromVersion: "2",
        toVersion: "2",
        outcome: "unchanged",
        rolledBack: false,
        liveVersion: "2",
      },
      {
        function: "authorizer",
        functionName: "ecommerce-analytics-prod-authorizer",
        alias: "live",
        fromVersion: "2",
        toVersion: "3",
        outcome: "not started",
        rolledBack: false,
        liveVersion: "2",
        detail: "CreateDeployment: DeploymentLimitExceededException: another deployment is in progress",
      },
    ]);
    expect(created.map((c) => c.deploymentGroup)).toEqual(["ingest", "reports"]);
    expect(created[0].content).toEqual(appSpec(target("ingest"), "3"));
    expect(created[0].description).toBe("ingest 3 -> 4: abc123");
    // Both deployments, then the rollback, are watched together: one sleep per round until the last one ends.
    expect(sleeps).toEqual([15_000, 15_000, 15_000]);
    expect(calls.filter((c) => c === "get-deployment d-ROLLBACK01")).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("create-deployment"))).toHaveLength(3);
    expect(releaseFailed(results)).toBe(true);
  });

  it("deploys nothing when every alias serves its newest version", async () => {
    const aliases = Object.fromEntries(targets.map((t) => [t.functionName, t.targetVersion]));
    const { aws, calls } = fakeAws(aliases, {});
    const results = await release(aws, targets, noWait);
    expect(results.map((r) => r.outcome)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    expect(calls.every((c) => c.startsWith("get-alias"))).toBe(true);
    expect(releaseFailed(results)).toBe(false);
  });

  it("does not call a function rolled back before CodeDeploy's rollback has succeeded", async () => {
    const aliases = { "ecommerce-analytics-prod-reports": "6" };
    const { aws } = fakeAws(aliases, {
      "d-REPORTS": [deployment("get-deployment-stopped-on-alarm.json")],
      "d-ROLLBACK01": [deployment("get-deployment-in-progress.json")],
    });
    let clock = 0;
    const results = await release(aws, [target("reports")], {
      ...noWait,
      timeoutSeconds: 60,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    expect(results[0]).toMatchObject({
      outcome: "stopped",
      rolledBack: false,
      rollbackDeploymentId: "d-ROLLBACK01",
      detail: expect.stringMatching(/its rollback d-ROLLBACK01 was still in progress after 60 s/),
    });
    expect(renderSummary("prod", undefined, results)).toContain("| stopped | no: rollback d-ROLLBACK01 in progress |");
  });

  it("stops waiting at the timeout and says the deployment goes on", async () => {
    const aliases = { "ecommerce-analytics-prod-ingest": "3" };
    const { aws } = fakeAws(aliases, { "d-INGEST": [deployment("get-deployment-in-progress.json")] });
    let clock = 0;
    const results = await release(aws, [target("ingest")], {
      ...noWait,
      timeoutSeconds: 60,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    expect(results[0]).toMatchObject({
      outcome: "timed out",
      liveVersion: "3",
      detail: "the deployment was still in progress after 60 s: CodeDeploy goes on, see the console",
    });
    expect(releaseFailed(results)).toBe(true);
  });
});

describe("renderSummary", () => {
  const results: FunctionResult[] = [
    {
      function: "ingest",
      functionName: "ecommerce-analytics-prod-ingest",
      alias: "live",
      fromVersion: "3",
      toVersion: "4",
      deploymentId: "d-INGEST0001",
      outcome: "succeeded",
      rolledBack: false,
      liveVersion: "4",
    },
    {
      function: "reports",
      functionName: "ecommerce-analytics-prod-reports",
      alias: "live",
      fromVersion: "6",
      toVersion: "7",
      deploymentId: "d-REPORTS001",
      outcome: "stopped",
      rolledBack: true,
      rollbackDeploymentId: "d-ROLLBACK01",
      rollbackStatus: "Succeeded",
      liveVersion: "6",
      detail: "ALARM_ACTIVE: Activated alarms: <x|y>",
    },
  ];

  it("lists per function: from, to, deployment, status, rolled back, live now", () => {
    const text = renderSummary("prod", "CodeDeployDefault.LambdaCanary10Percent5Minutes", results, "eu-west-1");
    expect(text.split("\n")).toEqual([
      "## :x: Release of prod failed",
      "",
      "1 released, 0 unchanged, 1 rolled back (CodeDeployDefault.LambdaCanary10Percent5Minutes)",
      "",
      "| function | from | to | deployment | status | rolled back | live now |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      "| ecommerce-analytics-prod-ingest:live | 3 | 4 | [d-INGEST0001](https://eu-west-1.console.aws.amazon.com/" +
        "codesuite/codedeploy/deployments/d-INGEST0001?region=eu-west-1) | succeeded | no | 4 |",
      "| ecommerce-analytics-prod-reports:live | 6 | 7 | [d-REPORTS001](https://eu-west-1.console.aws.amazon.com/" +
        "codesuite/codedeploy/deployments/d-REPORTS001?region=eu-west-1) | stopped | yes | 6 |",
      "",
      "- **reports**: ALARM_ACTIVE: Activated alarms: <x\\|y>",
      "",
    ]);
  });

  it("says succeeded when every function was released or unchanged", () => {
    expect(renderSummary("dev", undefined, [results[0]])).toMatch(/^## :white_check_mark: Release of dev succeeded\n/);
  });
});

describe("cliAws (the AWS CLI calls)", () => {
  const recorder = (answers: Record<string, unknown>) => {
    const calls: string[][] = [];
    const run: RunAws = async (args) => {
      calls.push(args);
      return answers[`${args[0]} ${args[1]}`];
    };
    return { calls, run };
  };

  it("reads the alias, creates the deployment with the inline AppSpec, reads the deployment", async () => {
    const { calls, run } = recorder({
      "lambda get-alias": fixture("get-alias.json"),
      "deploy create-deployment": fixture("create-deployment.json"),
      "deploy get-deployment": fixture("get-deployment-succeeded.json"),
    });
    const aws = cliAws(run);
    expect(await aws.aliasVersion("ecommerce-analytics-prod-ingest", "live")).toBe("3");
    const revision = appSpecRevision(appSpec(target("ingest"), "3"));
    expect(
      await aws.createDeployment({
        application: "ecommerce-analytics-prod-functions",
        deploymentGroup: "ingest",
        revision,
        description: "ingest 3 -> 4",
      }),
    ).toBe("d-INGEST0001");
    expect((await aws.getDeployment("d-INGEST0001")).status).toBe("Succeeded");
    expect(calls).toEqual([
      ["lambda", "get-alias", "--function-name", "ecommerce-analytics-prod-ingest", "--name", "live"],
      [
        "deploy",
        "create-deployment",
        "--application-name",
        "ecommerce-analytics-prod-functions",
        "--deployment-group-name",
        "ingest",
        "--revision",
        JSON.stringify(revision),
        "--description",
        "ingest 3 -> 4",
      ],
      ["deploy", "get-deployment", "--deployment-id", "d-INGEST0001"],
    ]);
  });

  it("fails on answers without what it needs", async () => {
    const aws = cliAws(async () => ({}));
    await expect(aws.aliasVersion("f", "live")).rejects.toThrow(/no FunctionVersion/);
    await expect(aws.getDeployment("d-1")).rejects.toThrow(/no status/);
  });
});

describe("the release command", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "release-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l) } };
  };

  it("releases, appends the summary to $GITHUB_STEP_SUMMARY and exits 1 when a function was rolled back", async () => {
    const targetsFile = join(dir, "targets.json");
    writeFileSync(targetsFile, JSON.stringify([target("ingest"), target("reports")]));
    const summaryFile = join(dir, "summary.md");
    writeFileSync(summaryFile, "earlier steps\n");
    const { aws } = fakeAws(
      { "ecommerce-analytics-prod-ingest": "3", "ecommerce-analytics-prod-reports": "6" },
      {
        "d-INGEST": [deployment("get-deployment-succeeded.json")],
        "d-REPORTS": [deployment("get-deployment-stopped-on-alarm.json")],
        "d-ROLLBACK01": [deployment("get-deployment-rollback-succeeded.json")],
      },
    );
    const { out, io: cliIo } = io();
    const code = await main(["--environment", "prod", "--targets", targetsFile], {
      aws,
      env: { GITHUB_STEP_SUMMARY: summaryFile, GITHUB_SHA: "0123abc" },
      io: cliIo,
      sleep: async () => {},
    });
    expect(code).toBe(1);
    const summary = readFileSync(summaryFile, "utf8");
    expect(summary).toMatch(/^earlier steps\n## :x: Release of prod failed\n/);
    expect(summary).toContain("(CodeDeployDefault.LambdaCanary10Percent5Minutes)");
    expect(summary).toContain("| ecommerce-analytics-prod-reports:live | 6 | 7 |");
    expect(out.join("\n")).toContain("deployment d-INGEST shifts live 3 -> 4");
  });

  it("exits 0 when every function was released or unchanged (dev shifts all at once)", async () => {
    const targetsFile = join(dir, "targets.json");
    writeFileSync(targetsFile, JSON.stringify([target("ingest")]));
    const { aws } = fakeAws(
      { "ecommerce-analytics-prod-ingest": "3" },
      { "d-INGEST": [deployment("get-deployment-succeeded.json")] },
    );
    const { out, io: cliIo } = io();
    const summaryFile = join(dir, "out.md");
    const code = await main(["--environment", "dev", "--targets", targetsFile, "--summary", summaryFile], {
      aws,
      env: {},
      io: cliIo,
      sleep: async () => {},
    });
    expect(code).toBe(0);
    expect(readFileSync(summaryFile, "utf8")).toContain("(CodeDeployDefault.LambdaAllAtOnce)");
    expect(out.join("\n")).toContain(":white_check_mark: Release of dev succeeded");
  });

  it.each([
    [["--targets", "x.json"], /--environment must be one of dev, staging, prod/],
    [["--environment", "qa", "--targets", "x.json"], /--environment must be one of/],
    [["--environment", "dev"], /--targets <file> is required/],
    [["--environment", "dev", "--targets", "x", "--poll-seconds", "0"], /--poll-seconds must be a whole number >= 1/],
    [["--environment", "dev", "--targets", "x", "--bogus"], /Unknown option '--bogus'/],
  ])("refuses %j with exit 2 and the usage", async (argv, expected) => {
    const { err, io: cliIo } = io();
    const code = await main(argv, { aws: fakeAws({}, {}).aws, env: {}, io: cliIo });
    expect(code).toBe(2);
    expect(err[0]).toMatch(expected);
    expect(err.join("\n")).toContain(USAGE);
  });

  it("exits 1 on a targets file that is not the release_targets output", async () => {
    const targetsFile = join(dir, "targets.json");
    writeFileSync(targetsFile, JSON.stringify({ value: [] }));
    const { err, io: cliIo } = io();
    expect(
      await main(["--environment", "dev", "--targets", targetsFile], { aws: fakeAws({}, {}).aws, env: {}, io: cliIo }),
    ).toBe(1);
    expect(err[0]).toMatch(/is not the release_targets output/);
  });

  it("prints the usage on --help", async () => {
    const { out, io: cliIo } = io();
    expect(await main(["--help"], { aws: fakeAws({}, {}).aws, env: {}, io: cliIo })).toBe(0);
    expect(out).toEqual([USAGE]);
  });
});
