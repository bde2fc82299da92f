/**
 * Planning a downstream stack against its upstream's PLANNED outputs (Terragrunt's
 * mock_outputs-for-plan, made exact): after the upstream is planned, its root outputs as they
 * will be after apply (known values as they are, values known only after apply replaced by
 * placeholders, see placeholders.ts) go into a local state file, and the downstream's
 * `terraform_remote_state` data sources read that file instead of the upstream's state. When the
 * upstream's outputs do not change, the planned outputs are its state's outputs, so this is
 * always honest; when an output the downstream reads is new, changed or unknown, the downstream's
 * plan is marked as planned against the upstream's pending outputs.
 */
import { randomUUID } from "node:crypto";
import type { PendingOutputChange, UpstreamOutputs } from "../plan-comment/types";
import { attributeReferences, placeholderValue } from "./placeholders";

export type { UpstreamOutputs } from "../plan-comment/types";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** How an output compares with the upstream's current state. */
export type OutputChange = "no-op" | PendingOutputChange;

export interface PlannedOutput {
  /** The value after apply; placeholders where it is only known after apply. */
  value: unknown;
  /** Terraform's type of the value, in the state file's JSON type syntax (`"string"`, `["list","string"]`). */
  type: unknown;
  sensitive: boolean;
  change: OutputChange;
}

export type PlannedOutputs = Record<string, PlannedOutput>;

/** A cty type for a JSON value (tuples and objects for collections, as Terraform gives literals). */
export function typeOf(value: unknown): unknown {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(typeOf)];
  if (isObject(value)) return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeOf(v)]))];
  return "dynamic";
}

const hasUnknown = (mask: unknown): boolean =>
  mask === true ||
  (Array.isArray(mask) && mask.some(hasUnknown)) ||
  (isObject(mask) && Object.values(mask).some(hasUnknown));

/** The value with every unknown part (`after_unknown` true) replaced by a placeholder for its path. */
function fill(
  after: unknown,
  unknown: unknown,
  placeholder: (path: (string | number)[]) => unknown,
  path: (string | number)[] = [],
): unknown {
  if (unknown === true) return placeholder(path);
  if (Array.isArray(unknown)) {
    const known = Array.isArray(after) ? after : [];
    return Array.from({ length: Math.max(known.length, unknown.length) }, (_, i) =>
      fill(known[i], unknown[i], placeholder, [...path, i]),
    );
  }
  if (isObject(unknown)) {
    const known = isObject(after) ? after : {};
    const keys = [...new Set([...Object.keys(known), ...Object.keys(unknown)])].sort();
    return Object.fromEntries(keys.map((k) => [k, fill(known[k], unknown[k], placeholder, [...path, k])]));
  }
  return after;
}

function changeOf(actions: readonly string[], unknown: boolean): OutputChange {
  const key = actions.join(",");
  if (key === "no-op" || key === "") return "no-op";
  if (key === "create") return "new";
  if (key === "delete") return "removed";
  return unknown ? "unknown" : "changed";
}

/** The AWS provider's region in the plan's configuration (for placeholder ARNs). */
export function planRegion(plan: Json): string {
  const config = isObject(plan.configuration) ? plan.configuration : {};
  const providers = isObject(config.provider_config) ? config.provider_config : {};
  for (const provider of Object.values(providers)) {
    if (!isObject(provider) || provider.name !== "aws" || provider.alias !== undefined) continue;
    const region =
      isObject(provider.expressions) && isObject(provider.expressions.region)
        ? provider.expressions.region.constant_value
        : undefined;
    if (typeof region === "string") return region;
  }
  return "us-east-1";
}

/**
 * The root outputs of a stack after apply, from `terraform show -json plan.out`: known values as
 * they are, unknown ones as placeholders shaped by what the output's expression references
 * (`aws_kms_key.x.arn` -> a KMS key ARN). Removed outputs are listed (change "removed") without
 * a value, and left out of the state file.
 */
export function plannedOutputs(plan: unknown): PlannedOutputs {
  if (!isObject(plan)) throw new Error("not a Terraform JSON plan");
  const region = planRegion(plan);
  const planned =
    isObject(plan.planned_values) && isObject(plan.planned_values.outputs) ? plan.planned_values.outputs : {};
  const changes = isObject(plan.output_changes) ? plan.output_changes : {};
  const config =
    isObject(plan.configuration) && isObject(plan.configuration.root_module) ? plan.configuration.root_module : {};
  const configured = isObject(config.outputs) ? config.outputs : {};
  const names = [...new Set([...Object.keys(planned), ...Object.keys(changes)])].sort();
  const result: PlannedOutputs = {};
  for (const name of names) {
    const change = isObject(changes[name]) ? changes[name] : {};
    const known = isObject(planned[name]) ? planned[name] : undefined;
    const unknownMask = change.after_unknown ?? (known && "value" in known ? false : true);
    const actions = Array.isArray(change.actions) ? change.actions.map(String) : ["no-op"];
    const sensitive = known?.sensitive === true || change.after_sensitive === true;
    if (actions.join(",") === "delete") {
      result[name] = { value: null, type: "dynamic", sensitive, change: "removed" };
      continue;
    }
    const expression =
      isObject(configured[name]) && isObject(configured[name].expression) ? configured[name].expression : {};
    const refs = attributeReferences(Array.isArray(expression.references) ? expression.references.map(String) : []);
    // `[a.id, b.id]`: the element at index i comes from the i-th reference; otherwise the first one serves.
    const perElement = Array.isArray(unknownMask) && unknownMask.length === refs.length;
    const placeholder = (path: (string | number)[]) =>
      placeholderValue(refs[perElement && typeof path[0] === "number" ? path[0] : 0], region, name);
    const after = "after" in change ? change.after : known?.value;
    const unknown = hasUnknown(unknownMask);
    const value = unknown ? fill(after, unknownMask, placeholder) : after;
    const type = !unknown && known?.type !== undefined ? known.type : typeOf(value);
    result[name] = { value, type, sensitive, change: changeOf(actions, unknown) };
  }
  return result;
}

