import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { CodedeployApp } from "@cdktf/provider-aws/lib/codedeploy-app";
import { CodedeployDeploymentGroup } from "@cdktf/provider-aws/lib/codedeploy-deployment-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import type { Route } from "../../../shared/routes";
import { LIVE_ALIAS, RELEASED_FUNCTIONS, type ReleasedFunction, type ReleasesConfig } from "../../config/releases";
import { accountContext, type NodeFunction } from "../compute/node-function";
import { LiveAlias } from "./live-alias";

/** The AWS managed policy of CodeDeploy's role: alias reads and updates, alarms, `CodeDeployHook_*` hooks only. */
export const CODEDEPLOY_LAMBDA_POLICY = "service-role/AWSCodeDeployRoleForLambdaLimited";

/** The CodeDeploy application of an environment's functions (compute platform Lambda). */
export const releaseApplicationName = (prefix: string) => `${prefix}-functions`;

/** What stops a release of one function and rolls it back. */
export type RollbackAlarmKind = "errors" | "p99-duration" | "5xx";
export const rollbackAlarmName = (prefix: string, fn: ReleasedFunction, kind: RollbackAlarmKind) =>
  `${prefix}-release-${fn}-${kind}`;

/**
 * One function's release: what tools/release reads from the api stack's `release_targets` output
 * (its `releaseTargetSchema` validates the same fields; a test keeps the two in step).
 */
export interface ReleaseTarget {
  function: ReleasedFunction;
  functionName: string;
  alias: string;
  /** The newest published version (Terraform's `version`), which a release shifts the alias to. */
  targetVersion: string;
  application: string;
  deploymentGroup: string;
}

export interface FunctionReleasesProps {
  prefix: string;
  releases: ReleasesConfig;
  functions: Record<ReleasedFunction, NodeFunction>;
  /** Their `live` aliases (created before the REST API, which invokes them). */
  aliases: Record<ReleasedFunction, LiveAlias>;
  /** The REST API's name and stage: the 5XX alarm reads the per-method metrics of each function's routes. */
  api: { name: string; stageName: string };
  routes: readonly Route[];
}

/** Each released function's `live` alias, with provisioned concurrency where configured. */
export function liveAliases(
  scope: Construct,
  functions: Record<ReleasedFunction, NodeFunction>,
  releases: ReleasesConfig,
): Record<ReleasedFunction, LiveAlias> {
  return Object.fromEntries(
    RELEASED_FUNCTIONS.map((fn) => [
      fn,
      new LiveAlias(scope, `live-${fn}`, {
        function: functions[fn],
        provisionedConcurrency: releases.provisionedConcurrency[fn],
      }),
    ]),
  ) as Record<ReleasedFunction, LiveAlias>;
}

/**
 * Releases of the functions API Gateway invokes through their `live` aliases (docs/releases.md):
 * the CodeDeploy application with one deployment group per function (the configured traffic
 * shift, rollback on failure and on alarm), CodeDeploy's service role, and the alarms a release is
 * rolled back on, per alias (the observability stack's function alarms count every version and
 * notify; these watch what the alias serves, for CodeDeploy):
 *
 * - errors: the alias's Lambda Errors (dimension Resource = `<function>:live`) per minute;
 * - p99-duration: the alias's p99 Duration above the threshold in 2 of 3 minutes;
 * - 5xx (API functions): API Gateway's 5XXError summed over the function's routes per minute.
 */
export class FunctionReleases extends Construct {
  readonly aliases: Record<ReleasedFunction, LiveAlias>;
  readonly application: CodedeployApp;
  readonly role: IamRole;
  readonly groups: Record<ReleasedFunction, CodedeployDeploymentGroup>;
  readonly alarms: Record<ReleasedFunction, CloudwatchMetricAlarm[]>;
  readonly targets: ReleaseTarget[];

