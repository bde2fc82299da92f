import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { Construct } from "constructs";

export interface AppUserSecretProps {
  prefix: string;
  appUsername: string;
  kmsKeyArn: string;
  /**
   * Days Secrets Manager keeps a deleted secret; 0 deletes at once (so a destroyed dev can be re-created under the same
   * name).
   */
  recoveryWindowInDays: number;
}

/**
 * The application user's secret, `<prefix>/db/app_user`, which RDS Proxy reads to open its
 * pooled connections to the database as that user.
 *
 * Deliberately a secret with NO value (no aws_secretsmanager_secret_version): the migration
 * function creates the database user on deploy, generates its password and writes it here as
 * `{"username": "<appUsername>", "password": "..."}` (the JSON shape RDS Proxy reads). So the
 * password never exists in Terraform's configuration, plan or state. Until that first deploy the
 * proxy cannot log in as this user (target health AUTH_FAILURE for it); the master login works.
 */
export class AppUserSecret extends Construct {
  readonly secret: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: AppUserSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: `${props.prefix}/db/${props.appUsername}`,
      description:
        `${props.prefix}: password of database user ${props.appUsername}, ` +
        "written by the migration function; read by RDS Proxy",
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowInDays,
    });
  }
}
