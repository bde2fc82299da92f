import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Construct } from "constructs";

/**
 * How loud an alarm is. Critical: users are failing now (pages on-call). Warning: degradation or
 * a trend that needs a look in working hours.
 */
export type Severity = "critical" | "warning";

/** The SNS topic ARN per severity; every alarm notifies its topic on ALARM and on OK. */
export type AlarmTopicArns = Record<Severity, string>;

export interface AlarmProps extends Omit<
  CloudwatchMetricAlarmConfig,
  "alarmActions" | "okActions" | "insufficientDataActions"
> {
  severity: Severity;
}

/** A CloudWatch alarm whose ALARM and OK notifications go to the topic of its severity. */
export function severityAlarm(
  scope: Construct,
  id: string,
  topics: AlarmTopicArns,
  props: AlarmProps,
): CloudwatchMetricAlarm {
  const { severity, alarmDescription, ...config } = props;
  const topic = topics[severity];
  return new CloudwatchMetricAlarm(scope, id, {
    ...config,
    alarmDescription: `[${severity}] ${alarmDescription ?? config.alarmName}`,
    actionsEnabled: true,
    alarmActions: [topic],
    okActions: [topic],
    tags: { severity, ...config.tags },
  });
}
