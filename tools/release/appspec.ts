/**
 * The AppSpec of a CodeDeploy deployment for Lambda: shift one function's alias from the version
 * it serves now to another (docs/releases.md). CodeDeploy takes it inline (`AppSpecContent`).
 */
import { createHash } from "node:crypto";
import * as z from "zod";

/** One released function, as the api stack's `release_targets` output lists it. */
export const releaseTargetSchema = z.strictObject({
  function: z.string().min(1),
  functionName: z.string().min(1),
  alias: z.string().min(1),
  /** The newest published version: digits (Terraform's `version` of a function with publish = true). */
  targetVersion: z.string().regex(/^\d+$/, "a published version number"),
  application: z.string().min(1),
  deploymentGroup: z.string().min(1),
});
export type ReleaseTarget = z.output<typeof releaseTargetSchema>;
export const releaseTargetsSchema = z.array(releaseTargetSchema).min(1);

export interface AppSpec {
  version: 0.0;
  Resources: Array<
    Record<
      string,
      {
        Type: "AWS::Lambda::Function";
        Properties: { Name: string; Alias: string; CurrentVersion: string; TargetVersion: string };
      }
    >
  >;
}

/** The AppSpec that moves `target.alias` of `target.functionName` from `currentVersion` to the target version. */
export function appSpec(target: ReleaseTarget, currentVersion: string): AppSpec {
  if (!/^\d+$/.test(currentVersion))
    throw new Error(`${target.functionName}:${target.alias} serves "${currentVersion}", not a published version`);
  if (currentVersion === target.targetVersion)
    throw new Error(`${target.functionName}:${target.alias} already serves version ${currentVersion}`);
  return {
    version: 0.0,
    Resources: [
      {
        [target.function]: {
          Type: "AWS::Lambda::Function",
          Properties: {
            Name: target.functionName,
            Alias: target.alias,
            CurrentVersion: currentVersion,
            TargetVersion: target.targetVersion,
          },
        },
      },
    ],
  };
}

/** CodeDeploy's `--revision` for an inline AppSpec: its JSON text and that text's SHA-256. */
export function appSpecRevision(spec: AppSpec): {
  revisionType: "AppSpecContent";
  appSpecContent: { content: string; sha256: string };
} {
  const content = JSON.stringify(spec);
  return {
    revisionType: "AppSpecContent",
    appSpecContent: { content, sha256: createHash("sha256").update(content).digest("hex") },
  };
}
