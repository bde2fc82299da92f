import type { z } from "zod";

/**
 * What zod's issues say, as field paths and messages people read: the API's error details
 * (`orders[3].lines[0].unitPrice: must be a string, not a number`) and the environment config's
 * problems (`prod.network.natGateways: ...`) both come from here. Depends on nothing but zod's
 * types, so stacks/ and functions/ may both import it.
 */

/** One message about one field. */
export interface IssueDetail {
  path: PropertyKey[];
  message: string;
}

/** `["orders", 3, "lines", 0, "unitPrice"]` -> `orders[3].lines[0].unitPrice`; the empty path is `empty`. */
export function fieldPath(path: readonly PropertyKey[], empty = "body"): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || empty;
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
 * One issue as details: one per unknown key, "is required" for an absent field, the type
 * expected for one of the wrong JSON type, the values allowed for one outside an enum, else the
 * schema's own message. Parse with `{ reportInput: true }`: without the input an absent field
 * and one of the wrong type look alike.
 */
export function issueDetails(issue: z.core.$ZodIssue): IssueDetail[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: "is not a known field" }));
  }
  const absent = issue.input === undefined;
  if ((issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_value") && absent) {
    return [{ path: issue.path, message: "is required" }];
  }
  if (issue.code === "invalid_type" && issue.expected in TYPE_NAMES && !issue.message.startsWith("must")) {
    return [{ path: issue.path, message: `must be ${TYPE_NAMES[issue.expected]}, not ${jsonTypeOf(issue.input)}` }];
  }
  if (issue.code === "invalid_value") {
    return [{ path: issue.path, message: `must be one of ${issue.values.map((v) => String(v)).join(", ")}` }];
  }
  return [{ path: issue.path, message: issue.message }];
}
