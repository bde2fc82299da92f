import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { AlarmConfig } from "../../config";
import type { DeployedFunction } from "../../contracts";
import { severityAlarm, type AlarmTopicArns, type Severity } from "./alarm";

export interface LambdaAlarmsProps {
  prefix: string;
  functionNames: Record<DeployedFunction, string>;
  thresholds: Pick<AlarmConfig, "lambdaErrorsPerFiveMinutes" | "lambdaThrottlesPerFiveMinutes">;
  topics: AlarmTopicArns;
}

/**
 * Errors of a function on the request path (ingest, reports, health) fail a store's requests:
 * critical. Errors of the operator-run functions (migrate runs on deploy and fails the deploy
 * visibly; admin is invoked by hand) and throttles (clients get 429 and retry) are warnings.
 */
export const ERROR_SEVERITY: Record<DeployedFunction, Severity> = {
  ingest: "critical",
  reports: "critical",
  health: "critical",
  migrate: "warning",
  admin: "warning",
  // It runs before every keyed request: when it fails, the whole API answers 503.
  authorizer: "critical",
};

/** Per function: Errors and Throttles, summed over five minutes, at or above the configured counts. */
export class LambdaAlarms extends Construct {
  readonly errors: Partial<Record<DeployedFunction, CloudwatchMetricAlarm>> = {};
  readonly throttles: Partial<Record<DeployedFunction, CloudwatchMetricAlarm>> = {};

  constructor(scope: Construct, id: string, props: LambdaAlarmsProps) {
    super(scope, id);
    const { prefix, functionNames, thresholds, topics } = props;
    for (const fn of Object.keys(ERROR_SEVERITY) as DeployedFunction[]) {
      const common = {
        namespace: "AWS/Lambda",
        dimensions: { FunctionName: functionNames[fn] },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      };
      this.errors[fn] = severityAlarm(this, `${fn}-errors`, topics, {
        ...common,
        severity: ERROR_SEVERITY[fn],
        alarmName: `${prefix}-lambda-${fn}-errors`,
        alarmDescription: `Lambda ${fn}: ${thresholds.lambdaErrorsPerFiveMinutes} or more errors in five minutes`,
        metricName: "Errors",
        threshold: thresholds.lambdaErrorsPerFiveMinutes,
      });
      this.throttles[fn] = severityAlarm(this, `${fn}-throttles`, topics, {
        ...common,
        severity: "warning",
        alarmName: `${prefix}-lambda-${fn}-throttles`,
        alarmDescription:
          `Lambda ${fn}: ${thresholds.lambdaThrottlesPerFiveMinutes} ` +
          "or more throttled invocations in five minutes",
        metricName: "Throttles",
        threshold: thresholds.lambdaThrottlesPerFiveMinutes,
      });
    }
  }
}
