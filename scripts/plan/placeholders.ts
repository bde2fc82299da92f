import { createHash } from "node:crypto";

/**
 * Stand-ins for upstream output values that are only known after apply (an ARN of a KMS key that
 * does not exist yet), shaped so that the provider's plan-time validation of the downstream stack
 * accepts them: ARNs are ARNs of the right service, ids have their resource's prefix and hex body.
 * They are recognisable in a plan: every ARN is in AWS's documentation account 123456789012 and
 * every id or generated name starts with eight zeros.
 */
export const PLACEHOLDER_ACCOUNT = "123456789012";
/** How every placeholder id and generated name starts. */
export const PLACEHOLDER_PREFIX = "00000000";
const Z = PLACEHOLDER_PREFIX;

/**
 * What an output expression points at:
 * `aws_kms_key.logs.arn` -> { type: "aws_kms_key", name: "logs", attribute: "arn" }.
 */
export interface AttributeReference {
  type: string;
  name: string;
  attribute: string;
}

/**
 * The resource attribute references among Terraform's `expression.references` of an output
 * (`["aws_kms_key.logs.arn", "aws_kms_key.logs"]` -> the first), data sources included.
 */
export function attributeReferences(references: readonly string[]): AttributeReference[] {
  const found: AttributeReference[] = [];
  for (const ref of references) {
    const parts = ref.replace(/\[[^\]]*\]/g, "").split(".");
    const [type, name, attribute] = parts[0] === "data" ? parts.slice(1) : parts;
    if (!type || !name || !attribute || !/^[a-z0-9]+_[a-z0-9_]+$/.test(type)) continue;
    found.push({ type, name, attribute });
  }
  return found;
}

const hex = (seed: string, length: number): string => createHash("sha256").update(seed).digest("hex").slice(0, length);
const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "resource";
/** `00000000-0000-4000-8000-<12 hex>`: a UUID v4 shape. */
const uuid = (seed: string): string => `${Z}-0000-4000-8000-${hex(seed, 12)}`;
/** `<prefix>-00000000<9 hex>`: the 17-digit hex body of EC2 ids. */
const ec2Id = (prefix: string, seed: string): string => `${prefix}-${Z}${hex(seed, 9)}`;

const EC2_PREFIXES: Record<string, string> = {
  aws_vpc: "vpc",
  aws_subnet: "subnet",
  aws_security_group: "sg",
  aws_route_table: "rtb",
  aws_internet_gateway: "igw",
  aws_nat_gateway: "nat",
  aws_eip: "eipalloc",
  aws_vpc_endpoint: "vpce",
  aws_network_acl: "acl",
  aws_flow_log: "fl",
  aws_network_interface: "eni",
};

/** Types whose `id` is their ARN. */
const ID_IS_ARN = new Set([
  "aws_iam_policy",
  "aws_sns_topic",
  "aws_secretsmanager_secret",
  "aws_sfn_state_machine",
  "aws_lb",
  "aws_lb_target_group",
  "aws_acm_certificate",
]);
/** Types whose `id` is their name. */
const ID_IS_NAME = new Set([
  "aws_iam_role",
  "aws_iam_user",
  "aws_db_proxy",
  "aws_db_instance",
  "aws_lambda_function",
  "aws_cloudwatch_log_group",
  "aws_s3_bucket",
  "aws_sqs_queue",
  "aws_db_subnet_group",
  "aws_db_parameter_group",
]);

