/**
 * Memory (GiB) of the RDS instance classes this project may use. CloudWatch reports
 * FreeableMemory in bytes with no "total", so a "below N % free" alarm needs the class's size.
 * Graviton classes (t4g, m6g/m7g/m8g, r6g/r7g/r8g) plus t3/m5/r5 for older accounts.
 */
const BURSTABLE = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 } as const;
const GENERAL = {
  large: 8,
  xlarge: 16,
  "2xlarge": 32,
  "4xlarge": 64,
  "8xlarge": 128,
  "12xlarge": 192,
  "16xlarge": 256,
} as const;
const MEMORY = {
  large: 16,
  xlarge: 32,
  "2xlarge": 64,
  "4xlarge": 128,
  "8xlarge": 256,
  "12xlarge": 384,
  "16xlarge": 512,
} as const;

const FAMILIES: Record<string, Record<string, number>> = {
  t3: BURSTABLE,
  t4g: BURSTABLE,
  m5: GENERAL,
  m6g: GENERAL,
  m7g: GENERAL,
  m8g: GENERAL,
  r5: MEMORY,
  r6g: MEMORY,
  r7g: MEMORY,
  r8g: MEMORY,
};

export const GIB = 1024 ** 3;

/**
 * The instance class's memory in GiB, e.g. `db.r7g.large` -> 16. Throws for a class not in the table (fail at synth,
 * not with a wrong threshold).
 */
export function instanceMemoryGib(instanceClass: string): number {
  const match = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  const gib = match ? FAMILIES[match[1]]?.[match[2]] : undefined;
  if (gib === undefined) {
    throw new Error(
      `instance-memory: no memory size known for RDS instance class "${instanceClass}"; ` +
        "add it to stacks/config/instance-memory.ts",
    );
  }
  return gib;
}

/** FreeableMemory threshold in bytes: alarm when less than (100 - usedPercent) % of the class's memory is free. */
export function freeableMemoryThresholdBytes(instanceClass: string, usedPercent: number): number {
  return Math.round(instanceMemoryGib(instanceClass) * GIB * ((100 - usedPercent) / 100));
}
