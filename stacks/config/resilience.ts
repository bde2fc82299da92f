import * as z from "zod";
import { REGION_AZ_COUNTS } from "./regions";

/**
 * Surviving a region and cost controls (issue 15, docs/disaster-recovery.md and docs/costs.md):
 * the database's cross-region backup replication, the schedule that stops a database outside
 * working hours, and each environment's monthly budget.
 */

/** The second region of each primary region: the nearest one in the same jurisdiction. */
export const BACKUP_REGION_OF: Readonly<Record<string, string>> = {
  "eu-west-1": "eu-central-1",
  "eu-west-2": "eu-west-1",
  "eu-west-3": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "eu-north-1": "eu-central-1",
  "eu-south-1": "eu-central-1",
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
};

/** Whether `timeZone` is an IANA zone name (`Europe/Dublin`, `UTC`), the names EventBridge Scheduler takes. */
export function isTimeZone(timeZone: string): boolean {
  if (timeZone !== "UTC" && !timeZone.includes("/")) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const knownRegion = z
  .string()
  .refine((r) => r in REGION_AZ_COUNTS, "is not a region this project knows (see stacks/config/regions.ts)");

/**
 * Copies of the instance's automated backups (daily snapshots and transaction logs) in a second
 * region, encrypted with a KMS key the data stack creates there: a point-in-time restore in that
 * region when the primary one is lost.
 */
export const backupReplicationSchema = z.strictObject({
  enabled: z.boolean(),
  /** The second region (must differ from the environment's). */
  region: knownRegion,
  /** Days of point-in-time recovery kept in the second region; independent of `backupRetentionDays`. */
  retentionDays: z.number().int().min(1).max(35),
});

/**
 * EventBridge Scheduler stops the instance at `stopHour` and starts it at `startHour` (whole hours
 * of `timeZone`'s local time, daylight saving time included) on `days`; over the other days it
 * stays stopped from the last stop to the next start.
 */
export const stopScheduleSchema = z.strictObject({
  enabled: z.boolean(),
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Dublin"),
  days: z.enum(["MON-FRI", "MON-SAT", "MON-SUN"]),
  startHour: z.number().int().min(0).max(23),
  stopHour: z.number().int().min(0).max(23),
});

/**
 * The environment's monthly COST budget: a notification to the warning alarm topic when AWS
 * Budgets forecasts the month's spend above each percentage of the limit.
 */
export const budgetSchema = z.strictObject({
  /** The monthly limit in USD. */
  monthlyLimitUsd: z.number().int().positive(),
  /** Percentages of the limit the forecast is compared with, one notification each (AWS allows 10 per budget). */
  forecastAlertPercents: z.array(z.number().int().min(1).max(1000)).min(1).max(10),
  /**
   * `account`: every cost of the account (one account per environment, the project's assumption).
   * `cost-center-tag`: only costs carrying the environment's `cost-center` tag, which must first be
   * activated as a cost allocation tag in the payer account (until then the budget sees $0).
   */
  scope: z.enum(["account", "cost-center-tag"]),
});

/** An automated backups ARN as RDS writes it: `arn:aws:rds:<region>:<account>:auto-backup:ab-<id>`. */
const AUTOMATED_BACKUPS_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:auto-backup:ab-[A-Za-z0-9]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/**
 * Recovery only (docs/disaster-recovery.md): the instance is created by a point-in-time restore of
 * these automated backups (the replicated ones in the second region) instead of empty. It acts
 * only when the instance is created: the stack ignores it afterwards, so setting or removing it on
 * a running environment changes nothing (and never replaces the database).
 */
export const restoreFromSchema = z.strictObject({
  /** The replicated backups (data-prod's output `replicated-backups-arn`), in the environment's region. */
  automatedBackupsArn: z
    .string()
    .regex(AUTOMATED_BACKUPS_ARN, "must be an RDS automated backups ARN (...:auto-backup:ab-...)"),
  /**
   * The key the replicated backups are encrypted with (data-prod's output `backup-replication-key-arn`),
   * kept as the restored instance's storage key: RDS restores into the backups' own key, and a
   * different `kms_key_id` in the stack would make the next plan replace the restored instance.
   */
  kmsKeyArn: z.string().regex(KMS_KEY_ARN, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"),
  /** An ISO 8601 UTC time inside the backups' restore window; undefined restores the latest restorable time. */
  restoreTime: z.iso.datetime().optional(),
});

export type RestoreFromConfig = z.output<typeof restoreFromSchema>;
export type BackupReplicationConfig = z.output<typeof backupReplicationSchema>;
export type StopScheduleConfig = z.output<typeof stopScheduleSchema>;
export type BudgetConfig = z.output<typeof budgetSchema>;

/** Hours a week the instance runs under a schedule (the rest it is stopped). */
export function runningHoursPerWeek(schedule: Pick<StopScheduleConfig, "days" | "startHour" | "stopHour">): number {
  const days = { "MON-FRI": 5, "MON-SAT": 6, "MON-SUN": 7 }[schedule.days];
  return days * (schedule.stopHour - schedule.startHour);
}

/** Checks across fields: a second region that is really another region, a stop after the start, distinct percents. */
export function resilienceProblems(config: {
  name: string;
  region: string;
  database: {
    backupReplication: BackupReplicationConfig;
    stopSchedule: StopScheduleConfig;
    deletionProtection: boolean;
    restoreFrom?: RestoreFromConfig;
  };
  budget: BudgetConfig;
}): string[] {
  const problems: string[] = [];
  const at = `${config.name}.database`;
  const { backupReplication, stopSchedule } = config.database;
  if (backupReplication.region === config.region)
    problems.push(`${at}.backupReplication.region: is the environment's own region ${config.region}`);
  if (stopSchedule.stopHour <= stopSchedule.startHour)
    problems.push(
      `${at}.stopSchedule.stopHour: ${stopSchedule.stopHour} is not after startHour ${stopSchedule.startHour}`,
    );
  if (stopSchedule.enabled && config.database.deletionProtection)
    problems.push(
      `${at}.stopSchedule.enabled: a protected database (deletionProtection) is one users rely on; ` +
        "it is not stopped on a schedule",
    );
  const { restoreFrom } = config.database;
  const restoreRegion = restoreFrom ? AUTOMATED_BACKUPS_ARN.exec(restoreFrom.automatedBackupsArn)?.[1] : undefined;
  if (restoreRegion !== undefined && restoreRegion !== config.region)
    problems.push(
      `${at}.restoreFrom.automatedBackupsArn: backups in ${restoreRegion}; RDS restores them only in that region, ` +
        `not in ${config.region}`,
    );
  const keyRegion = restoreFrom ? KMS_KEY_ARN.exec(restoreFrom.kmsKeyArn)?.[1] : undefined;
  if (keyRegion !== undefined && keyRegion !== config.region)
    problems.push(`${at}.restoreFrom.kmsKeyArn: a key of ${keyRegion}, not of ${config.region}`);
  const percents = config.budget.forecastAlertPercents;
  if (new Set(percents).size !== percents.length)
    problems.push(`${config.name}.budget.forecastAlertPercents: ${percents.join(", ")} repeats a percentage`);
  return problems;
}
