// eslint-disable-next-line max-len -- the provider's module path
import { DbInstanceAutomatedBackupsReplication } from "@cdktf/provider-aws/lib/db-instance-automated-backups-replication";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { BackupReplicationConfig } from "../../config";
import { CustomerKey } from "../security/customer-key";

export interface BackupReplicationProps {
  prefix: string;
  accountId: string;
  partition: string;
  /** The AWS provider of `settings.region` (the second region). */
  provider: TerraformProvider;
  settings: BackupReplicationConfig;
  /** The instance whose automated backups are copied. */
  sourceDbInstanceArn: string;
}

/**
 * The instance's automated backups replicated to a second region (docs/disaster-recovery.md):
 * RDS copies every daily snapshot and the transaction logs there as soon as they are ready, and
 * keeps `retentionDays` of point-in-time recovery. The copies are encrypted with a KMS key of
 * that region (a key never leaves its region; RDS re-encrypts on the way), created here in the
 * project's style: rotation on, the account administers it through IAM. The replication itself
 * is a resource of the second region (RDS's StartDBInstanceAutomatedBackupsReplication is called
 * there), hence the provider.
 */
export class BackupReplication extends Construct {
  readonly key: CustomerKey;
  readonly replication: DbInstanceAutomatedBackupsReplication;
  readonly region: string;

  constructor(scope: Construct, id: string, props: BackupReplicationProps) {
    super(scope, id);
    const { provider, settings } = props;
    this.region = settings.region;
    this.key = new CustomerKey(this, "kms", {
      prefix: props.prefix,
      name: "db-backups",
      purpose: `database: automated backups replicated to ${settings.region}`,
      accountId: props.accountId,
      partition: props.partition,
      provider,
    });
    this.replication = new DbInstanceAutomatedBackupsReplication(this, "replication", {
      provider,
      sourceDbInstanceArn: props.sourceDbInstanceArn,
      kmsKeyId: this.key.key.arn,
      retentionPeriod: settings.retentionDays,
      // The first copy is a full snapshot: larger databases take longer than the default 75 minutes.
      timeouts: { create: "180m", delete: "75m" },
    });
  }
}
