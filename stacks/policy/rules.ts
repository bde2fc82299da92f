import { MIN_PASSWORD_LENGTH } from "../config/schema";
import { OUTSIDE_VPC_TAG } from "../constructs/compute/outside-vpc";
import { apiCache } from "./api-cache";
import { athenaRule } from "./athena";
import { auroraRule } from "./aurora";
import { backupReplication } from "./backup-replication";
import { iamFindings } from "./iam";
import { liveAliasRule } from "./releases";
import {
  blocks,
  entries,
  isExpression,
  present,
  strings,
  type Block,
  type Finding,
  type Rule,
  type TerraformJson,
} from "./types";

/** Any network with prefix length 0 is the whole address family: 0.0.0.0/0, ::/0, 0::/0. */
const isWorld = (cidr: string) => /\/0$/.test(cidr.trim());

function portRange(rule: Block): string {
  const protocol = String(rule.protocol ?? rule.ip_protocol ?? "");
  if (protocol === "-1" || protocol === "all") return "all traffic";
  const from = rule.from_port;
  const to = rule.to_port;
  return from === undefined
    ? protocol
    : `${protocol} ${String(from)}${to !== undefined && to !== from ? `-${String(to)}` : ""}`;
}

/** (a) No security group rule, in any of the four ways Terraform writes one, open to 0.0.0.0/0 or ::/0. */
const securityGroups: Rule = {
  id: "security-group-open-to-world",
  description: "no security group ingress or egress open to 0.0.0.0/0 or ::/0, on any port",
  check(tf) {
    const findings: Finding[] = [];
    const judge = (address: string, direction: string, rule: Block, cidrs: string[]) => {
      for (const cidr of cidrs.filter(isWorld)) {
        findings.push({
          address,
          rule: "security-group-open-to-world",
          message: `${direction} ${portRange(rule)} open to ${cidr}`,
        });
      }
    };
    for (const type of ["aws_security_group", "aws_default_security_group"]) {
      for (const [address, group] of entries(tf, type)) {
        for (const direction of ["ingress", "egress"]) {
          for (const rule of blocks(group[direction]))
            judge(address, direction, rule, [...strings(rule.cidr_blocks), ...strings(rule.ipv6_cidr_blocks)]);
        }
      }
    }
    for (const [address, rule] of entries(tf, "aws_security_group_rule")) {
      judge(address, String(rule.type ?? "rule"), rule, [
        ...strings(rule.cidr_blocks),
        ...strings(rule.ipv6_cidr_blocks),
      ]);
    }
    for (const [type, direction] of [
      ["aws_vpc_security_group_ingress_rule", "ingress"],
      ["aws_vpc_security_group_egress_rule", "egress"],
    ] as const) {
      for (const [address, rule] of entries(tf, type))
        judge(address, direction, rule, [...strings(rule.cidr_ipv4), ...strings(rule.cidr_ipv6)]);
    }
    return findings;
  },
};

/** The whole port range: protocol all, or TCP/UDP from 0 (or 1) to 65535. */
const allPorts = (rule: Block) => {
  const protocol = String(rule.protocol ?? "");
  if (protocol === "-1" || protocol === "all") return true;
  return Number(rule.from_port ?? 0) <= 1 && Number(rule.to_port ?? 0) >= 65535;
};

/** (a2) No NACL allows ingress on every port from 0.0.0.0/0 or ::/0 (return traffic on ephemeral ports is fine). */
const nacls: Rule = {
  id: "nacl-open-to-world",
  description: "no network ACL allows ingress of all traffic or all ports from 0.0.0.0/0 or ::/0",
  check(tf) {
    const findings: Finding[] = [];
    const judge = (address: string, rule: Block) => {
      const cidr = [...strings(rule.cidr_block), ...strings(rule.ipv6_cidr_block)].find(isWorld);
      if (cidr && rule.action === "allow" && allPorts(rule))
        findings.push({
          address,
          rule: "nacl-open-to-world",
          message: `ingress ${portRange(rule)} allowed from ${cidr}`,
        });
    };
    for (const type of ["aws_network_acl", "aws_default_network_acl"]) {
      for (const [address, acl] of entries(tf, type)) for (const rule of blocks(acl.ingress)) judge(address, rule);
    }
    for (const [address, rule] of entries(tf, "aws_network_acl_rule")) {
      if (rule.egress !== true) judge(address, { ...rule, action: rule.rule_action });
    }
    return findings;
  },
};

