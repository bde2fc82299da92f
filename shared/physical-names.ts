/**
 * Physical names that the stacks create and the store command (tools/local) finds resources
 * by, declared once so the two cannot drift apart. No dependencies: stacks/ and functions/ both
 * import it.
 */

/** Every physical name of an environment starts with `<project>-<environment>`, e.g. `ecommerce-analytics-prod`. */
export function environmentPrefix(project: string, environment: string): string {
  return `${project}-${environment}`;
}

/** A Lambda function of the environment: `<prefix>-<name>`, e.g. `ecommerce-analytics-prod-admin`. */
export function lambdaFunctionName(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

/** The private admin function that records stores and key hashes (invoked by the store command). */
export function adminFunctionName(prefix: string): string {
  return lambdaFunctionName(prefix, "admin");
}

/** The API Gateway usage plan every store's key is attached to: `<prefix>-usage-plan`. */
export function usagePlanName(prefix: string): string {
  return `${prefix}-usage-plan`;
}

/** The Secrets Manager secret of the smoke-test store's key: `<prefix>-smoke-test`. */
export function smokeSecretName(prefix: string): string {
  return `${prefix}-smoke-test`;
}

/** The Cognito user pool of the dashboard's people: `<prefix>-people`. */
export function userPoolName(prefix: string): string {
  return `${prefix}-people`;
}

/**
 * The API key the Lambda authorizer hands to API Gateway for signed-in people (one for all of them),
 * and the usage plan that throttles their traffic apart from the machines' keys: `<prefix>-people`.
 */
export function peopleApiKeyName(prefix: string): string {
  return `${prefix}-people`;
}

export function peopleUsagePlanName(prefix: string): string {
  return `${prefix}-people-usage-plan`;
}

/** The private bucket of the dashboard's static files; bucket names are global, hence the account id. */
export function siteBucketName(prefix: string, accountId: string): string {
  return `${prefix}-dashboard-${accountId}`;
}

/** The history export's bucket (docs/history-export.md): Parquet under raw/, Athena results under athena-results/. */
export function historyBucketName(prefix: string, accountId: string): string {
  return `${prefix}-history-${accountId}`;
}

/** The history's Glue database: `ecommerce-analytics-prod` -> `ecommerce_analytics_prod_history` (no dashes). */
export function historyDatabaseName(prefix: string): string {
  return `${prefix.replace(/-/g, "_")}_history`;
}

/**
 * The user pool's custom attribute naming a person's store: `custom:store_id` in tokens and in
 * AdminCreateUser, written only by an administrator when the user is created.
 */
export const STORE_ATTRIBUTE = "store_id";
