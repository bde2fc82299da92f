import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_PREFIX } from "../plan/placeholders";
import { compare, isDestructive } from "./summarize";
import type { Counts, PendingOutputChange, ResourceAction, StackResult, UpstreamOutputs } from "./types";

/** GitHub rejects an issue or PR comment body longer than this. */
export const GITHUB_COMMENT_MAX = 65_536;
/** The budget a comment is fitted to, marker included, leaving a margin under GitHub's maximum. */
export const COMMENT_LIMIT = 65_000;
/** GitHub caps a step's `$GITHUB_STEP_SUMMARY` at 1 MiB. */
export const GITHUB_SUMMARY_MAX = 1_048_576;
export const SUMMARY_LIMIT = 1_000_000;
/** A plan that can show fewer bytes than this is dropped to a one-line note instead of truncated. */
export const MIN_PLAN_KEEP = 1_500;

export type Target = "comment" | "summary";

export interface RenderOptions {
  /** The environment (dev, staging, prod): names the comment and its marker. */
  env: string;
  /** The workflow run, linked from the heading and from every note about cut plans. */
  runUrl?: string;
  /** The commit the plans were made for (the PR head). */
  sha?: string;
  /**
   * `comment` (default): the PR comment, marker first, fitted to COMMENT_LIMIT.
   * `summary`: the job summary, fitted to SUMMARY_LIMIT.
   */
  target?: Target;
  /** Override the size budget (bytes of UTF-8, which is never less than GitHub's character count). */
  limit?: number;
}

export type PlanFit =
  | { stack: string; mode: "full" }
  | { stack: string; mode: "truncated"; maxBytes: number }
  | { stack: string; mode: "omitted" };

export interface PlanSize {
  stack: string;
  /** Bytes of the plan text as rendered. */
  size: number;
  /** Bytes the block around the text costs when shown whole, truncated, or omitted. */
  overhead: { full: number; truncated: number; omitted: number };
}

export interface Rendered {
  body: string;
  /** How each stack's plan was fitted (failed stacks without a plan have none). */
  fits: PlanFit[];
}

