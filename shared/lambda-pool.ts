/**
 * How many database connections one Lambda instance may hold, per function: the pool size of
 * `LAMBDA_LIMITS` (one request at a time per instance, one spare), and for `migrate` its pool
 * plus the one connection that checks the application user's first login through the proxy.
 * The infrastructure config sizes reserved concurrency with these (stacks/config/capacity.ts),
 * so functions x pool can never exceed the connections RDS Proxy may open.
 */
export const LAMBDA_POOL_SIZE = 2;

export const CONNECTIONS_PER_INSTANCE = {
  ingest: LAMBDA_POOL_SIZE,
  reports: LAMBDA_POOL_SIZE,
  health: LAMBDA_POOL_SIZE,
  admin: LAMBDA_POOL_SIZE,
  migrate: LAMBDA_POOL_SIZE + 1,
} as const;