/**
 * A Terraform state file (format 4) holding only these outputs, for `terraform_remote_state` with the local backend.
 */
export function outputsState(outputs: PlannedOutputs, terraformVersion = "1.11.4"): string {
  const state = {
    version: 4,
    terraform_version: terraformVersion,
    serial: 1,
    lineage: randomUUID(),
    outputs: Object.fromEntries(
      Object.entries(outputs)
        .filter(([, o]) => o.change !== "removed")
        .map(([name, o]) => [name, { value: o.value, type: o.type, ...(o.sensitive ? { sensitive: true } : {}) }]),
    ),
    resources: [],
    check_results: null,
  };
  return `${JSON.stringify(state, null, 2)}\n`;
}

export interface Backend {
  type: string;
  config: Json;
}

/** The backend block of a synthesized `cdk.tf.json` (`terraform.backend.<type>`). */
export function backendOf(stackJson: unknown): Backend | undefined {
  const terraform = isObject(stackJson) && isObject(stackJson.terraform) ? stackJson.terraform : {};
  const backend = isObject(terraform.backend) ? terraform.backend : {};
  const [type] = Object.keys(backend);
  return type && isObject(backend[type]) ? { type, config: backend[type] as Json } : undefined;
}

/** One `terraform_remote_state` data source of a downstream stack, resolved to the stack whose state it reads. */
export interface RemoteStateRead {
  /** The data source's name (`cross-stack-reference-input-network-dev`). */
  dataSource: string;
  /** The upstream stack, or undefined when it is none of the candidates. */
  upstream?: string;
  /** The upstream outputs the stack's configuration references, sorted. */
  outputs: string[];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The downstream's `terraform_remote_state` data sources, each with the upstream stack it reads
 * (the candidate whose backend config contains the data source's config, e.g. the same S3 bucket
 * and key or the same local path; else cdktf's name `cross-stack-reference-input-<stack>`) and the
 * outputs the configuration reads from it (`...outputs.<name>` or `...outputs["<name>"]`).
 */
export function remoteStateReads(
  stackJson: unknown,
  candidates: Record<string, Backend | undefined>,
): RemoteStateRead[] {
  const data = isObject(stackJson) && isObject(stackJson.data) ? stackJson.data : {};
  const sources = isObject(data.terraform_remote_state) ? data.terraform_remote_state : {};
  const text = JSON.stringify(stackJson);
  return Object.keys(sources)
    .sort()
    .map((dataSource) => {
      const source = isObject(sources[dataSource]) ? sources[dataSource] : {};
      const config = isObject(source.config) ? source.config : {};
      const byConfig = Object.entries(candidates).find(
        ([, backend]) =>
          backend !== undefined &&
          backend.type === source.backend &&
          Object.keys(config).length > 0 &&
          Object.entries(config).every(([key, value]) => JSON.stringify(backend.config[key]) === JSON.stringify(value)),
      )?.[0];
      const byName = Object.keys(candidates).find((stack) => dataSource === `cross-stack-reference-input-${stack}`);
      const pattern = new RegExp(
        `data\\.terraform_remote_state\\.${escapeRegExp(dataSource)}\\.outputs` +
          `(?:\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[\\\\"([^"\\\\]+)\\\\"\\])`,
        "g",
      );
      const outputs = new Set<string>();
      for (const m of text.matchAll(pattern)) outputs.add(m[1] ?? m[2] ?? "");
      outputs.delete("");
      return { dataSource, upstream: byConfig ?? byName, outputs: [...outputs].sort() };
    });
}

/**
 * A Terraform override file (`*_override.tf.json`) pointing each given data source at a local
 * state file: `{ data: { terraform_remote_state: { <name>: { backend: "local", config: { path } } } } }`.
 * The synthesized `cdk.tf.json` stays as it is (its line numbers in errors too).
 */
export function remoteStateOverride(paths: Record<string, string>): string {
  const sources = Object.fromEntries(
    Object.entries(paths).map(([dataSource, path]) => [dataSource, { backend: "local", config: { path } }]),
  );
  return `${JSON.stringify({ data: { terraform_remote_state: sources } }, null, 2)}\n`;
}

/**
 * Compares the outputs a stack reads with the upstream's planned outputs. An output the plan does not have at all
 * counts as removed.
 */
export function pendingOutputs(read: RemoteStateRead, outputs: PlannedOutputs): UpstreamOutputs {
  const pending: UpstreamOutputs["pending"] = [];
  for (const name of read.outputs) {
    const change = outputs[name]?.change ?? "removed";
    if (change !== "no-op") pending.push({ name, change });
  }
  return { stack: read.upstream ?? read.dataSource, read: read.outputs.length, pending };
}