/** An ARN of a resource of `type`, in `region`, in the placeholder account. */
export function placeholderArn(ref: AttributeReference, region: string): string {
  const seed = `${ref.type}.${ref.name}`;
  const name = `${Z}-${slug(ref.name)}`;
  const regional = (service: string, resource: string) =>
    `arn:aws:${service}:${region}:${PLACEHOLDER_ACCOUNT}:${resource}`;
  const ec2 = EC2_PREFIXES[ref.type];
  if (ec2) return regional("ec2", `${ref.type.slice(4).replace(/_/g, "-")}/${ec2Id(ec2, seed)}`);
  switch (ref.type) {
    case "aws_kms_key":
      return regional("kms", `key/${uuid(seed)}`);
    case "aws_kms_alias":
      return regional("kms", `alias/${name}`);
    case "aws_db_proxy":
      return regional("rds", `db-proxy:prx-${Z}${hex(seed, 9)}`);
    case "aws_db_instance":
      return regional("rds", `db:${name}`);
    case "aws_secretsmanager_secret":
      return regional("secretsmanager", `secret:${name}-AbCdEf`);
    case "aws_iam_role":
      return `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:role/${name}`;
    case "aws_iam_policy":
      return `arn:aws:iam::${PLACEHOLDER_ACCOUNT}:policy/${name}`;
    case "aws_s3_bucket":
      return `arn:aws:s3:::${name}`;
    case "aws_sns_topic":
      return regional("sns", name);
    case "aws_sqs_queue":
      return regional("sqs", name);
    case "aws_lambda_function":
      return regional("lambda", `function:${name}`);
    case "aws_cloudwatch_log_group":
      return regional("logs", `log-group:${name}`);
    case "aws_api_gateway_rest_api":
      return `arn:aws:apigateway:${region}::/restapis/${hex(seed, 10)}`;
    case "aws_wafv2_web_acl":
      return regional("wafv2", `regional/webacl/${name}/${uuid(seed)}`);
  }
  const [, service = "unknown", ...rest] = ref.type.split("_");
  return regional(service, `${rest.join("-") || service}/${name}`);
}

/**
 * An id of a resource of `type`: an EC2 id with its prefix, a KMS key UUID, or the placeholder ARN or name where
 * the id is one.
 */
export function placeholderId(ref: AttributeReference, region: string): string {
  const seed = `${ref.type}.${ref.name}`;
  const ec2 = EC2_PREFIXES[ref.type];
  if (ec2) return ec2Id(ec2, seed);
  if (ref.type === "aws_kms_key") return uuid(seed);
  if (ID_IS_ARN.has(ref.type)) return placeholderArn(ref, region);
  if (ID_IS_NAME.has(ref.type)) return `${Z}-${slug(ref.name)}`;
  if (ref.type.startsWith("aws_api_gateway_")) return hex(seed, 10);
  return `${Z}${hex(seed, 9)}`;
}

/**
 * A value for an unknown attribute: by its name (`arn`, `*_arn`, `id`, `*_id`, endpoints, URLs,
 * ports, plural `*_ids` / `*_arns` as lists of one), else a name-like string.
 */
export function placeholderValue(ref: AttributeReference | undefined, region: string, fallbackName: string): unknown {
  if (!ref) return `${Z}-${slug(fallbackName)}`;
  const a = ref.attribute;
  if (/_(ids|arns)$/.test(a) || a === "ids" || a === "arns")
    return [placeholderValue({ ...ref, attribute: a.replace(/s$/, "") }, region, fallbackName)];
  if (a === "arn" || a.endsWith("_arn")) return placeholderArn(ref, region);
  if (a === "key_id" && ref.type === "aws_kms_key") return uuid(`${ref.type}.${ref.name}`);
  if (a === "id") return placeholderId(ref, region);
  if (a.endsWith("_id")) return `${Z}${hex(`${ref.type}.${ref.name}.${a}`, 9)}`;
  if (a === "port") return 3306;
  if (/(^|_)url$/.test(a))
    return `https://${Z}${hex(`${ref.type}.${ref.name}`, 2)}.execute-api.${region}.amazonaws.com/${slug(ref.name)}`;
  if (/(endpoint|address|dns_name|hostname)$/.test(a)) {
    const host = ref.type === "aws_db_proxy" ? `proxy-${Z}${hex(ref.name, 4)}.${region}.rds` : `${Z}.${region}`;
    return `${Z}-${slug(ref.name)}.${host}.amazonaws.com`;
  }
  return `${Z}-${slug(ref.name)}`;
}
