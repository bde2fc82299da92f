import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";
import { smokeSecretName } from "../../../shared/physical-names";

/**
 * `<prefix>-smoke-test` (shared/physical-names.ts): the name the store command and the apply role's policy know it
 * by.
 */
export { smokeSecretName };

export interface SmokeTestSecretProps {
  /** `ecommerce-analytics-prod`. */
  prefix: string;
  /**
   * The environment's database key (DataOutputs.databaseKeyArn), which already encrypts its Secrets Manager
   * secrets.
   */
  kmsKeyArn: string;
}

/**
 * The deploy workflow's smoke-test key, `<prefix>-smoke-test`: `{"storeId", "keyId", "apiKey"}`
 * of a store made for smoke tests.
 *
 * Deliberately a secret with NO value (no aws_secretsmanager_secret_version): the smoke store can
 * exist only once this stack's usage plan and admin function are up, so the deploy's smoke-key
 * step (`npm run -s store -- smoke-key --env <env>`, tools/local/smoke-key.ts) creates the
 * store and its key after the apply and writes them here; later deploys reuse the key while API
 * Gateway still has it enabled. The key never exists in Terraform's configuration, plan or state.
 *
 * Encrypted with the database key rather than a key of its own: the key opens a store's data in
 * that same database (the same sensitivity), the key's policy already hands authorization to IAM,
 * and the apply role already uses it through Secrets Manager only (deploy-permissions.ts); a key
 * of its own would add a key policy, a rotation and a monthly charge for one small value.
 *
 * Deleted without a recovery window: its value is re-created by the next deploy, and a window
 * would block re-creating the api stack under the same name for up to 30 days.
 */
export class SmokeTestSecret extends Construct {
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: SmokeTestSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: smokeSecretName(props.prefix),
      description:
        `${props.prefix}: API key of the smoke-test store, ` +
        "written and read by the deploy workflow's smoke-key step",
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: 0,
    });
  }
}
