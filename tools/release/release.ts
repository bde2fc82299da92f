/**
 * A release of the functions API Gateway invokes (docs/releases.md): for each one whose `live`
 * alias does not yet serve the newest published version, a CodeDeploy deployment from the version
 * it serves to that one, then a wait until every deployment has ended, and what happened.
 */
import { appSpec, appSpecRevision, type ReleaseTarget } from "./appspec";
import type { FunctionResult, Outcome } from "./summary";

/** A deployment as CodeDeploy's GetDeployment describes it (the fields the release reads). */
export interface DeploymentInfo {
  status: string;
  errorInformation?: { code?: string; message?: string };
  rollbackInfo?: { rollbackDeploymentId?: string; rollbackMessage?: string };
}

/** The AWS calls a release makes (aws-cli.ts runs them with the AWS CLI; tests pass fixtures). */
export interface ReleaseAws {
  /** The version an alias serves (Lambda GetAlias' FunctionVersion). */
  aliasVersion(functionName: string, alias: string): Promise<string>;
  /** CodeDeploy CreateDeployment; resolves to the deployment id. */
  createDeployment(input: {
    application: string;
    deploymentGroup: string;
    revision: ReturnType<typeof appSpecRevision>;
    description: string;
  }): Promise<string>;
  getDeployment(id: string): Promise<DeploymentInfo>;
}

export interface ReleaseOptions {
  /** Between two looks at the deployments. */
  pollSeconds: number;
  /** How long to wait for every deployment to end. */
  timeoutSeconds: number;
  /** Names the run in the deployments' descriptions (e.g. the commit). */
  description: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
}

/** CodeDeploy's terminal statuses, and what each means for the release. */
const TERMINAL: Record<string, Outcome> = { Succeeded: "succeeded", Failed: "failed", Stopped: "stopped" };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function release(
  aws: ReleaseAws,
  targets: readonly ReleaseTarget[],
  options: ReleaseOptions,
): Promise<FunctionResult[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});

  // 1. Start a deployment for every function whose alias is behind; the others are unchanged.
  const results: FunctionResult[] = [];
  for (const target of targets) {
    const base = {
      function: target.function,
      functionName: target.functionName,
      alias: target.alias,
      toVersion: target.targetVersion,
      rolledBack: false,
    };
    let fromVersion: string;
    try {
      fromVersion = await aws.aliasVersion(target.functionName, target.alias);
    } catch (error) {
      results.push({ ...base, fromVersion: "?", outcome: "not started", detail: `GetAlias: ${message(error)}` });
      continue;
    }
    if (fromVersion === target.targetVersion) {
      log(`${target.function}: ${target.alias} already serves version ${fromVersion}`);
      results.push({ ...base, fromVersion, outcome: "unchanged", liveVersion: fromVersion });
      continue;
    }
    try {
      const deploymentId = await aws.createDeployment({
        application: target.application,
        deploymentGroup: target.deploymentGroup,
        revision: appSpecRevision(appSpec(target, fromVersion)),
        description: `${target.function} ${fromVersion} -> ${target.targetVersion}: ${options.description}`.slice(
          0,
          100,
        ),
      });
      const shift = `${target.alias} ${fromVersion} -> ${target.targetVersion}`;
      log(`${target.function}: deployment ${deploymentId} shifts ${shift}`);
      results.push({ ...base, fromVersion, deploymentId, outcome: "timed out" });
    } catch (error) {
      results.push({ ...base, fromVersion, outcome: "not started", detail: `CreateDeployment: ${message(error)}` });
    }
  }

  // 2. Wait for all of them together (they run in parallel, one per deployment group), and for
  //    the rollback deployment CodeDeploy starts when one fails or is stopped.
  const deadline = now() + options.timeoutSeconds * 1000;
  const pending = (r: FunctionResult) =>
    r.outcome === "timed out" || (r.rollbackDeploymentId !== undefined && r.rollbackStatus === undefined);
  let waiting = results.filter((r) => r.deploymentId && pending(r));
  while (waiting.length > 0) {
    for (const result of waiting) {
      const id = result.outcome === "timed out" ? result.deploymentId! : result.rollbackDeploymentId!;
      let info: DeploymentInfo;
      try {
        info = await aws.getDeployment(id);
      } catch (error) {
        log(`${result.function}: GetDeployment ${id} failed, retrying: ${message(error)}`);
        continue;
      }
      const outcome = TERMINAL[info.status];
      if (!outcome) continue;
      if (id === result.rollbackDeploymentId) {
        result.rollbackStatus = info.status;
        result.rolledBack = info.status === "Succeeded";
        log(`${result.function}: rollback ${id} ${info.status}`);
        continue;
      }
      result.outcome = outcome;
      result.rollbackDeploymentId = info.rollbackInfo?.rollbackDeploymentId || undefined;
      const error = info.errorInformation;
      const problems = [
        error?.code || error?.message ? `${error.code ?? "error"}: ${error.message ?? ""}`.trim() : undefined,
        info.rollbackInfo?.rollbackMessage,
      ].filter((p): p is string => Boolean(p));
      if (problems.length > 0) result.detail = problems.join("; ");
      const rollback = result.rollbackDeploymentId ? `, rollback ${result.rollbackDeploymentId}` : "";
      log(`${result.function}: ${info.status}${rollback}`);
    }
    waiting = waiting.filter(pending);
    if (waiting.length === 0) break;
    if (now() >= deadline) {
      for (const result of waiting) {
        const what = result.outcome === "timed out" ? "the deployment" : `its rollback ${result.rollbackDeploymentId}`;
        const still =
          `${what} was still in progress after ${options.timeoutSeconds} s: ` + "CodeDeploy goes on, see the console";
        result.detail = result.detail ? `${result.detail}; ${still}` : still;
      }
      break;
    }
    await sleep(options.pollSeconds * 1000);
  }

  // 3. What each alias serves now (after a rollback: the version it served before).
  for (const result of results.filter((r) => r.liveVersion === undefined)) {
    try {
      result.liveVersion = await aws.aliasVersion(result.functionName, result.alias);
    } catch (error) {
      log(`${result.function}: GetAlias after the release failed: ${message(error)}`);
    }
  }
  return results;
}
