import type { z } from "zod";
import { badRequest, type ErrorDetail } from "../http/errors";
import { fieldPath, issueDetails } from "../../shared/zod-issues";

export function detail(path: readonly PropertyKey[], message: string): ErrorDetail {
  const index = typeof path[1] === "number" ? path[1] : undefined;
  return index === undefined ? { field: fieldPath(path), message } : { field: fieldPath(path), message, index };
}

/** Parses a request body against its schema or throws a 400 naming every bad item and field. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw badRequest(
    "the request is invalid; nothing was stored",
    result.error.issues.flatMap(issueDetails).map(({ path, message }) => detail(path, message)),
  );
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
