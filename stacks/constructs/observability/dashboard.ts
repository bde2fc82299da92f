import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import type { ApiOutputs, DataOutputs, DeployedFunction } from "../../contracts";
import { proxyDimensionList, type ProxyMetric } from "./proxy-metrics";

export interface DashboardProps {
  prefix: string;
  region: string;
  api: Pick<ApiOutputs, "restApiName" | "stageName" | "functionNames">;
  data: Pick<DataOutputs, "dbInstanceIdentifier" | "proxyName">;
  /** Alarm ARNs shown in an alarm-status widget at the top. */
  alarmArns: string[];
  /** CloudWatch namespace of the handlers' Powertools metrics. */
  businessNamespace?: string;
}

/** Business metrics the handlers emit (functions/handlers, functions/middleware/error-handler). */
export const BUSINESS_METRICS = ["OrdersCreated", "EventsAccepted", "ReportsServed", "RequestsFailed"] as const;

type MetricRow = (string | Record<string, unknown>)[];

interface Widget {
  type: "metric" | "alarm" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

/**
 * The `<prefix>` dashboard: alarm status; API requests, 4XX/5XX and latency; per-function Lambda
 * invocations, errors, duration and concurrency; RDS CPU, memory and connections; RDS Proxy
 * connections; the business metrics. Widgets are laid out in rows of two, 12 units wide.
 */
export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { prefix, region, api, data } = props;
    const namespace = props.businessNamespace ?? "EcommerceAnalytics";
    const apiDims = ["ApiName", api.restApiName, "Stage", api.stageName];
    const functions = Object.entries(api.functionNames) as [DeployedFunction, string][];
    const perFunction = (metric: string, stat: string): MetricRow[] =>
      functions.map(([fn, name]) => ["AWS/Lambda", metric, "FunctionName", name, { stat, label: fn }]);
    const db = ["DBInstanceIdentifier", data.dbInstanceIdentifier];
    const proxy = (metric: ProxyMetric) => proxyDimensionList(data.proxyName, metric);

    const widgets: Omit<Widget, "x" | "y" | "width" | "height">[] = [];
    const metric = (title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}) =>
      widgets.push({
        type: "metric",
        properties: { title, region, view: "timeSeries", stacked: false, period: 300, metrics, ...extra },
      });

    metric("API requests", [["AWS/ApiGateway", "Count", ...apiDims, { stat: "Sum", label: "requests" }]]);
    metric("API 4XX / 5XX", [
      ["AWS/ApiGateway", "4XXError", ...apiDims, { stat: "Sum", label: "4XX" }],
      ["AWS/ApiGateway", "5XXError", ...apiDims, { stat: "Sum", label: "5XX" }],
    ]);
    metric("API latency (ms)", [
      ["AWS/ApiGateway", "Latency", ...apiDims, { stat: "p50", label: "p50" }],
      ["AWS/ApiGateway", "Latency", ...apiDims, { stat: "p99", label: "p99" }],
      ["AWS/ApiGateway", "IntegrationLatency", ...apiDims, { stat: "p99", label: "integration p99" }],
    ]);
    metric("Lambda invocations", perFunction("Invocations", "Sum"));
    metric("Lambda errors", perFunction("Errors", "Sum"));
    metric("Lambda throttles", perFunction("Throttles", "Sum"));
    metric("Lambda duration p99 (ms)", perFunction("Duration", "p99"));
    metric("Lambda concurrent executions", perFunction("ConcurrentExecutions", "Maximum"));
    metric("RDS CPU (%)", [["AWS/RDS", "CPUUtilization", ...db, { stat: "Average", label: "CPU" }]], {
      yAxis: { left: { min: 0, max: 100 } },
    });
    metric("RDS freeable memory (bytes)", [
      ["AWS/RDS", "FreeableMemory", ...db, { stat: "Minimum", label: "freeable memory" }],
    ]);
    metric("RDS connections and free storage", [
      ["AWS/RDS", "DatabaseConnections", ...db, { stat: "Maximum", label: "connections" }],
      ["AWS/RDS", "FreeStorageSpace", ...db, { stat: "Minimum", label: "free storage (bytes)", yAxis: "right" }],
    ]);
    metric("RDS Proxy connections", [
      ["AWS/RDS", "ClientConnections", ...proxy("ClientConnections"), { stat: "Sum", label: "client", period: 60 }],
      [
        "AWS/RDS",
        "DatabaseConnections",
        ...proxy("DatabaseConnections"),
        { stat: "Sum", label: "database", period: 60 },
      ],
      [
        "AWS/RDS",
        "DatabaseConnectionsCurrentlyBorrowed",
        ...proxy("DatabaseConnectionsCurrentlyBorrowed"),
        { stat: "Sum", label: "borrowed", period: 60 },
      ],
      [
        "AWS/RDS",
        "DatabaseConnectionsCurrentlySessionPinned",
        ...proxy("DatabaseConnectionsCurrentlySessionPinned"),
        { stat: "Sum", label: "pinned", period: 60 },
      ],
      [
        "AWS/RDS",
        "MaxDatabaseConnectionsAllowed",
        ...proxy("MaxDatabaseConnectionsAllowed"),
        { stat: "Sum", label: "max allowed", period: 60 },
      ],
    ]);
    // Powertools publishes each metric with its one default dimension, `service`
    // (POWERTOOLS_SERVICE_NAME): search that schema, summed into one line per metric. A
    // dimension added to the handlers' metrics must be added to the schema here.
    metric(
      `Business metrics (${namespace})`,
      BUSINESS_METRICS.map((name, i) => [
        {
          expression: `SUM(SEARCH('{${namespace},service} MetricName="${name}"', 'Sum', 300))`,
          label: name,
          id: `b${i}`,
        },
      ]),
    );

    const laidOut: Widget[] = [
      { type: "alarm", x: 0, y: 0, width: 24, height: 4, properties: { title: "Alarms", alarms: props.alarmArns } },
      ...widgets.map((w, i) => ({ ...w, x: (i % 2) * 12, y: 4 + Math.floor(i / 2) * 6, width: 12, height: 6 })),
    ];
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: prefix,
      dashboardBody: JSON.stringify({ widgets: laidOut }),
    });
  }
}
