import type {
  ChangeKind,
  Counts,
  PendingOutputChange,
  PlanSummary,
  ResourceAction,
  TerraformPlan,
  TerraformResourceChange,
  UpstreamOutputs,
} from "./types";

export class PlanFormatError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks that parsed JSON is a Terraform JSON plan (format 1.x) with well-formed resource changes.
 * Throws PlanFormatError otherwise, naming what is wrong.
 */
export function asTerraformPlan(json: unknown): TerraformPlan {
  if (!isObject(json)) throw new PlanFormatError("the plan JSON is not an object");
  const version = json.format_version;
  if (typeof version !== "string" || !/^1\./.test(version)) {
    throw new PlanFormatError(
      `unsupported plan format_version ${JSON.stringify(version)} (expected 1.x from terraform show -json)`,
    );
  }
  for (const key of ["resource_changes", "resource_drift"] as const) {
    const list = json[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new PlanFormatError(`${key} is not an array`);
    list.forEach((rc, i) => {
      if (
        !isObject(rc) ||
        typeof rc.address !== "string" ||
        !isObject(rc.change) ||
        !Array.isArray(rc.change.actions)
      ) {
        throw new PlanFormatError(`${key}[${i}] lacks address or change.actions`);
      }
    });
  }
  if (json.output_changes !== undefined && !isObject(json.output_changes))
    throw new PlanFormatError("output_changes is not an object");
  return json as unknown as TerraformPlan;
}

/** Maps Terraform's action list to one reviewer-facing kind; undefined for no-op and read. */
export function classifyActions(
  actions: readonly string[],
): { kind: ChangeKind; order?: ResourceAction["order"] } | undefined {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "read":
    case "":
      return undefined;
    case "create":
      return { kind: "create" };
    case "update":
      return { kind: "update" };
    case "delete":
      return { kind: "delete" };
    case "delete,create":
      return { kind: "replace", order: "delete-before-create" };
    case "create,delete":
      return { kind: "replace", order: "create-before-destroy" };
    case "forget":
      return { kind: "forget" };
  }
  // An action list this code does not know (a newer Terraform): err on the side of showing it as
  // destructive when it deletes anything.
  if (actions.includes("delete")) {
    if (actions.includes("create")) {
      return {
        kind: "replace",
        order: actions.indexOf("delete") < actions.indexOf("create") ? "delete-before-create" : "create-before-destroy",
      };
    }
    return { kind: "delete" };
  }
  if (actions.includes("create")) return { kind: "create" };
  if (actions.includes("forget")) return { kind: "forget" };
  return { kind: "update" };
}

/** `["ingress", 0, "cidr_blocks"]` -> `ingress[0].cidr_blocks`, `["tags", "a b"]` -> `tags["a b"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join("");
}

const KINDS = new Set(["create", "update", "replace", "delete", "forget"]);

/**
 * Checks a `<stack>.summary.json` written by `plan-comment prepare` (a PlanSummary: counts and
 * addresses, no attribute values). Throws PlanFormatError otherwise.
 */
export function asPlanSummary(json: unknown): PlanSummary {
  if (!isObject(json) || !isObject(json.counts) || !Array.isArray(json.resources)) {
    throw new PlanFormatError("not a plan summary (counts and resources expected)");
  }
  const counts = json.counts;
  for (const key of ["add", "change", "replace", "destroy", "import", "forget"]) {
    if (!Number.isInteger(counts[key]) || (counts[key] as number) < 0)
      throw new PlanFormatError(`counts.${key} is not a count`);
  }
  json.resources.forEach((r, i) => {
    if (!isObject(r) || typeof r.address !== "string" || typeof r.kind !== "string" || !KINDS.has(r.kind)) {
      throw new PlanFormatError(`resources[${i}] lacks address or a known kind`);
    }
  });
  if (typeof json.outputChanges !== "number" || typeof json.errored !== "boolean")
    throw new PlanFormatError("outputChanges or errored missing");
  return json as unknown as PlanSummary;
}

