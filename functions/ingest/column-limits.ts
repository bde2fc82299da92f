import { unprocessable } from "../http/errors";

/**
 * MySQL/MariaDB's "value out of range" errors: 1264 (a value for a column, e.g. a rollup sum
 * past its DECIMAL) and 1690 (an expression's result, e.g. an unsigned subtraction below 0).
 */
const OUT_OF_RANGE_CODES = new Set(["ER_WARN_DATA_OUT_OF_RANGE", "ER_DATA_OUT_OF_RANGE"]);
const OUT_OF_RANGE_ERRNOS = new Set([1264, 1690]);

export function isOutOfRangeError(error: unknown): boolean {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    const { code, errno } = e as { code?: unknown; errno?: unknown };
    if (
      (typeof code === "string" && OUT_OF_RANGE_CODES.has(code)) ||
      (typeof errno === "number" && OUT_OF_RANGE_ERRNOS.has(errno))
    )
      return true;
  }
  return false;
}

/**
 * The last resort behind the ingest bounds (an order's amounts at most 10^12, rollup sums
 * DECIMAL(28,4)): should a write still not fit a column, the request is refused whole with 422
 * OUT_OF_RANGE (its transaction rolled back, nothing stored) instead of failing with a 500.
 */
export async function withinColumnLimits<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isOutOfRangeError(error)) {
      throw unprocessable(
        "OUT_OF_RANGE",
        "a figure this request would store is larger than the database can hold; nothing was stored",
      );
    }
    throw error;
  }
}
