/**
 * The subset of Terraform's machine-readable plan (`terraform show -json plan.out`, format 1.x,
 * https://developer.hashicorp.com/terraform/internals/json-format) that the plan comment reads.
 * Everything is optional or loosely typed on purpose: the input is parsed JSON, checked at runtime.
 */
export type SensitiveMask = boolean | SensitiveMask[] | { [key: string]: SensitiveMask };

export interface TerraformChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: SensitiveMask;
  after_sensitive?: SensitiveMask;
  replace_paths?: (string | number)[][];
  importing?: unknown;
}

export interface TerraformResourceChange {
  address: string;
  previous_address?: string;
  module_address?: string;
  mode?: string;
  type?: string;
  name?: string;
  index?: unknown;
  deposed?: string;
  action_reason?: string;
  change: TerraformChange;
}

export interface TerraformOutputChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
  before_sensitive?: SensitiveMask;
  after_sensitive?: SensitiveMask;
}

export interface TerraformModuleValues {
  resources?: { address?: string; values?: unknown; sensitive_values?: SensitiveMask }[];
  child_modules?: TerraformModuleValues[];
}

export interface TerraformValues {
  outputs?: Record<string, { sensitive?: boolean; value?: unknown }>;
  root_module?: TerraformModuleValues;
}

export interface TerraformConfigModule {
  variables?: Record<string, { sensitive?: boolean; default?: unknown }>;
  module_calls?: Record<string, { module?: TerraformConfigModule }>;
}

export interface TerraformPlan {
  format_version: string;
  terraform_version?: string;
  variables?: Record<string, { value?: unknown }>;
  planned_values?: TerraformValues;
  prior_state?: { values?: TerraformValues };
  resource_changes?: TerraformResourceChange[];
  resource_drift?: TerraformResourceChange[];
  output_changes?: Record<string, TerraformOutputChange>;
  configuration?: { root_module?: TerraformConfigModule };
  errored?: boolean;
  complete?: boolean;
  applyable?: boolean;
}

/** What one resource change means for a reviewer. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget";

export interface ResourceAction {
  address: string;
  kind: ChangeKind;
  /** For replacements: Terraform's order (["delete","create"] or ["create","delete"]). */
  order?: "delete-before-create" | "create-before-destroy";
  /** Terraform's `action_reason`, if any (e.g. `replace_because_cannot_update`). */
  reason?: string;
  /** Attribute paths that force the replacement (`replace_paths`). */
  replacePaths?: string[];
  /** Set for a deposed object (a leftover of an earlier create-before-destroy). */
  deposed?: string;
  importing: boolean;
}

export interface Counts {
  add: number;
  change: number;
  replace: number;
  destroy: number;
  import: number;
  forget: number;
}

export interface PlanSummary {
  terraformVersion?: string;
  counts: Counts;
  /** Managed resources with an action other than no-op, sorted by address. */
  resources: ResourceAction[];
  /** Root outputs whose value changes. */
  outputChanges: number;
  /** Terraform marked the plan as errored (incomplete). */
  errored: boolean;
}

/** How an upstream output a stack reads differs from the upstream's current state. */
export type PendingOutputChange = "new" | "changed" | "unknown" | "removed";

/**
 * An upstream stack whose planned outputs a stack was planned against (`<stack>.upstream.json`,
 * written by scripts/plan): how many of its outputs the stack reads and which of those are pending
 * (not in the upstream's state as they will be after its apply). Output names only, never values.
 */
export interface UpstreamOutputs {
  stack: string;
  read: number;
  pending: { name: string; change: PendingOutputChange }[];
}

export type StackStatus = "no changes" | "changes" | "failed";

/** One stack, ready to render: everything here is already scrubbed of sensitive values. */
export interface StackResult {
  name: string;
  status: StackStatus;
  /** Absent when the stack failed before a plan existed. */
  summary?: PlanSummary;
  /** The human plan (`terraform show -no-color`), scrubbed. */
  planText?: string;
  /** Why the stack failed (the `<stack>.error.txt` content or a parse problem), scrubbed. */
  error?: string;
  /** The upstreams it was planned against (`<stack>.upstream.json`); those with pending outputs mark it. */
  upstreams?: UpstreamOutputs[];
}