/** (b) Every log group expires its events and is encrypted with a customer-managed key. */
const logGroups: Rule = {
  id: "log-group-retention-and-kms",
  description: "every aws_cloudwatch_log_group has retention_in_days (not 0 = forever) and kms_key_id",
  check(tf) {
    const findings: Finding[] = [];
    for (const [address, group] of entries(tf, "aws_cloudwatch_log_group")) {
      const retention = group.retention_in_days;
      if (!present(retention) || retention === 0)
        findings.push({
          address,
          rule: "log-group-retention-and-kms",
          message: "no retention_in_days (events kept forever)",
        });
      if (!present(group.kms_key_id))
        findings.push({ address, rule: "log-group-retention-and-kms", message: "no kms_key_id" });
    }
    return findings;
  },
};

/**
 * (c) Every function runs in the VPC (subnets and security groups) with X-Ray tracing Active and its environment
 * encrypted with a customer-managed key.
 */
const lambdas: Rule = {
  id: "lambda-vpc-and-tracing",
  description:
    "every aws_lambda_function has vpc_config (subnets and security groups), tracing_config mode Active, " +
    `and kms_key_arn when it has environment variables; one outside the VPC says why in its ${OUTSIDE_VPC_TAG} ` +
    "tag and has no DB_* variables",
  check(tf) {
    const findings: Finding[] = [];
    for (const [address, fn] of entries(tf, "aws_lambda_function")) {
      const vpc = blocks(fn.vpc_config)[0];
      const outsideVpc = (fn.tags as Block | undefined)?.[OUTSIDE_VPC_TAG];
      const variables = Object.keys((blocks(fn.environment)[0]?.variables as Block | undefined) ?? {});
      if (!vpc) {
        // The one way out: a reason in the outside-vpc tag, and nothing that reaches the database.
        if (typeof outsideVpc !== "string" || outsideVpc.trim() === "")
          findings.push({ address, rule: "lambda-vpc-and-tracing", message: "no vpc_config" });
        else if (variables.some((name) => name.startsWith("DB_")))
          findings.push({
            address,
            rule: "lambda-vpc-and-tracing",
            message: `outside the VPC (${OUTSIDE_VPC_TAG}) but configured for the database (DB_* variables)`,
          });
      } else if (!present(vpc.subnet_ids) || !present(vpc.security_group_ids))
        findings.push({
          address,
          rule: "lambda-vpc-and-tracing",
          message: "vpc_config without subnet_ids or security_group_ids",
        });
      const mode = blocks(fn.tracing_config)[0]?.mode;
      if (mode !== "Active")
        findings.push({
          address,
          rule: "lambda-vpc-and-tracing",
          message: `tracing_config mode is ${mode === undefined ? "unset" : String(mode)}, not Active`,
        });
      if (blocks(fn.environment).length > 0 && !present(fn.kms_key_arn))
        findings.push({
          address,
          rule: "lambda-vpc-and-tracing",
          message: "environment variables without kms_key_arn (encrypted only with the AWS-managed key)",
        });
    }
    return findings;
  },
};

/** (d) No identity policy allows `*` or `service:*` on `*`; no AWS admin policy attached. */
const iam: Rule = {
  id: "iam-wildcard",
  description:
    "no IAM identity-policy statement allows * or service:* actions on * resources " +
    "(policy documents, inline and managed policies, admin policy attachments)",
  check: iamFindings,
};

/**
 * References to a bucket from another resource's `bucket` argument: `${aws_s3_bucket.NAME.id}` / `.bucket`, or the
 * literal name.
 */
function bucketKeys(name: string, bucket: Block): string[] {
  const keys = [`\${aws_s3_bucket.${name}.id}`, `\${aws_s3_bucket.${name}.bucket}`];
  if (typeof bucket.bucket === "string" && !isExpression(bucket.bucket)) keys.push(bucket.bucket);
  return keys;
}

const PUBLIC_ACCESS_FLAGS = [
  "block_public_acls",
  "block_public_policy",
  "ignore_public_acls",
  "restrict_public_buckets",
] as const;
const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);

