/**
 * What a release did, per function, as Markdown for the deploy job's summary ($GITHUB_STEP_SUMMARY).
 */

/** How one function's release ended. */
export type Outcome =
  /** The alias already served the newest version: nothing to deploy. */
  | "unchanged"
  /** CodeDeploy shifted all traffic to the new version. */
  | "succeeded"
  /** The deployment failed or was stopped (an alarm, a timeout of the shift): see `rolledBack`. */
  | "failed"
  | "stopped"
  /** The deployment could not be created (e.g. another one in progress on the group). */
  | "not started"
  /** Still running when the tool stopped waiting: CodeDeploy goes on; look in the console. */
  | "timed out";

export interface FunctionResult {
  function: string;
  functionName: string;
  alias: string;
  fromVersion: string;
  toVersion: string;
  deploymentId?: string;
  outcome: Outcome;
  /** CodeDeploy rolled the alias back to `fromVersion`: its rollback deployment succeeded. */
  rolledBack: boolean;
  /** The rollback deployment CodeDeploy started (auto-rollback on failure or alarm), and how it ended. */
  rollbackDeploymentId?: string;
  rollbackStatus?: string;
  /** The version the alias serves after the release, read back from Lambda. */
  liveVersion?: string;
  /** CodeDeploy's error (code and message) or why the deployment did not start. */
  detail?: string;
}

/** Whether the release failed: any function that did not end succeeded or unchanged. */
export const releaseFailed = (results: readonly FunctionResult[]) =>
  results.some((r) => r.outcome !== "succeeded" && r.outcome !== "unchanged");

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** CodeDeploy's console page of a deployment. */
export const deploymentUrl = (region: string, id: string) =>
  `https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments/${encodeURIComponent(id)}?region=${region}`;

/** Yes, no, or how the rollback CodeDeploy started is doing (in progress, failed). */
const rolledBackCell = (r: FunctionResult) =>
  r.rolledBack
    ? "yes"
    : r.rollbackDeploymentId
      ? `no: rollback ${r.rollbackDeploymentId} ${r.rollbackStatus?.toLowerCase() ?? "in progress"}`
      : "no";

/** The job summary: a headline, one table row per function, then each problem's detail. */
export function renderSummary(
  environment: string,
  deploymentConfig: string | undefined,
  results: readonly FunctionResult[],
  region?: string,
): string {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  const rolledBack = results.filter((r) => r.rolledBack).length;
  const headline = releaseFailed(results)
    ? `:x: Release of ${environment} failed`
    : `:white_check_mark: Release of ${environment} succeeded`;
  const lines = [
    `## ${headline}`,
    "",
    `${count("succeeded")} released, ${count("unchanged")} unchanged, ${rolledBack} rolled back` +
      (deploymentConfig ? ` (${deploymentConfig})` : ""),
    "",
    "| function | from | to | deployment | status | rolled back | live now |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...results.map((r) => {
      const deployment = r.deploymentId
        ? region
          ? `[${r.deploymentId}](${deploymentUrl(region, r.deploymentId)})`
          : r.deploymentId
        : "-";
      return (
        `| ${cell(`${r.functionName}:${r.alias}`)} | ${r.fromVersion} | ${r.toVersion} | ${deployment} | ` +
        `${r.outcome} | ${rolledBackCell(r)} | ${r.liveVersion ?? "?"} |`
      );
    }),
  ];
  const details = results.filter((r) => r.detail);
  if (details.length > 0) {
    lines.push("", ...details.map((r) => `- **${cell(r.function)}**: ${cell(r.detail!)}`));
  }
  return `${lines.join("\n")}\n`;
}
