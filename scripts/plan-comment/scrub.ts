import { compare } from "./summarize";
import type { SensitiveMask } from "./types";

/** What Terraform itself prints in place of a sensitive value. */
export const SENSITIVE = "(sensitive value)";

/**
 * Values shorter than this are not searched for literally: a 3-letter "secret" would match
 * ordinary words all over a plan. Terraform's own masking still covers them where it knows, and
 * the line rule below (`password = "..."`) covers them next to a secret-looking name.
 */
export const MIN_SECRET_LENGTH = 6;

const SECRET_WORD = /(password|passwd|passphrase|secret|token|private_?key|api_?key)/;
/** Names that contain a secret word but hold no secret: an ARN, an id, a length, a setting... */
const NOT_SECRET_SUFFIX =
  /(^|_)(arn|arns|id|ids|name|names|length|version|versions|version_stage|type|types|count|enabled|enable|required|rotation|rotation_rules|rules?|policy|endpoint|url|uri|path|prefix|suffix|duration|ttl|seconds|minutes|hours|days|validity|units|method|source|location|header|format|mode|recovery_window_in_days|description|tags|tags_all)$/;
const PLACEHOLDERS = new Set([SENSITIVE, "(known after apply)", "(sensitive)", "true", "false", "null"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `DbPassword`, `db-password`, `DB_PASSWORD` -> `db_password`. */
function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}

/** Whether an attribute, map key or variable name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  const n = normalizeName(name);
  return SECRET_WORD.test(n) && !NOT_SECRET_SUFFIX.test(n);
}

function addLeaves(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    out.add(value);
    const nested = parseJsonString(value);
    if (nested !== undefined) addLeaves(nested, out);
  } else if (typeof value === "number" || typeof value === "bigint") {
    out.add(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) addLeaves(v, out);
  } else if (isObject(value)) {
    for (const v of Object.values(value)) addLeaves(v, out);
  }
}

/** A string holding a JSON object or array (e.g. a `jsonencode()`d secret), parsed; else undefined. */
function parseJsonString(value: string): unknown {
  const t = value.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** Leaves of `value` where Terraform's sensitivity mask says true. */
function addMasked(value: unknown, mask: SensitiveMask | undefined, out: Set<string>): void {
  if (mask === true) addLeaves(value, out);
  else if (Array.isArray(mask) && Array.isArray(value)) mask.forEach((m, i) => addMasked(value[i], m, out));
  else if (isObject(mask) && isObject(value)) for (const [k, m] of Object.entries(mask)) addMasked(value[k], m, out);
}

/** Leaves under secret-looking names anywhere in `value`, including inside JSON strings. */
function addByName(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (typeof value === "string") {
    const nested = parseJsonString(value);
    if (nested !== undefined) addByName(nested, out, depth + 1);
  } else if (Array.isArray(value)) {
    for (const v of value) addByName(v, out, depth + 1);
  } else if (isObject(value)) {
    // `{ name = "DB_PASSWORD", value = "..." }`: ECS container environments and the like.
    const label = value.name ?? value.Name ?? value.key ?? value.Key;
    if (typeof label === "string" && isSecretName(label)) addLeaves(value.value ?? value.Value, out);
    for (const [k, v] of Object.entries(value)) {
      if (isSecretName(k)) addLeaves(v, out);
      else addByName(v, out, depth + 1);
    }
  }
}

function walkModule(module: unknown, out: Set<string>): void {
  if (!isObject(module)) return;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (!isObject(r)) continue;
    addMasked(r.values, r.sensitive_values as SensitiveMask | undefined, out);
    addByName(r.values, out);
  }
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) walkModule(child, out);
}

function walkValues(values: unknown, out: Set<string>): void {
  if (!isObject(values)) return;
  if (isObject(values.outputs)) {
    for (const [name, o] of Object.entries(values.outputs)) {
      if (!isObject(o)) continue;
      if (o.sensitive === true || isSecretName(name)) addLeaves(o.value, out);
      else addByName(o.value, out);
    }
  }
  walkModule(values.root_module, out);
}

function walkConfigModule(module: unknown, out: Set<string>, depth = 0): Set<string> {
  const sensitiveVars = new Set<string>();
  if (!isObject(module) || depth > 32) return sensitiveVars;
  if (isObject(module.variables)) {
    for (const [name, v] of Object.entries(module.variables)) {
      if (!isObject(v)) continue;
      if (v.sensitive === true || isSecretName(name)) {
        if (depth === 0) sensitiveVars.add(name);
        addLeaves(v.default, out);
      }
    }
  }
  if (isObject(module.module_calls)) {
    for (const call of Object.values(module.module_calls))
      if (isObject(call)) walkConfigModule(call.module, out, depth + 1);
  }
  return sensitiveVars;
}