  constructor(scope: Construct, id: string, props: FunctionReleasesProps) {
    super(scope, id);
    const { prefix, releases, functions, api, routes } = props;
    const { partition } = accountContext(this);
    this.aliases = props.aliases;

    this.application = new CodedeployApp(this, "application", {
      name: releaseApplicationName(prefix),
      computePlatform: "Lambda",
    });

    this.role = new IamRole(this, "role", {
      name: `${prefix}-codedeploy`,
      description: "CodeDeploy shifts the functions' live aliases and reads their rollback alarms",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "codedeploy.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    const attachment = new IamRolePolicyAttachment(this, "role-policy", {
      role: this.role.name,
      policyArn: `arn:${partition.partition}:iam::aws:policy/${CODEDEPLOY_LAMBDA_POLICY}`,
    });

    const { errorsPerMinute, p99DurationMs } = releases.rollbackAlarms;
    const alarm = (fn: ReleasedFunction, kind: RollbackAlarmKind, description: string) => ({
      alarmName: rollbackAlarmName(prefix, fn, kind),
      alarmDescription: `[release] ${description}: CodeDeploy stops a release of ${fn} and rolls it back`,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      // Read by CodeDeploy during a deployment; the observability stack's alarms notify.
      actionsEnabled: false,
      tags: { purpose: "release-rollback" },
    });

    this.alarms = {} as Record<ReleasedFunction, CloudwatchMetricAlarm[]>;
    this.groups = {} as Record<ReleasedFunction, CodedeployDeploymentGroup>;
    for (const fn of RELEASED_FUNCTIONS) {
      const physicalName = functions[fn].physicalName;
      const aliasDimensions = { FunctionName: physicalName, Resource: `${physicalName}:${LIVE_ALIAS}` };
      const alarms = [
        new CloudwatchMetricAlarm(this, `${fn}-errors`, {
          ...alarm(fn, "errors", `${errorsPerMinute} or more errors of ${physicalName}:${LIVE_ALIAS} in a minute`),
          namespace: "AWS/Lambda",
          metricName: "Errors",
          dimensions: aliasDimensions,
          statistic: "Sum",
          period: 60,
          evaluationPeriods: 1,
          threshold: errorsPerMinute,
        }),
        new CloudwatchMetricAlarm(this, `${fn}-p99-duration`, {
          ...alarm(fn, "p99-duration", `p99 duration of ${physicalName}:${LIVE_ALIAS} above ${p99DurationMs} ms`),
          comparisonOperator: "GreaterThanThreshold",
          namespace: "AWS/Lambda",
          metricName: "Duration",
          dimensions: aliasDimensions,
          extendedStatistic: "p99",
          period: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          threshold: p99DurationMs,
        }),
      ];
      const own = routes.filter((route) => route.functionName === fn);
      if (own.length > 0) {
        const ids = own.map((_, i) => `m${i}`);
        alarms.push(
          new CloudwatchMetricAlarm(this, `${fn}-5xx`, {
            ...alarm(fn, "5xx", `${errorsPerMinute} or more 5XX answers of ${fn}'s routes in a minute`),
            evaluationPeriods: 1,
            threshold: errorsPerMinute,
            metricQuery: [
              ...own.map((route, i) => ({
                id: ids[i],
                returnData: false,
                metric: {
                  namespace: "AWS/ApiGateway",
                  metricName: "5XXError",
                  dimensions: { ApiName: api.name, Stage: api.stageName, Resource: route.path, Method: route.method },
                  period: 60,
                  stat: "Sum",
                },
              })),
              { id: "errors", expression: `SUM([${ids.join(",")}])`, label: `${fn} 5XX`, returnData: true },
            ],
          }),
        );
      }
      this.alarms[fn] = alarms;

      this.groups[fn] = new CodedeployDeploymentGroup(this, `${fn}-group`, {
        appName: this.application.name,
        deploymentGroupName: fn,
        serviceRoleArn: this.role.arn,
        deploymentConfigName: releases.deploymentConfig,
        deploymentStyle: { deploymentType: "BLUE_GREEN", deploymentOption: "WITH_TRAFFIC_CONTROL" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
        // A rollback alarm CodeDeploy cannot read stops the deployment (ignore_poll_alarm_failure false).
        alarmConfiguration: {
          enabled: true,
          alarms: alarms.map((a) => a.alarmName),
          ignorePollAlarmFailure: false,
        },
        dependsOn: [attachment],
      });
    }

    this.targets = RELEASED_FUNCTIONS.map((fn) => ({
      function: fn,
      functionName: functions[fn].fn.functionName,
      alias: this.aliases[fn].alias.name,
      targetVersion: functions[fn].fn.version,
      application: this.application.name,
      deploymentGroup: this.groups[fn].deploymentGroupName,
    }));
    new TerraformOutput(this, "release_targets", {
      staticId: true,
      value: this.targets,
      description: "Per released function: its live alias, newest version and deployment group (tools/release)",
    });
  }
}
