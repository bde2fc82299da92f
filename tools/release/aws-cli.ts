/** The release's AWS calls through the AWS CLI (on every GitHub-hosted runner; the job's credentials). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { DeploymentInfo, ReleaseAws } from "./release";

const execFileAsync = promisify(execFile);

/** Runs `aws <args> --output json` and parses its answer; a failure's message is the CLI's stderr. */
export type RunAws = (args: string[]) => Promise<unknown>;

export const runAwsCli: RunAws = async (args) => {
  try {
    const { stdout } = await execFileAsync("aws", [...args, "--output", "json"], { timeout: 60_000 });
    return stdout.trim() === "" ? {} : (JSON.parse(stdout) as unknown);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(stderr || (error instanceof Error ? error.message : String(error)), { cause: error });
  }
};

export function cliAws(run: RunAws = runAwsCli): ReleaseAws {
  return {
    async aliasVersion(functionName, alias) {
      const answer = (await run(["lambda", "get-alias", "--function-name", functionName, "--name", alias])) as {
        FunctionVersion?: string;
      };
      if (!answer.FunctionVersion) throw new Error(`no FunctionVersion for ${functionName}:${alias}`);
      return answer.FunctionVersion;
    },
    async createDeployment({ application, deploymentGroup, revision, description }) {
      const answer = (await run([
        "deploy",
        "create-deployment",
        "--application-name",
        application,
        "--deployment-group-name",
        deploymentGroup,
        "--revision",
        JSON.stringify(revision),
        "--description",
        description,
      ])) as { deploymentId?: string };
      if (!answer.deploymentId) throw new Error("CreateDeployment returned no deploymentId");
      return answer.deploymentId;
    },
    async getDeployment(id) {
      const answer = (await run(["deploy", "get-deployment", "--deployment-id", id])) as {
        deploymentInfo?: DeploymentInfo;
      };
      if (!answer.deploymentInfo?.status) throw new Error(`GetDeployment ${id} returned no status`);
      return answer.deploymentInfo;
    },
  };
}
