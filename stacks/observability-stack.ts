import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { Construct } from "constructs";
import type { EnvironmentConfig } from "./config";
import { AlarmTopics } from "./constructs/observability/alarm-topics";
import { ApiAlarms } from "./constructs/observability/api-alarms";
import { AuditTrail } from "./constructs/observability/audit-trail";
import { CostBudget } from "./constructs/observability/budget";
import { Dashboard } from "./constructs/observability/dashboard";
import { DatabaseAlarms } from "./constructs/observability/database-alarms";
import { LambdaAlarms } from "./constructs/observability/lambda-alarms";
import { SecurityAlarms } from "./constructs/observability/security-alarms";
import type { ApiOutputs, DataOutputs, NetworkOutputs } from "./contracts";
import { EnvironmentStack } from "./environment-stack";

/** CloudTrail log files are kept at least a year, or the environment's log retention if longer. */
const TRAIL_LOG_MIN_DAYS = 365;

/**
 * `observability-<env>`: the critical and warning alarm topics, the alarms of SPEC section 4
 * (API, Lambda, RDS, RDS Proxy), the `<prefix>` dashboard, the CloudTrail audit trail (bucket and
 * CloudWatch Logs, whose log group uses the network stack's logs key) and the critical alarms on
 * the security events in it.
 */
export class ObservabilityStack extends EnvironmentStack {
  readonly topics: AlarmTopics;
  readonly apiAlarms: ApiAlarms;
  readonly lambdaAlarms: LambdaAlarms;
  readonly databaseAlarms: DatabaseAlarms;
  readonly dashboard: Dashboard;
  readonly trail: AuditTrail;
  readonly securityAlarms: SecurityAlarms;
  readonly budget: CostBudget;

  constructor(
    scope: Construct,
    config: EnvironmentConfig,
    network: Pick<NetworkOutputs, "logsKeyArn">,
    data: DataOutputs,
    api: ApiOutputs,
  ) {
    super(scope, "observability", config);
    const prefix = this.prefix;
    const account = {
      accountId: new DataAwsCallerIdentity(this, "caller").accountId,
      partition: new DataAwsPartition(this, "partition").partition,
      region: config.region,
    };
    const { alarms } = config;

    this.topics = new AlarmTopics(this, "topics", {
      prefix,
      account,
      emails: { critical: alarms.criticalEmails, warning: alarms.warningEmails },
    });
    const topics = this.topics.arns;
    this.budget = new CostBudget(this, "budget", {
      prefix,
      settings: config.budget,
      costCenter: config.tags["cost-center"],
      topicArn: topics.warning,
      topicPolicy: this.topics.policies.warning,
    });
    this.apiAlarms = new ApiAlarms(this, "api-alarms", { prefix, api, thresholds: alarms, topics });
    this.lambdaAlarms = new LambdaAlarms(this, "lambda-alarms", {
      prefix,
      functionNames: api.functionNames,
      thresholds: alarms,
      topics,
    });
    this.databaseAlarms = new DatabaseAlarms(this, "database-alarms", {
      prefix,
      data,
      database: config.database,
      thresholds: alarms,
      topics,
    });

    this.trail = new AuditTrail(this, "audit-trail", {
      prefix,
      account,
      expireAfterDays: Math.max(TRAIL_LOG_MIN_DAYS, config.logRetentionDays),
      forceDestroy: config.name === "dev",
      logRetentionDays: config.logRetentionDays,
      logsKeyArn: network.logsKeyArn,
    });
    this.securityAlarms = new SecurityAlarms(this, "security-alarms", {
      prefix,
      logGroupName: this.trail.logGroup.name,
      topics,
    });

    const alarmArns = [
      this.apiAlarms.serverErrorRate,
      this.apiAlarms.p99Latency,
      ...Object.values(this.lambdaAlarms.errors),
      ...Object.values(this.lambdaAlarms.throttles),
      this.databaseAlarms.cpu,
      ...(this.databaseAlarms.freeableMemory ? [this.databaseAlarms.freeableMemory] : []),
      ...(this.databaseAlarms.freeStorage ? [this.databaseAlarms.freeStorage] : []),
      ...this.databaseAlarms.replicaLag,
      ...this.databaseAlarms.readerCpu,
      this.databaseAlarms.proxyBorrowed,
      this.databaseAlarms.proxyClients,
      ...Object.values(this.securityAlarms.alarms),
    ].map((alarm) => alarm.arn);
    this.dashboard = new Dashboard(this, "dashboard", { prefix, region: config.region, api, data, alarmArns });
  }
}
