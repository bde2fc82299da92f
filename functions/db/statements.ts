/**
 * What the pool guard needs to know about a statement from its SQL text alone (Kysely sends
 * parameters separately, as `?`): its operation and main table (for X-Ray), whether it opens or
 * ends a transaction, and whether it is safe to send again after the connection died under it.
 */
export type Operation =
  "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "REPLACE" | "BEGIN" | "COMMIT" | "ROLLBACK" | "SET" | "SHOW" | "OTHER";

export interface StatementInfo {
  operation: Operation;
  /** The first table named after FROM / INTO / UPDATE, when there is one. */
  table?: string;
  /** Reads and transaction starts: sending them again cannot apply anything twice. */
  repeatable: boolean;
}

const KEYWORDS: Record<string, Operation> = {
  select: "SELECT",
  with: "SELECT",
  insert: "INSERT",
  update: "UPDATE",
  delete: "DELETE",
  replace: "REPLACE",
  begin: "BEGIN",
  start: "BEGIN",
  commit: "COMMIT",
  rollback: "ROLLBACK",
  set: "SET",
  show: "SHOW",
};

/** Statements that change something even inside a SELECT (locks by name, user variables). */
const SIDE_EFFECTS =
  /\b(?:get_lock|release_lock|release_all_locks|nextval|setval)\s*\(|\binto\s+@|\b(?:insert|update|delete|replace)\b/i;

export function describeStatement(sql: string): StatementInfo {
  const text = sql.replace(/^(?:\s+|\/\*[\s\S]*?\*\/|--[^\n]*\n|\()*/, "");
  const keyword = /^[a-z]+/i.exec(text)?.[0]?.toLowerCase() ?? "";
  let operation: Operation = KEYWORDS[keyword] ?? "OTHER";
  if (keyword === "with" && /\b(?:insert|update|delete)\b/i.test(text)) operation = "OTHER";
  if (keyword === "set" && /^set\s+transaction\b/i.test(text)) operation = "BEGIN";
  const table = /\b(?:from|into|update)\s+`?([A-Za-z0-9_$]+)`?/i.exec(text)?.[1];
  const repeatable =
    operation === "BEGIN" ||
    operation === "SHOW" ||
    (operation === "SELECT" && !SIDE_EFFECTS.test(keyword === "with" ? text : text.slice(keyword.length)));
  return { operation, table, repeatable };
}
