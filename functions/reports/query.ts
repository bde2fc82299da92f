import * as z from "zod";
import { INTERVALS } from "../time";
import { COHORT_INTERVALS } from "../rollups/customers/cohort-cells";
import { DEFAULT_RANGE_DAYS, MAX_RANGE_YEARS } from "./params";
import { PRODUCT_SORTS } from "../rollups/products/top";

/**
 * Each report's query parameters, declared once as a zod object: its keys are the parameters the
 * route takes (the handler refuses any other), the handler reads the values through it, and the
 * OpenAPI document describes each one from it (`description` and `example` are the parameter's,
 * the rest its schema). The range's own rules (valid dates and zone, `to` not before `from`, at
 * most MAX_RANGE_YEARS, defaults from the store) are parseReportQuery's, which reads it first.
 */

/** YYYY-MM-DD; parseReportQuery also checks that the day exists. */
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Every ranged report's parameters: from, to (local dates) and the timezone they are cut in. */
export const rangeQuery = {
  from: localDate.optional().meta({
    format: "date",
    description:
      `First day of the range (inclusive), in the report's timezone. ` +
      `Default: ${DEFAULT_RANGE_DAYS - 1} days before \`to\`.`,
    example: "2026-03-01",
  }),
  to: localDate.optional().meta({
    format: "date",
    description:
      `Last day of the range (inclusive), in the report's timezone; not before \`from\`, ` +
      `less than ${MAX_RANGE_YEARS} years after it. Default: today.`,
    example: "2026-03-31",
  }),
  timezone: z.string().min(1).optional().meta({
    description: "IANA time zone that days, weeks (ISO, from Monday) and months are cut in. Default: the store's.",
    example: "America/New_York",
  }),
};

export const PRODUCTS_DEFAULT_LIMIT = 20;
export const PRODUCTS_MAX_LIMIT = 100;
const LIMIT_MESSAGE = `must be a whole number from 1 to ${PRODUCTS_MAX_LIMIT}`;
const CATEGORY_MESSAGE = "must be 1 to 100 characters";

/** Digits only (no sign, exponent or hex), then a whole number from 1 to PRODUCTS_MAX_LIMIT. */
const productsLimit = z
  .string()
  .regex(/^\d+$/, LIMIT_MESSAGE)
  .transform(Number)
  .pipe(z.int({ error: LIMIT_MESSAGE, abort: true }).min(1, LIMIT_MESSAGE).max(PRODUCTS_MAX_LIMIT, LIMIT_MESSAGE));

/** The query of every report, by the operation that serves it. */
export const reportQueries = {
  summaryReport: z.object(rangeQuery),
  salesReport: z.object({
    ...rangeQuery,
    interval: z.enum(INTERVALS).default("day").meta({ description: "The period of each row." }),
  }),
  productsReport: z.object({
    ...rangeQuery,
    sort: z.enum(PRODUCT_SORTS).default("netSales").meta({ description: "What ranks the products (descending)." }),
    limit: productsLimit.default(PRODUCTS_DEFAULT_LIMIT).meta({ description: "How many products." }),
    category: z
      .string()
      .min(1, CATEGORY_MESSAGE)
      .max(100, CATEGORY_MESSAGE)
      .optional()
      .meta({ description: "Only products of this category." }),
  }),
  funnelReport: z.object(rangeQuery),
  cohortsReport: z.object({
    ...rangeQuery,
    interval: z.enum(COHORT_INTERVALS).default("month").meta({ description: "The cohort period." }),
  }),
  realtimeReport: z.object({}),
} satisfies Record<string, z.ZodObject>;