/** (e) Every bucket has a public access block with all four flags on and default encryption; no public canned ACL. */
const buckets: Rule = {
  id: "s3-bucket-hardening",
  description:
    "every aws_s3_bucket has a public access block (all four flags true) and server-side encryption; " +
    "no public canned ACL",
  check(tf) {
    const findings: Finding[] = [];
    const byBucket = (type: string) =>
      entries(tf, type).map(([address, block]) => ({ address, block, bucket: String(block.bucket ?? "") }));
    const accessBlocks = byBucket("aws_s3_bucket_public_access_block");
    const encryption = byBucket("aws_s3_bucket_server_side_encryption_configuration");
    for (const [address, bucket] of entries(tf, "aws_s3_bucket")) {
      const keys = bucketKeys(address.slice("aws_s3_bucket.".length), bucket);
      const pab = accessBlocks.find((b) => keys.includes(b.bucket));
      if (!pab)
        findings.push({ address, rule: "s3-bucket-hardening", message: "no aws_s3_bucket_public_access_block" });
      else {
        const off = PUBLIC_ACCESS_FLAGS.filter((flag) => pab.block[flag] !== true);
        if (off.length)
          findings.push({
            address,
            rule: "s3-bucket-hardening",
            message: `public access block ${pab.address} leaves ${off.join(", ")} off`,
          });
      }
      const sse = encryption.find((b) => keys.includes(b.bucket));
      const inline = blocks(bucket.server_side_encryption_configuration).length > 0;
      const algorithm =
        sse &&
        blocks(sse.block.rule).some((rule) =>
          blocks(rule.apply_server_side_encryption_by_default).some((d) => present(d.sse_algorithm)),
        );
      if (!algorithm && !inline)
        findings.push({ address, rule: "s3-bucket-hardening", message: "no server-side encryption configuration" });
      if (typeof bucket.acl === "string" && PUBLIC_ACLS.has(bucket.acl))
        findings.push({ address, rule: "s3-bucket-hardening", message: `public canned ACL ${bucket.acl}` });
    }
    for (const [address, acl] of entries(tf, "aws_s3_bucket_acl")) {
      if (typeof acl.acl === "string" && PUBLIC_ACLS.has(acl.acl))
        findings.push({ address, rule: "s3-bucket-hardening", message: `public canned ACL ${acl.acl}` });
    }
    return findings;
  },
};

/** (f) Every database encrypts its storage and is not reachable from the internet. */
const databases: Rule = {
  id: "rds-encrypted-and-private",
  description: "every aws_db_instance / aws_rds_cluster has storage_encrypted = true and is not publicly_accessible",
  check(tf) {
    const findings: Finding[] = [];
    for (const [address, db] of entries(tf, "aws_db_instance")) {
      // A read replica inherits its source's encryption and may not set it.
      if (db.storage_encrypted !== true && !present(db.replicate_source_db))
        findings.push({ address, rule: "rds-encrypted-and-private", message: "storage_encrypted is not true" });
      if (db.publicly_accessible === true)
        findings.push({ address, rule: "rds-encrypted-and-private", message: "publicly_accessible = true" });
    }
    for (const [address, cluster] of entries(tf, "aws_rds_cluster")) {
      if (cluster.storage_encrypted !== true)
        findings.push({ address, rule: "rds-encrypted-and-private", message: "storage_encrypted is not true" });
    }
    for (const [address, instance] of entries(tf, "aws_rds_cluster_instance")) {
      if (instance.publicly_accessible === true)
        findings.push({ address, rule: "rds-encrypted-and-private", message: "publicly_accessible = true" });
    }
    return findings;
  },
};

/** `${aws_cloudfront_response_headers_policy.NAME.id}` -> NAME. */
const referencedName = (value: unknown, type: string): string | undefined =>
  typeof value === "string" ? new RegExp(`^\\$\\{${type}\\.([^.}]+)\\.id\\}$`).exec(value)?.[1] : undefined;

/** A year: the least HSTS max-age worth having (browsers' preload lists ask for it too). */
const MIN_HSTS_SECONDS = 31_536_000;

/**
 * (g) Every CloudFront distribution serves HTTPS only, reads S3 origins through origin access
 * control (not the legacy origin access identity, not a public bucket), and answers with a response
 * headers policy of this stack that sets HSTS (a year or more), a CSP with `frame-ancestors`, and
 * X-Frame-Options.
 */
