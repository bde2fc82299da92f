/** A synthesized Terraform JSON configuration (`cdk.tf.json`), the parts the rules read. */
export type Block = Record<string, unknown>;
export type BlocksByName = Record<string, Block>;

export interface TerraformJson {
  resource?: Record<string, BlocksByName>;
  data?: Record<string, BlocksByName>;
  [key: string]: unknown;
}

export type RuleId =
  | "security-group-open-to-world"
  | "nacl-open-to-world"
  | "log-group-retention-and-kms"
  | "lambda-vpc-and-tracing"
  | "iam-wildcard"
  | "s3-bucket-hardening"
  | "rds-encrypted-and-private"
  | "cloudfront-private-origin-and-headers"
  | "cognito-pool-hardening"
  | "api-gateway-invokes-live-alias"
  | "rds-backup-replica-encrypted-in-its-region"
  | "api-cache-keyed-by-caller"
  | "aurora-cluster-hardening"
  | "athena-workgroup-enforced";

export interface Violation {
  /** Stack name, e.g. `network-prod`. */
  stack: string;
  /** Terraform address, e.g. `aws_security_group.lambda_sg_1A2B3C4D` or `data.aws_iam_policy_document.x`. */
  address: string;
  rule: RuleId;
  message: string;
}

export type Finding = Omit<Violation, "stack">;

export interface Rule {
  id: RuleId;
  description: string;
  check(tf: TerraformJson): Finding[];
}

/** Every `[address, config]` of one resource type (or data source type with `data: true`). */
export function entries(tf: TerraformJson, type: string, data = false): [string, Block][] {
  const byName = (data ? tf.data : tf.resource)?.[type] ?? {};
  return Object.entries(byName).map(([name, block]) => [`${data ? "data." : ""}${type}.${name}`, block]);
}

/** A nested block as a list: cdktf writes single blocks as objects and repeated ones as arrays. */
export function blocks(value: unknown): Block[] {
  if (Array.isArray(value)) return value.filter((v): v is Block => typeof v === "object" && v !== null);
  return typeof value === "object" && value !== null ? [value as Block] : [];
}

/** A string-list attribute as strings (a single string, e.g. a whole-list Terraform expression, as one item). */
export function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return typeof value === "string" ? [value] : [];
}

/** Set to something (a literal or a Terraform expression), not empty. */
export function present(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

export const isExpression = (value: unknown): value is string => typeof value === "string" && value.includes("${");
