import { blocks, entries, present, type Finding, type TerraformJson } from "./types";

const RULE = "athena-workgroup-enforced" as const;

/**
 * Athena workgroups hold every query to their settings: `enforce_workgroup_configuration` (a client
 * cannot send its results elsewhere or unencrypted), results encrypted with KMS (SSE_KMS or
 * CSE_KMS and a key), a `bytes_scanned_cutoff_per_query`, and no requester-pays reads.
 */
export const athenaRule = {
  id: RULE,
  description:
    "every aws_athena_workgroup enforces its configuration, encrypts results with a KMS key and " +
    "sets bytes_scanned_cutoff_per_query",
  check(tf: TerraformJson): Finding[] {
    const findings: Finding[] = [];
    for (const [address, workgroup] of entries(tf, "aws_athena_workgroup")) {
      const flag = (message: string) => findings.push({ address, rule: RULE, message });
      const configuration = blocks(workgroup.configuration)[0];
      if (!configuration) {
        flag("no configuration: clients choose where results go and how they are encrypted");
        continue;
      }
      if (configuration.enforce_workgroup_configuration !== true) flag("enforce_workgroup_configuration is not true");
      if (!present(configuration.bytes_scanned_cutoff_per_query)) flag("no bytes_scanned_cutoff_per_query");
      if (configuration.requester_pays_enabled === true)
        flag("requester_pays_enabled lets queries read others' buckets");
      const encryption = blocks(blocks(configuration.result_configuration)[0]?.encryption_configuration)[0];
      const option = encryption?.encryption_option;
      if (option !== "SSE_KMS" && option !== "CSE_KMS") flag("results are not encrypted with KMS (SSE_KMS or CSE_KMS)");
      else if (!present(encryption?.kms_key_arn)) flag(`${String(option)} without kms_key_arn`);
    }
    return findings;
  },
};