const cloudfront: Rule = {
  id: "cloudfront-private-origin-and-headers",
  description:
    "every aws_cloudfront_distribution redirects to or requires HTTPS, reads S3 through origin access control, " +
    "and uses a response headers policy with HSTS (>= 1 year), a CSP with frame-ancestors and X-Frame-Options",
  check(tf) {
    const findings: Finding[] = [];
    const policies = tf.resource?.aws_cloudfront_response_headers_policy ?? {};
    const flag = (address: string, message: string) =>
      findings.push({ address, rule: "cloudfront-private-origin-and-headers", message });
    for (const [address, distribution] of entries(tf, "aws_cloudfront_distribution")) {
      for (const origin of blocks(distribution.origin)) {
        const domain = String(origin.domain_name ?? "");
        const s3 = domain.includes("aws_s3_bucket.") || /\.s3[.-]/.test(domain);
        if (blocks(origin.s3_origin_config).length > 0)
          flag(address, `origin ${String(origin.origin_id)} uses an origin access identity, not origin access control`);
        else if (s3 && !present(origin.origin_access_control_id))
          flag(address, `S3 origin ${String(origin.origin_id)} without origin_access_control_id`);
      }
      const behaviors = [
        ...blocks(distribution.default_cache_behavior),
        ...blocks(distribution.ordered_cache_behavior),
      ];
      for (const behavior of behaviors) {
        const where = behavior.path_pattern ? `behavior ${String(behavior.path_pattern)}` : "default behavior";
        if (!["redirect-to-https", "https-only"].includes(String(behavior.viewer_protocol_policy)))
          flag(address, `${where}: viewer_protocol_policy ${String(behavior.viewer_protocol_policy)} allows HTTP`);
        const name = referencedName(behavior.response_headers_policy_id, "aws_cloudfront_response_headers_policy");
        const policy = name === undefined ? undefined : policies[name];
        if (!policy) {
          flag(address, `${where}: no response headers policy of this stack`);
          continue;
        }
        const security = blocks(policy.security_headers_config)[0] ?? {};
        const hsts = blocks(security.strict_transport_security)[0];
        if (!hsts || Number(hsts.access_control_max_age_sec ?? 0) < MIN_HSTS_SECONDS)
          flag(address, `${where}: response headers policy ${name} without HSTS of a year or more`);
        const csp = String(blocks(security.content_security_policy)[0]?.content_security_policy ?? "");
        if (!/frame-ancestors/.test(csp))
          flag(address, `${where}: response headers policy ${name} without a CSP that sets frame-ancestors`);
        if (blocks(security.frame_options).length === 0)
          flag(address, `${where}: response headers policy ${name} without X-Frame-Options`);
      }
    }
    return findings;
  },
};

/**
 * (h) Every Cognito user pool: passwords of at least MIN_PASSWORD_LENGTH, users created by an
 * administrator only (no self sign-up); every app client: no user-existence errors, and no custom
 * attribute writable by the client (custom attributes carry what the API trusts, e.g. the store).
 */
const cognito: Rule = {
  id: "cognito-pool-hardening",
  description:
    `every aws_cognito_user_pool requires passwords of ${MIN_PASSWORD_LENGTH}+ characters and allows no self ` +
    "sign-up; every aws_cognito_user_pool_client prevents user-existence errors and writes no custom attribute",
  check(tf) {
    const findings: Finding[] = [];
    const flag = (address: string, message: string) =>
      findings.push({ address, rule: "cognito-pool-hardening", message });
    for (const [address, pool] of entries(tf, "aws_cognito_user_pool")) {
      const length = Number(blocks(pool.password_policy)[0]?.minimum_length ?? 8);
      if (length < MIN_PASSWORD_LENGTH)
        flag(address, `password_policy minimum_length ${length}, under ${MIN_PASSWORD_LENGTH}`);
      if (blocks(pool.admin_create_user_config)[0]?.allow_admin_create_user_only !== true)
        flag(address, "self sign-up allowed (admin_create_user_config.allow_admin_create_user_only is not true)");
    }
    for (const [address, client] of entries(tf, "aws_cognito_user_pool_client")) {
      if (client.prevent_user_existence_errors !== "ENABLED")
        flag(address, "prevent_user_existence_errors is not ENABLED (sign-in errors tell who has an account)");
      const writable = strings(client.write_attributes);
      if (writable.length === 0)
        flag(address, "no write_attributes: the client may write every attribute, custom ones included");
      for (const attribute of writable.filter((a) => a.startsWith("custom:")))
        flag(address, `the client may write ${attribute}`);
    }
    return findings;
  },
};

export const RULES: readonly Rule[] = [
  securityGroups,
  nacls,
  logGroups,
  lambdas,
  iam,
  buckets,
  databases,
  cloudfront,
  cognito,
  liveAliasRule,
  backupReplication,
  apiCache,
  auroraRule,
  athenaRule,
];

export function runRules(tf: TerraformJson, rules: readonly Rule[] = RULES): Finding[] {
  return rules.flatMap((rule) => rule.check(tf));
}
