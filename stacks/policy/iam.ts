import { blocks, entries, strings, type Block, type Finding, type TerraformJson } from "./types";

/** One IAM policy statement, normalized from policy JSON or an aws_iam_policy_document block. */
export interface Statement {
  sid?: string;
  effect: string;
  actions: string[];
  notActions: boolean;
  resources: string[];
  notResources: boolean;
  /** A resource-based policy statement (key, bucket, topic, trust policy): it names principals. */
  hasPrincipal: boolean;
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

/**
 * Statements of a policy JSON string; undefined when it is not literal JSON
 * (e.g. `${data.aws_iam_policy_document.x.json}`).
 */
export function parsePolicy(text: unknown): Statement[] | undefined {
  if (typeof text !== "string" || !text.trim().startsWith("{")) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const raw = (doc as { Statement?: unknown }).Statement;
  return (Array.isArray(raw) ? raw : raw ? [raw] : []).map((s: Record<string, unknown>) => ({
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: String(s.Effect ?? "Allow"),
    actions: list(s.Action),
    notActions: s.NotAction !== undefined,
    resources: list(s.Resource),
    notResources: s.NotResource !== undefined,
    hasPrincipal: s.Principal !== undefined || s.NotPrincipal !== undefined,
  }));
}

/** Statements of an aws_iam_policy_document data source (its `statement` blocks). */
export function documentStatements(doc: Block): Statement[] {
  return blocks(doc.statement).map((s) => ({
    sid: typeof s.sid === "string" ? s.sid : undefined,
    effect: typeof s.effect === "string" ? s.effect : "Allow",
    actions: strings(s.actions),
    notActions: strings(s.not_actions).length > 0,
    resources: strings(s.resources),
    notResources: strings(s.not_resources).length > 0,
    hasPrincipal: blocks(s.principals).length > 0 || blocks(s.not_principals).length > 0,
  }));
}

const SERVICE_WILDCARD = /^[a-z0-9-]+:\*$/i;
const ADMIN_POLICIES = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/**
 * An identity-policy statement that allows everything of a service (or everything) on every
 * resource: `*` or `service:*` (or NotAction) with `*` (or NotResource). Statements that name
 * principals are resource policies (a KMS key policy's `kms:*` on `*` means "this key") and are
 * not judged here; Deny statements never are.
 */
export function wildcardProblem(s: Statement): string | undefined {
  if (s.effect.toLowerCase() === "deny" || s.hasPrincipal) return undefined;
  const action = s.notActions ? "NotAction" : s.actions.find((a) => a === "*" || SERVICE_WILDCARD.test(a));
  const resource = s.notResources ? "NotResource" : s.resources.find((r) => r === "*");
  if (!action || !resource) return undefined;
  return `statement${s.sid ? ` ${s.sid}` : ""} allows ${action} on ${resource}`;
}

const POLICY_ATTRIBUTES: [type: string, attribute: string][] = [
  ["aws_iam_policy", "policy"],
  ["aws_iam_role_policy", "policy"],
  ["aws_iam_user_policy", "policy"],
  ["aws_iam_group_policy", "policy"],
];

export function iamFindings(tf: TerraformJson): Finding[] {
  const findings: Finding[] = [];
  const judge = (address: string, statements: Statement[] | undefined, where = "") => {
    for (const s of statements ?? []) {
      const problem = wildcardProblem(s);
      if (problem) findings.push({ address, rule: "iam-wildcard", message: `${where}${problem}` });
    }
  };
  for (const [address, doc] of entries(tf, "aws_iam_policy_document", true)) {
    judge(address, documentStatements(doc));
    for (const key of ["source_policy_documents", "override_policy_documents"]) {
      for (const text of strings(doc[key])) judge(address, parsePolicy(text), `${key}: `);
    }
  }
  for (const [type, attribute] of POLICY_ATTRIBUTES) {
    for (const [address, resource] of entries(tf, type)) judge(address, parsePolicy(resource[attribute]));
  }
  for (const [address, role] of entries(tf, "aws_iam_role")) {
    for (const inline of blocks(role.inline_policy))
      judge(address, parsePolicy(inline.policy), `inline_policy ${String(inline.name ?? "")}: `);
    for (const arn of strings(role.managed_policy_arns)) {
      if (ADMIN_POLICIES.test(arn)) findings.push({ address, rule: "iam-wildcard", message: `attaches ${arn}` });
    }
  }
  for (const type of [
    "aws_iam_role_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_policy_attachment",
  ]) {
    for (const [address, attachment] of entries(tf, type)) {
      const arn = attachment.policy_arn;
      if (typeof arn === "string" && ADMIN_POLICIES.test(arn))
        findings.push({ address, rule: "iam-wildcard", message: `attaches ${arn}` });
    }
  }
  return findings;
}
