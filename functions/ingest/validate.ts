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

function issueToDetails(issue: z.core.$ZodIssue): ErrorDetail[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => detail([...issue.path, key], "is not a known field"));
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return [detail(issue.path, "is required")];
  return [detail(issue.path, issue.message)];
}

/** Parses a request body against its schema or throws a 400 naming every bad item and field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
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