/** The raw value and the forms Terraform's text rendering may show it in (quoted-escaped, per line). */
function variants(value: string): string[] {
  const forms = new Set<string>([value]);
  const escaped = JSON.stringify(value).slice(1, -1);
  forms.add(escaped);
  // HCL template escapes in rendered strings: `${` -> `$${`, `%{` -> `%%{`.
  forms.add(escaped.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{"));
  if (value.includes("\n")) for (const line of value.split(/\r?\n/)) forms.add(line.trim());
  return [...forms];
}

/**
 * Every value a Terraform JSON plan marks sensitive (`before_sensitive`/`after_sensitive`,
 * `sensitive_values`, sensitive outputs and variables), plus every value held under a
 * secret-looking name (password, secret, token, private_key, api_key...), in the forms they may
 * take in the human plan; longest first, so a longer secret is replaced before a part of it.
 */
export function collectSensitiveValues(json: unknown): string[] {
  const found = new Set<string>();
  if (!isObject(json)) return [];
  for (const key of ["resource_changes", "resource_drift"]) {
    const list = json[key];
    if (!Array.isArray(list)) continue;
    for (const rc of list) {
      if (!isObject(rc) || !isObject(rc.change)) continue;
      const c = rc.change;
      addMasked(c.before, c.before_sensitive as SensitiveMask | undefined, found);
      addMasked(c.after, c.after_sensitive as SensitiveMask | undefined, found);
      addByName(c.before, found);
      addByName(c.after, found);
    }
  }
  if (isObject(json.output_changes)) {
    for (const [name, oc] of Object.entries(json.output_changes)) {
      if (!isObject(oc)) continue;
      if (isSecretName(name)) {
        addLeaves(oc.before, found);
        addLeaves(oc.after, found);
      }
      addMasked(oc.before, oc.before_sensitive as SensitiveMask | undefined, found);
      addMasked(oc.after, oc.after_sensitive as SensitiveMask | undefined, found);
      addByName(oc.before, found);
      addByName(oc.after, found);
    }
  }
  walkValues(json.planned_values, found);
  if (isObject(json.prior_state)) walkValues(json.prior_state.values, found);
  const sensitiveVars = isObject(json.configuration)
    ? walkConfigModule(json.configuration.root_module, found)
    : new Set<string>();
  if (isObject(json.variables)) {
    for (const [name, v] of Object.entries(json.variables)) {
      if (!isObject(v)) continue;
      if (sensitiveVars.has(name) || isSecretName(name)) addLeaves(v.value, found);
      else addByName(v.value, found);
    }
  }
  const forms = new Set<string>();
  for (const value of found) {
    for (const form of variants(value)) {
      if (form.trim().length >= MIN_SECRET_LENGTH && !PLACEHOLDERS.has(form)) forms.add(form);
    }
  }
  return [...forms].sort((a, b) => b.length - a.length || compare(a, b));
}

const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
/** `key = "value"`, `"key": "value"`, `key = "old" -> "new"` (the key optionally quoted). */
const ASSIGNMENT = new RegExp(String.raw`([A-Za-z0-9_.\-]+)("?\s*[=:]\s*)(${QUOTED})((?:\s*->\s*${QUOTED})?)`, "g");
const HEREDOC = /([A-Za-z0-9_.-]+)"?\s*=\s*<<(-?)([A-Za-z_][A-Za-z0-9_]*)\s*$/;
/** `scheme://user:password@host`: the password of a connection string, wherever it appears. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'`]+:)([^\s/?#"'`]+)@/gi;

/**
 * Masks, in plan or error text and whether or not any JSON marked them: string values assigned to
 * secret-looking names (`password = "x"` -> `password = (sensitive value)`; a heredoc value
 * whole), and the password of `scheme://user:password@host` connection strings.
 */
export function scrubSecretAssignments(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? "";
    const heredoc = HEREDOC.exec(line);
    if (heredoc && isSecretName(heredoc[1] ?? "")) {
      const end = heredoc[3] ?? "";
      let j = i + 1;
      while (j < lines.length && (lines[j] ?? "").trim() !== end) j += 1;
      if (j < lines.length) {
        out.push(line.slice(0, line.lastIndexOf("<<")) + SENSITIVE);
        i = j;
        continue;
      }
    }
    out.push(
      line
        .replace(URL_CREDENTIALS, (whole, head: string, password: string) =>
          password === SENSITIVE ? whole : `${head}${SENSITIVE}@`,
        )
        .replace(ASSIGNMENT, (whole, key: string, sep: string, _value: string, arrow: string) =>
          isSecretName(key) ? `${key}${sep}${SENSITIVE}${arrow ? ` -> ${SENSITIVE}` : ""}` : whole,
        ),
    );
  }
  return out.join("\n");
}

/**
 * Removes sensitive values from the human plan text (or an error text): every value the JSON
 * plan marks sensitive or holds under a secret-looking name, wherever it appears literally, and
 * any `secret_name = "..."` assignment. Terraform already masks what it knows is sensitive; this
 * catches what slips through (e.g. a sensitive input copied into a non-sensitive attribute).
 */
export function scrubSensitive(text: string, json?: unknown): string {
  let out = text;
  if (json !== undefined)
    for (const secret of collectSensitiveValues(json))
      if (out.includes(secret)) out = out.split(secret).join(SENSITIVE);
  return scrubSecretAssignments(out);
}
