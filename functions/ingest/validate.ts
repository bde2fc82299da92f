import type { z } from "zod";
import { badRequest, type ErrorDetail } from "../http/errors";

/** `["orders", 3, "lines", 0, "unitPrice"]` -> `orders[3].lines[0].unitPrice` */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "body";
}

export function detail(path: readonly PropertyKey[], message: string): ErrorDetail {
  const index = typeof path[1] === "number" ? path[1] : undefined;
  return index === undefined ? { field: fieldPath(path), message } : { field: fieldPath(path), message, index };
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "an array",
  object: "an object",
};

/** What JSON sent instead: `null`, an array, or a typeof. */
function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/**
 * One issue as details. The issues carry their input (parseRequest asks for it), so a field
 * that is absent is "required" while one of the wrong JSON type says what type it must be.
 */
function issueToDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => detail([...issue.path, key], "is not a known field"));
  }
  const absent = issue.input === undefined;
  if ((issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_value") && absent) return [detail(issue.path, "is required")];
  if (issue.code === "invalid_type" && issue.expected in TYPE_NAMES && !issue.message.startsWith("must")) {
    return [detail(issue.path, `must be ${TYPE_NAMES[issue.expected]}, not ${jsonTypeOf(issue.input)}`)];
  }
  if (issue.code === "invalid_value") {
    return [detail(issue.path, `must be one of ${issue.values.map((v) => String(v)).join(", ")}`)];
  }
  return [detail(issue.path, issue.message)];
}

/** Parses a request body against its schema or throws a 400 naming every bad item and field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw badRequest("the request is invalid; nothing was stored", result.error.issues.flatMap(issueToDetails));
}

/** Fails the whole batch when an id appears twice in it. */
export function rejectDuplicateIds(items: readonly { id: string }[], collection: string): void {
  const firstIndex = new Map<string, number>();
  const details: ErrorDetail[] = [];
  items.forEach((item, index) => {
    const earlier = firstIndex.get(item.id);
    if (earlier === undefined) firstIndex.set(item.id, index);
    else details.push(detail([collection, index, "id"], `repeats ${collection}[${earlier}].id within one request`));
  });
  if (details.length > 0) throw badRequest("the request is invalid; nothing was stored", details);
}
