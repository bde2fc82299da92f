/**
 * `terraform show -json plan.out` reduced to what the plan comment needs: which resources and
 * outputs change and how. Every value is dropped on purpose: unlike `terraform show` (the .txt),
 * the JSON plan holds sensitive values in clear text (before/after, prior_state, planned_values,
 * variables, configuration), and the reduced file is uploaded as an artifact of a pull request run.
 */
export interface ReducedResourceChange {
  address: string;
  previous_address?: string;
  module_address?: string;
  mode?: string;
  type?: string;
  name?: string;
  index?: string | number;
  provider_name?: string;
  action_reason?: string;
  deposed?: string;
  /** Attribute paths and an import id: names, never values. */
  change: { actions: string[]; replace_paths?: (string | number)[][]; importing?: { id?: string; identity?: unknown } };
}

export interface ReducedPlan {
  format_version: string;
  terraform_version?: string;
  errored: boolean;
  resource_changes: ReducedResourceChange[];
  output_changes: Record<string, { actions: string[] }>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** Keeps only the keys whose value is not undefined (the JSON stays as small as the plan allows). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** Throws when `plan` is not a Terraform JSON plan (format 1.x). */
export function reducePlan(plan: unknown): ReducedPlan {
  if (!isObject(plan) || typeof plan.format_version !== "string")
    throw new Error("not a Terraform JSON plan (no format_version)");
  const changes = Array.isArray(plan.resource_changes) ? plan.resource_changes : [];
  const outputs = isObject(plan.output_changes) ? plan.output_changes : {};
  return {
    format_version: plan.format_version,
    ...(str(plan.terraform_version) ? { terraform_version: str(plan.terraform_version) } : {}),
    errored: plan.errored === true,
    resource_changes: changes.filter(isObject).map((rc) => {
      const change = isObject(rc.change) ? rc.change : {};
      const importing = isObject(change.importing) ? defined({ id: str(change.importing.id) }) : undefined;
      return defined<ReducedResourceChange>({
        address: String(rc.address),
        previous_address: str(rc.previous_address),
        module_address: str(rc.module_address),
        mode: str(rc.mode),
        type: str(rc.type),
        name: str(rc.name),
        index: typeof rc.index === "string" || typeof rc.index === "number" ? rc.index : undefined,
        provider_name: str(rc.provider_name),
        action_reason: str(rc.action_reason),
        deposed: str(rc.deposed),
        change: defined({
          actions: Array.isArray(change.actions) ? change.actions.map(String) : [],
          replace_paths: Array.isArray(change.replace_paths)
            ? (change.replace_paths as (string | number)[][])
            : undefined,
          importing,
        }),
      });
    }),
    output_changes: Object.fromEntries(
      Object.entries(outputs).map(([name, oc]) => [
        name,
        { actions: isObject(oc) && Array.isArray(oc.actions) ? oc.actions.map(String) : [] },
      ]),
    ),
  };
}
