import { blocks, entries, isExpression, type Block, type Finding, type TerraformJson } from "./types";

const RULE = "rds-backup-replica-encrypted-in-its-region" as const;

/** The region of each AWS provider configuration of a stack: `aws` (the default) and `aws.<alias>`. */
function providerRegions(tf: TerraformJson): Map<string, string | undefined> {
  const providers = (tf.provider as Record<string, unknown> | undefined)?.aws;
  const regions = new Map<string, string | undefined>();
  for (const provider of blocks(providers)) {
    const name = typeof provider.alias === "string" ? `aws.${provider.alias}` : "aws";
    regions.set(
      name,
      typeof provider.region === "string" && !isExpression(provider.region) ? provider.region : undefined,
    );
  }
  return regions;
}

const providerOf = (block: Block) => (typeof block.provider === "string" ? block.provider : "aws");

/** `${aws_kms_key.NAME.arn}` (or `.key_id`, `.id`) -> NAME. */
const keyName = (value: string) => /^\$\{aws_kms_key\.([^.}]+)\.(arn|key_id|id)\}$/.exec(value)?.[1];

/** `${aws_db_instance.NAME.arn}` -> NAME. */
const instanceName = (value: string) => /^\$\{aws_db_instance\.([^.}]+)\.arn\}$/.exec(value)?.[1];

/**
 * Every `aws_db_instance_automated_backups_replication` is encrypted with a customer-managed key of
 * its own region (a KMS key is regional: a key of the source region cannot encrypt the copies, and
 * without `kms_key_id` RDS falls back to the AWS-managed aws/rds key there), and really lies in
 * another region than its source instance (a copy in the same region survives nothing more).
 */
export const backupReplication = {
  id: RULE,
  description:
    "every aws_db_instance_automated_backups_replication has kms_key_id, a key of its own (destination) region, " +
    "and a destination region other than its source instance's",
  check(tf: TerraformJson): Finding[] {
    const findings: Finding[] = [];
    const regions = providerRegions(tf);
    const keys = tf.resource?.aws_kms_key ?? {};
    const instances = tf.resource?.aws_db_instance ?? {};
    const flag = (address: string, message: string) => findings.push({ address, rule: RULE, message });
    for (const [address, replication] of entries(tf, "aws_db_instance_automated_backups_replication")) {
      const provider = providerOf(replication);
      const region = regions.get(provider);
      const kms = replication.kms_key_id;
      if (typeof kms !== "string" || kms === "") {
        flag(address, "no kms_key_id: the copies would be encrypted with the AWS-managed aws/rds key");
      } else if (isExpression(kms)) {
        const name = keyName(kms);
        const key = name === undefined ? undefined : keys[name];
        if (!key) flag(address, `kms_key_id ${kms} is not a KMS key of this stack`);
        else if (providerOf(key) !== provider) {
          const keyRegion = regions.get(providerOf(key)) ?? providerOf(key);
          flag(address, `kms_key_id is a key of ${keyRegion}, not of the replica's region ${region ?? provider}`);
        }
      } else {
        const keyRegion = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(kms)?.[1];
        if (keyRegion === undefined) flag(address, `kms_key_id ${kms} is not a KMS key ARN`);
        else if (keyRegion !== region)
          flag(address, `kms_key_id is a key of ${keyRegion}, not of the replica's region ${region ?? provider}`);
      }
      const source = typeof replication.source_db_instance_arn === "string" ? replication.source_db_instance_arn : "";
      const sourceName = instanceName(source);
      const sourceInstance = sourceName === undefined ? undefined : instances[sourceName];
      const sourceRegion = sourceInstance
        ? regions.get(providerOf(sourceInstance))
        : /^arn:aws[a-z-]*:rds:([a-z0-9-]+):/.exec(source)?.[1];
      if (region !== undefined && sourceRegion === region)
        flag(address, `the copies stay in the source instance's region ${region}`);
    }
    return findings;
  },
};
