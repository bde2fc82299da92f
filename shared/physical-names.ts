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
