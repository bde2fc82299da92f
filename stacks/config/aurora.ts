import * as z from "zod";
import { GIB, instanceMemoryGib } from "./instance-memory";
import type { EnvironmentConfig } from "./types";

/**
 * Aurora MySQL in place of the single RDS for MySQL instance (docs/read-replicas.md): a writer and
 * `readers` reader instances on one cluster volume, behind the same RDS Proxy, whose read-only
 * endpoint serves the reports. Off (engine "rds-mysql") in every environment today.
 */

/**
 * Aurora MySQL version 8.4 (8.4.mysql_aurora.8.4.x) is the current major version, compatible with
 * MySQL 8.4 Community Edition: the same SQL and server behaviour as the RDS for MySQL 8.4 instance.
 * Aurora MySQL version 3 (8.0.mysql_aurora.3.x, latest 3.12 = MySQL 8.0.44) is the older line.
 */
export const AURORA_ENGINE_VERSION_PATTERN = /^8\.4\.mysql_aurora\.8\.4\.\d+$/;

/** Aurora Serverless v2 capacity: 0.5 ACU steps; 1 ACU is about 2 GiB of memory. */
const acu = z
  .number()
  .min(0.5, "at least 0.5 ACU (0 pauses the instance, which RDS Proxy's pinned connections keep from happening)")
  .max(256)
  .refine((v) => Number.isInteger(v * 2), "a multiple of 0.5");
export const GIB_PER_ACU = 2;

export const auroraSchema = z.strictObject({
  /** Pinned, minor version included: a change is a reviewed edit and a planned change (no silent minor upgrades). */
  engineVersion: z.string().regex(AURORA_ENGINE_VERSION_PATTERN, "an Aurora MySQL 8.4 version: 8.4.mysql_aurora.8.4.N"),
  parameterGroupFamily: z.literal("aurora-mysql8.4"),
  /**
   * The writer's and readers' capacity: `provisioned` instances of `instanceClass` (Aurora's own,
   * apart from the RDS instance's `database.instanceClass`), or Serverless v2 (`db.serverless`)
   * scaling between minAcu and maxAcu.
   */
  capacity: z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("provisioned"),
      instanceClass: z
        .string()
        .regex(
          /^db\.[a-z][a-z0-9-]*\.(medium|large|\d*xlarge)$/,
          "must look like db.r7g.large (Aurora has no micro or small)",
        ),
    }),
    z.strictObject({ kind: z.literal("serverless-v2"), minAcu: acu, maxAcu: acu }),
  ]),
  /** Reader instances (Aurora allows 15). 0: a writer alone, and no read-only proxy endpoint. */
  readers: z.number().int().min(0).max(15),
  /** AuroraReplicaLag alarm threshold per reader (ms; AWS documents lag usually well under 100 ms). */
  replicaLagAlarmMs: z.number().int().min(10).max(600_000),
});
export type AuroraConfig = z.output<typeof auroraSchema>;

/** The class each instance of the cluster runs as. */
export function auroraInstanceClass(database: EnvironmentConfig["database"]): string {
  const capacity = database.aurora.capacity;
  return capacity.kind === "serverless-v2" ? "db.serverless" : capacity.instanceClass;
}

/** The memory one instance of the cluster has at most (a Serverless v2 instance at maxAcu). */
export function auroraInstanceMemoryGib(database: EnvironmentConfig["database"]): number {
  const capacity = database.aurora.capacity;
  return capacity.kind === "serverless-v2" ? capacity.maxAcu * GIB_PER_ACU : instanceMemoryGib(capacity.instanceClass);
}

/**
 * Aurora MySQL's default `max_connections`:
 * `GREATEST({log(DBInstanceClassMemory/805306368)*45},{log(DBInstanceClassMemory/8187281408)*1000})`
 * (log base 2). DBInstanceClassMemory is taken as 95 % of the class's memory less 1 GiB (Aurora keeps
 * more back than RDS for MySQL), which stays under AWS's published table for every size: db.t4g.medium
 * 85 (AWS: 90), db.r7g.large 897 (1,000), db.r7g.xlarge 1,947 (2,000); a sizing that passes here
 * passes on the real cluster. Serverless v2 sizes it from maxAcu (1 ACU ~ 2 GiB).
 */
export function auroraMaxConnections(memoryGib: number): number {
  const memory = (memoryGib * 0.95 - 1) * GIB;
  return Math.floor(Math.max(Math.log2(memory / 805_306_368) * 45, Math.log2(memory / 8_187_281_408) * 1000));
}

/** Checks across fields of an Aurora engine choice; none when the engine is RDS for MySQL. */
export function auroraProblems(config: EnvironmentConfig): string[] {
  const db = config.database;
  if (db.engine !== "aurora-mysql") return [];
  const at = `${config.name}.database`;
  const problems: string[] = [];
  const capacity = db.aurora.capacity;
  if (capacity.kind === "serverless-v2" && capacity.maxAcu < capacity.minAcu)
    problems.push(`${at}.aurora.capacity.maxAcu: ${capacity.maxAcu} is below minAcu ${capacity.minAcu}`);
  if (db.multiAz && db.aurora.readers === 0)
    problems.push(`${at}.multiAz: Aurora fails over to a reader; multiAz needs aurora.readers of 1 or more`);
  // The resilience options act on a DB instance (its backups, StopDBInstance, its point-in-time restore).
  if (db.backupReplication.enabled)
    problems.push(`${at}.backupReplication: replicates an RDS instance's backups; not built for Aurora`);
  if (db.stopSchedule.enabled)
    problems.push(`${at}.stopSchedule: stops an RDS instance; not built for Aurora (StopDBCluster)`);
  if (db.restoreFrom) problems.push(`${at}.restoreFrom: restores an RDS instance; not built for Aurora`);
  return problems;
}