const PENDING_CHANGES = new Set<PendingOutputChange>(["new", "changed", "unknown", "removed"]);

/**
 * Checks a `<stack>.upstream.json` (`{ "upstreams": [{ stack, read, pending: [{ name, change }] }] }`,
 * written by scripts/plan). Throws PlanFormatError otherwise.
 */
export function asUpstreams(json: unknown): UpstreamOutputs[] {
  if (!isObject(json) || !Array.isArray(json.upstreams)) throw new PlanFormatError("no upstreams list");
  return json.upstreams.map((u, i) => {
    if (!isObject(u) || typeof u.stack !== "string" || !Number.isInteger(u.read) || !Array.isArray(u.pending)) {
      throw new PlanFormatError(`upstreams[${i}] lacks stack, read or pending`);
    }
    const pending = u.pending.map((p, j) => {
      if (!isObject(p) || typeof p.name !== "string" || !PENDING_CHANGES.has(p.change as PendingOutputChange)) {
        throw new PlanFormatError(`upstreams[${i}].pending[${j}] lacks name or a known change`);
      }
      return { name: p.name, change: p.change as PendingOutputChange };
    });
    return { stack: u.stack, read: u.read as number, pending };
  });
}

const emptyCounts = (): Counts => ({ add: 0, change: 0, replace: 0, destroy: 0, import: 0, forget: 0 });

/**
 * Counts and lists the changes of one plan. Replacements are counted once, under `replace`
 * (Terraform's own "Plan:" line counts each as one add and one destroy). Data sources (`read`)
 * and no-ops are not changes; an import counts under `import` and, if it also updates, `change`.
 */
export function summarizePlan(json: unknown): PlanSummary {
  const plan = asTerraformPlan(json);
  const counts = emptyCounts();
  const resources: ResourceAction[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === "data") continue;
    const importing = rc.change.importing !== undefined && rc.change.importing !== null;
    if (importing) counts.import += 1;
    const cls = classifyActions(rc.change.actions);
    if (!cls) {
      if (importing) resources.push({ address: rc.address, kind: "update", importing, reason: "import only" });
      continue;
    }
    switch (cls.kind) {
      case "create":
        counts.add += 1;
        break;
      case "update":
        counts.change += 1;
        break;
      case "replace":
        counts.replace += 1;
        break;
      case "delete":
        counts.destroy += 1;
        break;
      case "forget":
        counts.forget += 1;
        break;
    }
    resources.push(toAction(rc, cls, importing));
  }
  resources.sort((a, b) => compare(a.address, b.address) || compare(a.deposed ?? "", b.deposed ?? ""));
  const outputChanges = Object.values(plan.output_changes ?? {}).filter(
    (oc) => classifyActions(oc.actions ?? []) !== undefined,
  ).length;
  return {
    ...(plan.terraform_version ? { terraformVersion: plan.terraform_version } : {}),
    counts,
    resources,
    outputChanges,
    errored: plan.errored === true,
  };
}

function toAction(
  rc: TerraformResourceChange,
  cls: NonNullable<ReturnType<typeof classifyActions>>,
  importing: boolean,
): ResourceAction {
  const action: ResourceAction = { address: rc.address, kind: cls.kind, importing };
  if (cls.order) action.order = cls.order;
  if (rc.action_reason) action.reason = rc.action_reason;
  if (rc.deposed) action.deposed = rc.deposed;
  const paths = (rc.change.replace_paths ?? []).filter((p) => Array.isArray(p) && p.length > 0).map(formatPath);
  if (cls.kind === "replace" && paths.length > 0) action.replacePaths = [...new Set(paths)].sort(compare);
  return action;
}

/** Locale-independent string order, so output never depends on the machine. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDestructive(action: ResourceAction): boolean {
  return action.kind === "delete" || action.kind === "replace";
}

export function hasResourceChanges(summary: PlanSummary): boolean {
  const c = summary.counts;
  return c.add + c.change + c.replace + c.destroy + c.forget + c.import > 0;
}
