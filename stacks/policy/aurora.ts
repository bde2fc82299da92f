import { blocks, entries, type Finding, type Rule } from "./types";

const RULE = "aurora-cluster-hardening" as const;

/** `${aws_x.NAME.attr}` -> NAME, when `value` is exactly a reference to a resource of `type`. */
const referenced = (value: unknown, type: string): string | undefined =>
  typeof value === "string" ? new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.[a-z_]+\\}$`).exec(value)?.[1] : undefined;

/**
 * Every Aurora cluster (docs/read-replicas.md) holds to what the RDS instance does: storage
 * encrypted with a customer-managed key of the stack (not the AWS-managed aws/rds key), IAM
 * database authentication, the master password managed by RDS (never in state), automated
 * backups, and a cluster parameter group of the stack that requires TLS (require_secure_transport
 * = 1). Every Aurora instance stays private.
 */
export const auroraRule: Rule = {
  id: RULE,
  description:
    "every aws_rds_cluster has a customer KMS key of the stack, IAM auth, an RDS-managed master password, " +
    "backups, and a cluster parameter group of the stack with require_secure_transport = 1",
  check(tf) {
    const findings: Finding[] = [];
    const groups = tf.resource?.aws_rds_cluster_parameter_group ?? {};
    const keys = tf.resource?.aws_kms_key ?? {};
    const finding = (address: string, message: string) => findings.push({ address, rule: RULE, message });
    for (const [address, cluster] of entries(tf, "aws_rds_cluster")) {
      const key = referenced(cluster.kms_key_id, "aws_kms_key");
      if (key === undefined || !keys[key]) finding(address, "kms_key_id is not a customer-managed key of this stack");
      if (cluster.iam_database_authentication_enabled !== true)
        finding(address, "iam_database_authentication_enabled is not true");
      if (cluster.manage_master_user_password !== true || cluster.master_password !== undefined)
        finding(address, "the master password is not managed by RDS (manage_master_user_password)");
      if (typeof cluster.backup_retention_period !== "number" || cluster.backup_retention_period < 1)
        finding(address, "backup_retention_period is below 1 day");
      const groupName = referenced(cluster.db_cluster_parameter_group_name, "aws_rds_cluster_parameter_group");
      const group = groupName === undefined ? undefined : groups[groupName];
      const tls = blocks(group?.parameter).some(
        (p) => p.name === "require_secure_transport" && String(p.value) === "1",
      );
      if (!tls) finding(address, "no cluster parameter group of this stack with require_secure_transport = 1");
    }
    return findings;
  },
};
