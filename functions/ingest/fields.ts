import * as z from "zod";
import { EVENT_TYPES } from "../db/schema";

/** Field schemas shared by the ingestion payloads (and, through z.toJSONSchema, the OpenAPI document). */

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export const externalId = z
  .string()
  .min(1, "must be 1 to 64 characters")
  .max(64, "must be 1 to 64 characters")
  .refine((s) => !CONTROL_CHARACTERS.test(s), "must not contain control characters");

export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, `must be 1 to ${max} characters`)
    .max(max, `must be 1 to ${max} characters`)
    .refine((s) => !CONTROL_CHARACTERS.test(s), "must not contain control characters");

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
  const year = Number(y), month = Number(mo), day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 ||
      (oh !== undefined && (Number(oh) > 23 || Number(om) > 59))) {
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

/** At most 15 digits before the point; JSON numbers are read through their shortest decimal form. */
const MONEY_TEXT = /^\d{1,15}(?:\.(\d+))?$/;

/** A non-negative decimal amount, as a string ("19.99") or a JSON number (19.99). Kept as text. */
export const money = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const textValue = typeof value === "number" ? numberToDecimalText(value) : value;
  if (textValue === undefined || !MONEY_TEXT.test(textValue)) {
    ctx.addIssue({ code: "custom", message: "must be a non-negative decimal amount such as \"19.99\"" });
    return z.NEVER;
  }
  return textValue;
});

function numberToDecimalText(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const textValue = String(value);
  return /e/i.test(textValue) ? undefined : textValue;
}

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");
export const quantity = z.number().int("must be a whole number").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000");
export const eventType = z.enum(EVENT_TYPES);
