import { CONNECTIONS_PER_INSTANCE } from "../../shared/lambda-pool";
import { auroraInstanceMemoryGib, auroraMaxConnections } from "./aurora";
import { instanceMemoryGib, GIB } from "./instance-memory";
import type { EnvironmentConfig } from "./types";

/**
 * RDS for MySQL's default `max_connections` is `{DBInstanceClassMemory/12582880}`.
 * DBInstanceClassMemory is the class's memory less what the OS and RDS keep; 384 MiB less is a
 * conservative stand-in (1 GiB classes: 53 here against AWS's published ~66; 16 GiB: 1,334
 * against ~1,365), so a sizing that passes here passes on the real instance.
 */
const RESERVED_FOR_OS_BYTES = 384 * 1024 ** 2;
const BYTES_PER_CONNECTION = 12_582_880;

export function mysqlMaxConnections(instanceClass: string): number {
  return Math.floor((instanceMemoryGib(instanceClass) * GIB - RESERVED_FOR_OS_BYTES) / BYTES_PER_CONNECTION);
}

/**
 * The default `max_connections` of the database the proxy fronts: the RDS instance's, or with
 * Aurora each instance's (writer and readers alike; docs/read-replicas.md).
 */
export function databaseMaxConnections(database: EnvironmentConfig["database"]): number {
  return database.engine === "aurora-mysql"
    ? auroraMaxConnections(auroraInstanceMemoryGib(database))
    : mysqlMaxConnections(database.instanceClass);
}

/**
 * The database connections RDS Proxy may open: `max_connections_percent` of max_connections. With
 * Aurora the limit holds per instance: the writer takes every function's pool (the reports' own
 * for API key lookups and strong reads), the readers only the reports' reader pools, fewer.
 */
export function proxyConnectionLimit(config: EnvironmentConfig): number {
  return Math.floor((databaseMaxConnections(config.database) * config.database.proxyMaxConnectionsPercent) / 100);
}

/**
 * Functions that open no database connection, so their reserved concurrency costs the proxy
 * nothing: the API's Lambda authorizer checks a header and, for people, a token signature.
 */
export const WITHOUT_DATABASE = ["authorizer"] as const;

export interface ConnectionDemand {
  /** Σ reserved concurrency × connections per instance, over every function. */
  connections: number;
  /** Functions without reserved concurrency: their demand is unbounded. */
  unreserved: (keyof typeof CONNECTIONS_PER_INSTANCE)[];
}

type ReservingFunction = keyof typeof CONNECTIONS_PER_INSTANCE | (typeof WITHOUT_DATABASE)[number];

/** The most connections the environment's functions can hold at once, given their reserved concurrency. */
export function connectionDemand(config: EnvironmentConfig): ConnectionDemand {
  let connections = 0;
  const unreserved: ConnectionDemand["unreserved"] = [];
  for (const [name, perInstance] of Object.entries(CONNECTIONS_PER_INSTANCE) as [
    keyof typeof CONNECTIONS_PER_INSTANCE,
    number,
  ][]) {
    const reserved = config.functions[name].reservedConcurrency;
    if (reserved === undefined) unreserved.push(name);
    else connections += reserved * perInstance;
  }
  return { connections, unreserved };
}

/**
 * Problems with the environment's connection budget: where any function reserves concurrency,
 * all must (one unbounded function makes the sum meaningless), and reserved × pool size summed
 * over the functions must fit in what the proxy may open. An environment that reserves nothing
 * (dev: a fresh account's concurrency quota may be as low as 10) is bounded by its account quota.
 */
export function capacityProblems(config: EnvironmentConfig): string[] {
  const { connections, unreserved: unreservedWithDatabase } = connectionDemand(config);
  const reservedAny = unreservedWithDatabase.length < Object.keys(CONNECTIONS_PER_INSTANCE).length;
  if (!reservedAny) return [];
  // The authorizer holds no connection, but where the others are reserved it must be too: it
  // gates every keyed request, and unreserved it would compete for the account's unreserved pool.
  const unreserved: ReservingFunction[] = [
    ...unreservedWithDatabase,
    ...WITHOUT_DATABASE.filter((name) => config.functions[name].reservedConcurrency === undefined),
  ];
  if (unreserved.length > 0) {
    return unreserved.map(
      (name) =>
        `${config.name}.functions.${name}.reservedConcurrency: required when other functions reserve concurrency ` +
        ((WITHOUT_DATABASE as readonly string[]).includes(name)
          ? "(it holds no database connection, but gates every keyed request)"
          : "(unbounded, it could exhaust the proxy's connections)"),
    );
  }
  const limit = proxyConnectionLimit(config);
  if (connections <= limit) return [];
  const detail = (Object.keys(CONNECTIONS_PER_INSTANCE) as (keyof typeof CONNECTIONS_PER_INSTANCE)[])
    .map((name) => `${name} ${config.functions[name].reservedConcurrency}×${CONNECTIONS_PER_INSTANCE[name]}`)
    .concat(WITHOUT_DATABASE.map((name) => `${name} ${config.functions[name].reservedConcurrency}×0`))
    .join(" + ");
  return [
    `${config.name}.functions: reserved concurrency × pool size is ${connections} connections (${detail}), ` +
      `more than the ${limit} RDS Proxy may open ` +
      `(${config.database.proxyMaxConnectionsPercent} % of ${databaseClass(config.database)}'s ` +
      `~${databaseMaxConnections(config.database)} max_connections)`,
  ];
}

function databaseClass(database: EnvironmentConfig["database"]): string {
  const capacity = database.aurora.capacity;
  if (database.engine === "rds-mysql") return database.instanceClass;
  return capacity.kind === "serverless-v2"
    ? `Aurora db.serverless at ${capacity.maxAcu} ACU`
    : `Aurora ${capacity.instanceClass}`;
}
