import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { schedulerTrust } from "../security/scheduler-trust";
import type { StopScheduleConfig } from "../../config";

export interface StopScheduleProps {
  prefix: string;
  accountId: string;
  partition: string;
  region: string;
  settings: StopScheduleConfig;
  dbInstanceIdentifier: string;
  dbInstanceArn: string;
}

/** EventBridge Scheduler's cron (minutes hours day-of-month month day-of-week year) at a whole hour on `days`. */
export const cronAt = (hour: number, days: StopScheduleConfig["days"]) => `cron(0 ${hour} ? * ${days} *)`;

/**
 * Stops the database after working hours and starts it before them (docs/costs.md), with
 * EventBridge Scheduler's universal targets for RDS (the AWS SDK calls StopDBInstance and
 * StartDBInstance; no Lambda). The role may do exactly those two calls on this one instance,
 * and only this account's schedules may assume it. While the instance is stopped, RDS Proxy
 * stays up but has no target (clients get connection errors), the RDS alarms see no data
 * (INSUFFICIENT_DATA, which notifies nobody) and the proxy alarms treat missing data as fine.
 * RDS starts a stopped instance by itself after 7 days; the next stop puts it back.
 */
export class StopSchedule extends Construct {
  readonly role: IamRole;
  readonly stop: SchedulerSchedule;
  readonly start: SchedulerSchedule;

  constructor(scope: Construct, id: string, props: StopScheduleProps) {
    super(scope, id);
    const { prefix, settings, partition, accountId, region } = props;
    const trust = schedulerTrust(this, "trust", { partition, region, accountId, schedules: [`${prefix}-db-*`] });
    this.role = new IamRole(this, "role", {
      name: `${prefix}-db-schedule`,
      description: `${prefix}: EventBridge Scheduler stops and starts the database`,
      assumeRolePolicy: trust.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "permissions", {
      statement: [
        {
          sid: "StopAndStartTheDatabase",
          effect: "Allow",
          actions: ["rds:StopDBInstance", "rds:StartDBInstance"],
          resources: [props.dbInstanceArn],
        },
      ],
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: "stop-and-start",
      role: this.role.name,
      policy: permissions.json,
    });

    const schedule = (action: "stop" | "start", hour: number) =>
      new SchedulerSchedule(this, action, {
        name: `${prefix}-db-${action}`,
        description: `${prefix}: ${action} the database at ${hour}:00 ${settings.timeZone}, ${settings.days}`,
        groupName: "default",
        scheduleExpression: cronAt(hour, settings.days),
        scheduleExpressionTimezone: settings.timeZone,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
        target: {
          arn: `arn:${partition}:scheduler:::aws-sdk:rds:${action}DBInstance`,
          roleArn: this.role.arn,
          input: JSON.stringify({ DbInstanceIdentifier: props.dbInstanceIdentifier }),
          // A stop of an instance already stopped (or being backed up) fails; the next day's try is the retry.
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
        dependsOn: [policy],
      });
    this.stop = schedule("stop", settings.stopHour);
    this.start = schedule("start", settings.startHour);
  }
}
