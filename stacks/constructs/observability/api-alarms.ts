import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import type { AlarmConfig } from "../../config";
import type { ApiOutputs } from "../../contracts";
import { severityAlarm, type AlarmTopicArns } from "./alarm";

export interface ApiAlarmsProps {
  prefix: string;
  api: Pick<ApiOutputs, "restApiName" | "stageName">;
  thresholds: Pick<AlarmConfig, "api5xxRatePercent" | "apiP99LatencyMs">;
  topics: AlarmTopicArns;
}

/**
 * API Gateway (REST) alarms over the stage's metrics (dimensions ApiName + Stage):
 * - 5XX rate, critical: 100 * 5XXError / Count above the configured percent in 3 of 5 minutes.
 *   A minute without requests has no rate (missing data), which is not breaching.
 * - p99 latency, warning: above the configured milliseconds in 2 of 3 five-minute periods.
 */
export class ApiAlarms extends Construct {
  readonly serverErrorRate: CloudwatchMetricAlarm;
  readonly p99Latency: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: ApiAlarmsProps) {
    super(scope, id);
    const { prefix, api, thresholds, topics } = props;
    const dimensions = { ApiName: api.restApiName, Stage: api.stageName };
    const metric = (metricName: string) => ({
      namespace: "AWS/ApiGateway",
      metricName,
      dimensions,
      period: 60,
      stat: "Sum",
    });

    this.serverErrorRate = severityAlarm(this, "5xx-rate", topics, {
      severity: "critical",
      alarmName: `${prefix}-api-5xx-rate`,
      alarmDescription: `API 5XX responses above ${thresholds.api5xxRatePercent}% of requests in 3 of 5 minutes`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.api5xxRatePercent,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: "notBreaching",
      metricQuery: [
        { id: "errors", metric: metric("5XXError"), returnData: false },
        { id: "requests", metric: metric("Count"), returnData: false },
        { id: "rate", expression: "100 * errors / requests", label: "5XX rate (%)", returnData: true },
      ],
    });

    this.p99Latency = severityAlarm(this, "p99-latency", topics, {
      severity: "warning",
      alarmName: `${prefix}-api-p99-latency`,
      alarmDescription: `API p99 latency above ${thresholds.apiP99LatencyMs} ms in 2 of 3 five-minute periods`,
      namespace: "AWS/ApiGateway",
      metricName: "Latency",
      dimensions,
      extendedStatistic: "p99",
      period: 300,
      comparisonOperator: "GreaterThanThreshold",
      threshold: thresholds.apiP99LatencyMs,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: "notBreaching",
    });
  }
}
