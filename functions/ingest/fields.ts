import * as z from "zod";
import { EVENT_TYPES } from "../db/schema";

/** Field schemas shared by the ingestion payloads (and, through z.toJSONSchema, the OpenAPI document). */

/** C0 and C1 control characters (Unicode category Cc). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** An unpaired UTF-16 surrogate: JSON can carry one ("\ud800"), UTF-8 cannot (it would be stored as U+FFFD). */
const LONE_SURROGATE = /\p{Cs}/u;
const EDGE_WHITE_SPACE = /^\s|\s$/;

/**
 * The store's own ids (order, customer, product, session, event, refund, and references to
 * them). Ids are compared exactly, byte for byte, on every engine: the id columns are
 * utf8mb4_bin, which compares code points but is PAD SPACE on MariaDB ("X" = "X ") and NO PAD on
 * MySQL 8.4's utf8mb4_0900_bin, and a lone surrogate can only be stored as U+FFFD. So an id may
 * not start or end with white space and may not hold control characters or lone surrogates:
 * then two ids are equal in the database exactly when they are equal in JSON, on both engines.
 */
export const externalId = z
  .string()
  .min(1, "must be 1 to 64 characters")
  .max(64, "must be 1 to 64 characters")
  .refine((s) => !EDGE_WHITE_SPACE.test(s), "must not start or end with white space")
  .refine((s) => !CONTROL_CHARACTERS.test(s), "must not contain control characters")
  .refine((s) => !LONE_SURROGATE.test(s), "must be valid Unicode (it contains an unpaired surrogate)");

/** Free text (names, categories, channels): trimmed, no control characters or lone surrogates. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, `must be 1 to ${max} characters`)
    .max(max, `must be 1 to ${max} characters`)
    .refine((s) => !CONTROL_CHARACTERS.test(s), "must not contain control characters")
    .refine((s) => !LONE_SURROGATE.test(s), "must be valid Unicode (it contains an unpaired surrogate)");

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;
const EARLIEST = Date.UTC(2000, 0, 1);
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** RFC 3339 with an offset, a real calendar time, from 2000 up to a day ahead of now. */
export const timestamp = z.string().transform((value, ctx) => {
  const match = RFC3339.exec(value);
  if (!match) {
    ctx.addIssue({ code: "custom", message: "must be an RFC 3339 time with an offset, e.g. 2026-03-08T14:03:00Z" });
    return z.NEVER;
  }
  const [, y, mo, d, h, mi, s, , , oh, om] = match;
  const year = Number(y),
    month = Number(mo),
    day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59 ||
    (oh !== undefined && (Number(oh) > 23 || Number(om) > 59))
  ) {
    ctx.addIssue({ code: "custom", message: "is not a real date and time" });
    return z.NEVER;
  }
  const instant = new Date(value);
  if (instant.getTime() < EARLIEST || instant.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
    ctx.addIssue({ code: "custom", message: "must be between 2000-01-01 and a day from now" });
    return z.NEVER;
  }
  return instant;
});

/**
 * The most any single money value may be, and (functions/ingest/amounts.ts) the most an order's
 * lines, shipping and tax may add up to: 10^12 currency units, far above any real basket in any
 * currency, and far enough below the columns' limits that no per-order figure can overflow
 * DECIMAL(19,4) and no rollup sum DECIMAL(28,4) (migration 010).
 */
export const MAX_MONEY_TEXT = "1000000000000";
const MAX_MONEY_WHOLE_DIGITS = MAX_MONEY_TEXT.length;

const MONEY_TEXT = /^(\d+)(?:\.(\d+))?$/;

const MONEY_MESSAGE = 'must be a non-negative decimal amount such as "19.99"';

/**
 * A non-negative decimal amount, as a string ("19.99") or a JSON number (19.99), at most
 * MAX_MONEY_TEXT. Kept as text; a JSON number is read through its shortest decimal form
 * (0.1 is "0.1", 1e-7 is "0.0000001"). Decimals are checked against the store's currency later.
 */
export const money = z
  .union([z.string(), z.number()], { error: 'must be a decimal amount: a string such as "19.99" or a JSON number' })
  .transform((value, ctx) => {
    const textValue = typeof value === "number" ? numberToDecimalText(value) : value;
    const match = textValue === undefined ? null : MONEY_TEXT.exec(textValue);
    if (!match) {
      ctx.addIssue({ code: "custom", message: MONEY_MESSAGE });
      return z.NEVER;
    }
    const whole = match[1].replace(/^0+(?=\d)/, "");
    const fraction = (match[2] ?? "").replace(/0+$/, "");
    if (
      whole.length > MAX_MONEY_WHOLE_DIGITS ||
      (whole.length === MAX_MONEY_WHOLE_DIGITS && (whole > MAX_MONEY_TEXT || fraction !== ""))
    ) {
      ctx.addIssue({ code: "custom", message: `must be at most ${MAX_MONEY_TEXT}` });
      return z.NEVER;
    }
    return textValue!;
  });

/** A finite non-negative JSON number's shortest decimal text, without an exponent. */
function numberToDecimalText(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const shortest = String(value);
  const exponential = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!exponential) return shortest;
  const digits = exponential[1] + (exponential[2] ?? "");
  const point = 1 + Number(exponential[3]);
  if (point <= 0) return `0.${"0".repeat(-point)}${digits}`;
  return point >= digits.length
    ? digits + "0".repeat(point - digits.length)
    : `${digits.slice(0, point)}.${digits.slice(point)}`;
}

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");
export const quantity = z
  .number()
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(1_000_000, "must be at most 1000000");
export const eventType = z.enum(EVENT_TYPES);