/** Size as GitHub may count it, conservatively: UTF-8 bytes are never fewer than characters. */
export function measure(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function markerFor(env: string): string {
  return `<!-- plan-comment:env=${env} -->`;
}

/**
 * Decides which plans are shown whole, truncated or omitted so that their blocks fit `budget`
 * bytes: the longest plans are cut first (every plan longer than a common cap C is truncated to C,
 * with C as large as fits); when C would fall under `minKeep`, the longest plan is omitted
 * instead (a one-line note) and the rest refitted.
 */
export function fitToLimit(plans: readonly PlanSize[], budget: number, minKeep = MIN_PLAN_KEEP): PlanFit[] {
  const order = [...plans].sort((a, b) => b.size - a.size || compare(a.stack, b.stack));
  const omitted = new Set<string>();
  const result = (cap: number | undefined): PlanFit[] =>
    plans.map((p) => {
      if (omitted.has(p.stack)) return { stack: p.stack, mode: "omitted" as const };
      if (cap === undefined || p.size <= cap) return { stack: p.stack, mode: "full" as const };
      return { stack: p.stack, mode: "truncated" as const, maxBytes: cap };
    });
  for (;;) {
    const active = order.filter((p) => !omitted.has(p.stack));
    const fixed = order.filter((p) => omitted.has(p.stack)).reduce((sum, p) => sum + p.overhead.omitted, 0);
    const cost = (cap: number): number =>
      fixed +
      active.reduce((sum, p) => sum + (p.size <= cap ? p.overhead.full + p.size : p.overhead.truncated + cap), 0);
    const largest = active[0];
    if (!largest) return result(undefined);
    if (cost(largest.size) <= budget) return result(undefined);
    if (cost(minKeep) <= budget) {
      let lo = minKeep;
      let hi = largest.size - 1;
      while (lo < hi) {
        const mid = Math.floor((lo + hi + 1) / 2);
        if (cost(mid) <= budget) lo = mid;
        else hi = mid - 1;
      }
      return result(lo);
    }
    omitted.add(largest.stack);
  }
}

// ---------------------------------------------------------------------------------------------
// Text helpers

// Terraform colours its output with ANSI escapes unless -no-color; an error log may carry them.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** Thousands separators without the machine's locale (output must not depend on it). */
export function formatNumber(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** An inline code span that survives backticks in its content. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fenced(text: string, lang: string): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Content must never carry a second copy of a plan-comment marker. */
function neutralizeMarkers(text: string): string {
  return text.replace(/<!--\s*plan-comment:/g, "<!-- (quoted) plan-comment:");
}

/**
 * Terraform's plan text as a `diff` block: the action symbol of each line moves to the first column
 * (`  + id` -> `+   id`), `~` (update) becomes `!` so GitHub colours it; widths are unchanged.
 */
export function toDiff(planText: string): string {
  return planText
    .split("\n")
    .map((line) => {
      const m = /^(\s+)(~|\+|-)(\s|$)/.exec(line);
      if (!m) return line.replace(/^~/, "!");
      const symbol = m[2] === "~" ? "!" : (m[2] ?? "");
      return `${symbol}${m[1] ?? ""}${line.slice((m[1] ?? "").length + 1)}`;
    })
    .join("\n");
}

/** The longest prefix of `text` within `maxBytes`, cut at a line end when there is one. */
export function cutText(text: string, maxBytes: number): string {
  if (measure(text) <= maxBytes) return text;
  // The most characters whose UTF-8 form fits (a character is at least one byte).
  let lo = 0;
  let hi = Math.min(text.length, Math.max(0, maxBytes));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(text.slice(0, mid)) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  let chars = lo;
  // Never split a surrogate pair.
  const last = text.charCodeAt(chars - 1);
  if (chars > 0 && last >= 0xd800 && last <= 0xdbff) chars -= 1;
  const head = text.slice(0, chars);
  const lineEnd = head.lastIndexOf("\n");
  return lineEnd > 0 ? head.slice(0, lineEnd) : head;
}

/** Ends a cut plan at the last blank line (between two resources) when that loses little. */
function cutAtBlock(text: string): string {
  const gap = text.lastIndexOf("\n\n");
  return gap > text.length * 0.8 ? text.slice(0, gap) : text;
}

function countLines(text: string): number {
  return text === "" ? 0 : text.split("\n").length;
}

// ---------------------------------------------------------------------------------------------
// Sections

function countsLine(c: Counts): string {
  const parts = [
    `${formatNumber(c.add)} to add`,
    `${formatNumber(c.change)} to change`,
    `${formatNumber(c.replace)} to replace`,
    `${formatNumber(c.destroy)} to destroy`,
  ];
  if (c.import > 0) parts.push(`${formatNumber(c.import)} to import`);
  if (c.forget > 0) parts.push(`${formatNumber(c.forget)} to forget`);
  return parts.join(", ");
}

function total(stacks: readonly StackResult[]): Counts {
  const sum: Counts = { add: 0, change: 0, replace: 0, destroy: 0, import: 0, forget: 0 };
  for (const s of stacks) {
    if (s.status === "failed" || !s.summary) continue;
    for (const key of Object.keys(sum) as (keyof Counts)[]) sum[key] += s.summary.counts[key];
  }
  return sum;
}

function commitUrl(runUrl: string | undefined, sha: string): string | undefined {
  const repo = runUrl ? /^(https:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+)\/actions\/runs\/\d+/.exec(runUrl)?.[1] : undefined;
  return repo && /^[0-9a-f]{7,40}$/i.test(sha) ? `${repo}/commit/${sha}` : undefined;
}

function isSafeUrl(url: string | undefined): url is string {
  return url !== undefined && /^https:\/\/[^\s()<>]+$/.test(url);
}

function heading(stacks: readonly StackResult[], o: RenderOptions): string {
  const failed = stacks.filter((s) => s.status === "failed").length;
  const title =
    o.target === "summary" ? `## Terraform plan · ${code(o.env)} (full plans)` : `## Terraform plan · ${code(o.env)}`;
  let overall = `**${plural(stacks.length, "stack")}** · ${countsLine(total(stacks))}`;
  if (failed > 0) overall += ` · **${formatNumber(failed)} failed** (not counted)`;
  const pending = stacks.filter((st) => pendingUpstreams(st).length > 0).length;
  if (pending > 0) overall += ` · ⏳ ${plural(pending, "stack")} planned against pending upstream outputs`;
  const lines = [title, "", overall];
  const links: string[] = [];
  if (o.sha) {
    const short = o.sha.slice(0, 7);
    const url = commitUrl(o.runUrl, o.sha);
    links.push(url ? `commit [${code(short)}](${url})` : `commit ${code(short)}`);
  }
  if (isSafeUrl(o.runUrl)) links.push(`[workflow run](${o.runUrl})`);
  if (links.length > 0) lines.push("", `Plans for ${links.join(" · ")}`);
  if (failed === 0 && stacks.length > 0 && stacks.every((s) => s.status === "no changes")) {
    lines.push("", "✅ No changes: the infrastructure matches the configuration.");
  }
  return lines.join("\n");
}

const REASONS: Record<string, string> = {
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count/for_each was added or removed",
  delete_because_count_index: "its count index is out of range",
  delete_because_each_key: "its for_each key was removed",
  delete_because_no_move_target: "its moved target does not exist",
  replace_because_tainted: "tainted",
  replace_by_request: "replacement requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  replace_because_cannot_update: "an attribute cannot be updated in place",
};

function destructiveItem(stack: string, r: ResourceAction): string {
  const what =
    r.kind === "delete"
      ? "🗑️ **destroy**"
      : r.order === "create-before-destroy"
        ? "♻️ **replace** (create the new one, then destroy the old)"
        : "♻️ **replace** (destroy first, then create)";
  const details: string[] = [];
  if (r.deposed) details.push(`deposed object ${code(r.deposed)}`);
  if (r.replacePaths && r.replacePaths.length > 0) {
    const shown = r.replacePaths.slice(0, 5).map(code).join(", ");
    details.push(
      `forced by ${shown}${r.replacePaths.length > 5 ? ` and ${formatNumber(r.replacePaths.length - 5)} more` : ""}`,
    );
  } else if (r.reason) {
    details.push(REASONS[r.reason] ?? r.reason);
  }
  return `- ${what} ${code(r.address)} in ${code(stack)}${details.length > 0 ? ` — ${details.join("; ")}` : ""}`;
}

function destructiveSection(stacks: readonly StackResult[], maxBytes: number, o: RenderOptions): string {
  const rank = (r: ResourceAction): number => (r.kind === "delete" ? 0 : r.order === "delete-before-create" ? 1 : 2);
  const items = stacks
    .flatMap((s) => (s.summary ? s.summary.resources.filter(isDestructive).map((r) => ({ stack: s.name, r })) : []))
    .sort((a, b) => rank(a.r) - rank(b.r) || compare(a.stack, b.stack) || compare(a.r.address, b.r.address));
  if (items.length === 0) return "";
  const destroys = items.filter((i) => i.r.kind === "delete").length;
  const header =
    `### ⚠️ Destructive changes: ${plural(destroys, "destroy", "destroys")}, ` +
    `${plural(items.length - destroys, "replacement")}`;
  const lines: string[] = [];
  let used = measure(header) + 200;
  for (const [i, item] of items.entries()) {
    const line = destructiveItem(item.stack, item.r);
    if (used + measure(line) + 1 > maxBytes) {
      lines.push(`- … and ${formatNumber(items.length - i)} more, listed in ${whereFull(o)}`);
      break;
    }
    lines.push(line);
    used += measure(line) + 1;
  }
  return `${header}\n\n${lines.join("\n")}`;
}

/** Keeps an error readable within `maxBytes`: its first line, then from the first `Error:` on, cut at the end. */
function fitError(text: string, maxBytes: number): string {
  if (measure(text) <= maxBytes) return text;
  let out = text;
  const first = out.search(/^\s*(│\s*)?Error:/m);
  const firstLineEnd = out.indexOf("\n");
  if (first > firstLineEnd && firstLineEnd > 0) {
    // Keep the first line (what failed), skip the log up to Terraform's first error.
    out = `${out.slice(0, firstLineEnd)}\n… (output before the first error cut)\n${out.slice(first).replace(/^\n+/, "")}`;
  }
  if (measure(out) <= maxBytes) return out;
  const head = cutText(out, maxBytes - 80);
  return `${head}\n… (${plural(countLines(out) - countLines(head), "more line")} cut)`;
}

function failedSection(
  stacks: readonly StackResult[],
  totalBytes: number,
  perStackBytes: number,
  o: RenderOptions,
): string {
  const failed = stacks.filter((s) => s.status === "failed");
  if (failed.length === 0) return "";
  const each = Math.max(400, Math.min(perStackBytes, Math.floor(totalBytes / failed.length)));
  const parts = failed.map((s) => {
    const error = neutralizeMarkers(fitError((s.error ?? "The plan failed without an error message.").trim(), each));
    const note = pendingNote(s);
    return `**${code(s.name)}**: the plan failed.\n\n${note ? `${note}\n\n` : ""}${fenced(error, "text")}`;
  });
  const intro =
    o.target === "summary" ? "" : `\n\nThe other stacks' plans are below; the full logs are in ${whereFull(o)}.`;
  return `### ❌ Failed stacks (${formatNumber(failed.length)})${intro}\n\n${parts.join("\n\n")}`;
}

// ---------------------------------------------------------------------------------------------
// Plans made against an upstream's pending outputs (scripts/plan/upstream-outputs.ts)

/** The upstreams whose pending outputs a stack was planned against. */
function pendingUpstreams(s: StackResult): UpstreamOutputs[] {
  return (s.upstreams ?? []).filter((u) => u.pending.length > 0);
}

const CHANGE_WORDS: Record<PendingOutputChange, string> = {
  new: "new",
  changed: "changed",
  unknown: "known after apply",
  removed: "removed",
};

/** Up to `max` names in code spans, then how many more. */
function someNames(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).map(code).join(", ");
  return names.length > max ? `${shown} and ${formatNumber(names.length - max)} more` : shown;
}

/**
 * The note on a stack planned against pending upstream outputs: per upstream, how many of the
 * outputs it reads are pending and how; then what the placeholders look like. Empty when none.
 */
export function pendingNote(s: StackResult): string {
  const upstreams = pendingUpstreams(s);
  if (upstreams.length === 0) return "";
  const lines = upstreams.map((u) => {
    const kinds = (Object.keys(CHANGE_WORDS) as PendingOutputChange[])
      .map((kind) => [kind, u.pending.filter((p) => p.change === kind).map((p) => p.name)] as const)
      .filter(([, names]) => names.length > 0)
      .map(([kind, names]) => `${formatNumber(names.length)} ${CHANGE_WORDS[kind]}: ${someNames(names)}`);
    return (
      `> ⏳ **Planned against the pending outputs of ${code(u.stack)}**: ` +
      `${formatNumber(u.pending.length)} of the ${plural(u.read, "output")} this stack reads ` +
      `${u.pending.length === 1 ? "is" : "are"} not in its state yet (${kinds.join("; ")}).`
    );
  });
  const listed = upstreams.map((u) => code(u.stack));
  const names =
    listed.length > 1 ? `${listed.slice(0, -1).join(", ")} and ${listed[listed.length - 1]}` : (listed[0] ?? "");
  lines.push(
    `> Values known only after the apply of ${names} are placeholders in this plan ` +
      `(ARNs in account ${code(PLACEHOLDER_ACCOUNT)}, ids and names starting with ${code(PLACEHOLDER_PREFIX)}); ` +
      `a deploy applies ${upstreams.length === 1 ? "it" : "them"} first and plans this stack against the real values.`,
  );
  return lines.join("\n>\n");
}

function statusCell(s: StackResult): string {
  const mark = pendingUpstreams(s).length > 0 ? " · ⏳ pending upstream outputs" : "";
  return baseStatus(s) + mark;
}

function baseStatus(s: StackResult): string {
  if (s.status === "failed") return "❌ failed";
  if (s.status === "no changes" || !s.summary) return "✅ no changes";
  const c = s.summary.counts;
  if (c.add + c.change + c.replace + c.destroy + c.import + c.forget === 0) return "📝 changes (outputs only)";
  return c.replace + c.destroy > 0 ? "⚠️ changes" : "📝 changes";
}

function table(stacks: readonly StackResult[]): string {
  const n = (v: number, strong: boolean): string => (strong && v > 0 ? `**${formatNumber(v)}**` : formatNumber(v));
  const rows = stacks.map((s) => {
    if (s.status === "failed" && !s.summary) return `| ${code(s.name)} | — | — | — | — | ${statusCell(s)} |`;
    const c = s.summary?.counts ?? { add: 0, change: 0, replace: 0, destroy: 0 };
    return (
      `| ${code(s.name)} | ${n(c.add, false)} | ${n(c.change, false)} | ` +
      `${n(c.replace, true)} | ${n(c.destroy, true)} | ${statusCell(s)} |`
    );
  });
  const lines = [
    "| Stack | Add | Change | Replace | Destroy | Status |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...rows,
  ];
  if (stacks.length > 1) {
    const t = total(stacks);
    lines.push(
      `| **total** | **${formatNumber(t.add)}** | **${formatNumber(t.change)}** | ` +
        `**${formatNumber(t.replace)}** | **${formatNumber(t.destroy)}** | |`,
    );
  }
  lines.push(
    "",
    "<sub>A replacement counts once, under Replace " +
      "(Terraform's own “Plan:” line counts it as one add and one destroy).</sub>",
  );
  return lines.join("\n");
}

function whereFull(o: RenderOptions): string {
  const what = o.target === "summary" ? "the run's plan artifacts" : "the run's job summary and artifacts";
  return isSafeUrl(o.runUrl) ? `[${what}](${o.runUrl})` : what;
}

function limitName(o: RenderOptions): string {
  return o.target === "summary" ? "GitHub's 1 MiB job summary limit" : "GitHub's 65,536-character comment limit";
}

function cutNotice(fits: readonly PlanFit[], o: RenderOptions): string {
  const cut = fits.filter((f) => f.mode !== "full");
  if (cut.length === 0) return "";
  const names = cut.map((f) => `${code(f.stack)} (${f.mode === "truncated" ? "truncated" : "omitted"})`).join(", ");
  return `> [!NOTE]\n> ✂️ **Plans cut to fit ${limitName(o)}:** ${names}. Full plans: ${whereFull(o)}.`;
}

function planSummaryLine(s: StackResult, fit: PlanFit | undefined): string {
  const status =
    s.status === "failed"
      ? "❌ failed"
      : s.status === "no changes" || !s.summary
        ? "no changes"
        : countsLine(s.summary.counts);
  const cut = fit?.mode === "truncated" ? " (truncated)" : fit?.mode === "omitted" ? " (too long, not shown)" : "";
  return `<summary><code>${escapeHtml(s.name)}</code> · ${escapeHtml(status)}${cut}</summary>`;
}

function planBlock(s: StackResult, text: string, fit: PlanFit, o: RenderOptions): string {
  const pending = pendingNote(s);
  const open = `<details>${planSummaryLine(s, fit)}${pending ? `\n\n${pending}` : ""}`;
  if (fit.mode === "omitted") {
    return (
      `${open}\n\n✂️ Plan too long for this ${o.target === "summary" ? "summary" : "comment"} ` +
      `(${plural(countLines(text), "line")}): see ${whereFull(o)}.\n\n</details>`
    );
  }
  if (fit.mode === "full") return `${open}\n\n${fenced(text, "diff")}\n\n</details>`;
  const shown = cutAtBlock(cutText(text, fit.maxBytes));
  const note =
    `✂️ Truncated: the first ${formatNumber(countLines(shown))} of ${plural(countLines(text), "line")}. ` +
    `Full plan: ${whereFull(o)}.`;
  return `${open}\n\n${fenced(shown, "diff")}\n\n${note}\n\n</details>`;
}

/** The plan text of a stack as it is shown: ANSI-free, trimmed, diff-coloured, marker-safe. */
function shownPlan(s: StackResult): string | undefined {
  if (s.planText === undefined)
    return s.summary ? "(No human-readable plan was produced; the counts come from the JSON plan.)" : undefined;
  return neutralizeMarkers(
    toDiff(stripAnsi(s.planText).replace(/\r\n/g, "\n").replace(/\s+$/, "").replace(/^\n+/, "")),
  );
}

/**
 * The comment (or job summary) for one environment: marker, heading and overall line,
 * destructive changes, failed stacks, the table, then each stack's plan collapsed, fitted to the
 * target's size limit by cutting the longest plans first. Deterministic: same input, same bytes.
 */
export function render(stacksIn: readonly StackResult[], options: RenderOptions): Rendered {
  const o: RenderOptions = { ...options, target: options.target ?? "comment" };
  if (!/^[A-Za-z0-9_.-]+$/.test(o.env)) throw new Error(`invalid environment name ${JSON.stringify(o.env)}`);
  const summaryTarget = o.target === "summary";
  const limit = o.limit ?? (summaryTarget ? SUMMARY_LIMIT : COMMENT_LIMIT);
  const stacks = [...stacksIn].sort((a, b) => compare(a.name, b.name));

  const fixed = [
    summaryTarget ? "" : markerFor(o.env),
    heading(stacks, o),
    destructiveSection(stacks, Math.floor(limit * (summaryTarget ? 0.2 : 0.3)), o),
    failedSection(stacks, Math.floor(limit * 0.25), summaryTarget ? 64_000 : 4_000, o),
    `### Stacks\n\n${table(stacks)}`,
  ].filter((part) => part !== "");

  const plans = stacks.flatMap((s) => {
    const text = shownPlan(s);
    return text === undefined ? [] : [{ stack: s, text }];
  });
  const assemble = (fits: readonly PlanFit[]): string => {
    const blocks = plans.map((p, i) => planBlock(p.stack, p.text, fits[i] ?? { stack: p.stack.name, mode: "full" }, o));
    const parts = [...fixed, cutNotice(fits, o), blocks.length > 0 ? `### Plans\n\n${blocks.join("\n\n")}` : ""];
    return `${parts.filter((part) => part !== "").join("\n\n")}\n`;
  };

  const sizes: PlanSize[] = plans.map((p) => {
    const full = measure(planBlock(p.stack, "", { stack: p.stack.name, mode: "full" }, o));
    // Overheads with the real line counts, so the digits in the notes are counted.
    const truncated =
      measure(planBlock(p.stack, p.text, { stack: p.stack.name, mode: "truncated", maxBytes: 0 }, o)) + 16;
    const omitted = measure(planBlock(p.stack, p.text, { stack: p.stack.name, mode: "omitted" }, o));
    return { stack: p.stack.name, size: measure(p.text), overhead: { full, truncated, omitted } };
  });
  const joins = plans.length * 2 + 32;
  const worstNotice =
    measure(
      cutNotice(
        plans.map((p) => ({ stack: p.stack.name, mode: "truncated", maxBytes: 0 })),
        o,
      ),
    ) + 2;
  const allFull = plans.map((p) => ({ stack: p.stack.name, mode: "full" as const }));
  const whole = assemble(allFull);
  if (measure(whole) <= limit) return { body: whole, fits: allFull };

  const skeleton = `${fixed.join("\n\n")}\n\n### Plans\n\n\n`;
  let budget = limit - measure(skeleton) - worstNotice - joins;
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const fits = fitToLimit(sizes, budget);
    const body = assemble(fits);
    const excess = measure(body) - limit;
    if (excess <= 0) return { body, fits };
    budget -= excess + 256;
  }
  const omittedAll = plans.map((p) => ({ stack: p.stack.name, mode: "omitted" as const }));
  const body = assemble(omittedAll);
  if (measure(body) <= limit) return { body, fits: omittedAll };
  // Only reachable with an absurd number of stacks: keep the top, say so.
  const tail = `\n\n… (cut at ${limitName(o)}; see ${whereFull(o)})\n`;
  return { body: cutText(body, limit - measure(tail)) + tail, fits: omittedAll };
}

/** The PR comment (or, with `target: "summary"`, the job summary) as markdown. */
export function renderComment(stacks: readonly StackResult[], options: RenderOptions): string {
  return render(stacks, options).body;
}
