import type { Migration } from "kysely/migration";
import * as initialSchema from "./001-initial-schema";
import * as rollups from "./002-rollups";
import * as productDays from "./003-product-days";
import * as customerTimeline from "./004-customer-timeline";
import * as slotSpans from "./005-slot-spans";
import * as productMonths from "./006-product-months";
import * as cohortCells from "./007-cohort-cells";
import * as productTotals from "./008-product-totals";
import * as salesLocalDays from "./009-sales-local-days";
import * as wideRollupSums from "./010-wide-rollup-sums";
import * as productMonthLeaders from "./011-product-month-leaders";
import * as cohortDays from "./012-cohort-days";
import * as gapMonths from "./013-gap-months";
import * as exportDays from "./014-export-days";
import * as funnelSpans from "./015-funnel-spans";
import * as productLocalDays from "./016-product-local-days";

/**
 * Every migration, in order. Imported statically (not read from disk) so the Lambda bundle
 * carries them and their hash keys the deploy-time migration run.
 */
export const migrations: Record<string, Migration> = {
  "001-initial-schema": initialSchema,
  "002-rollups": rollups,
  "003-product-days": productDays,
  "004-customer-timeline": customerTimeline,
  "005-slot-spans": slotSpans,
  "006-product-months": productMonths,
  "007-cohort-cells": cohortCells,
  "008-product-totals": productTotals,
  "009-sales-local-days": salesLocalDays,
  "010-wide-rollup-sums": wideRollupSums,
  "011-product-month-leaders": productMonthLeaders,
  "012-cohort-days": cohortDays,
  "013-gap-months": gapMonths,
  "014-export-days": exportDays,
  "015-funnel-spans": funnelSpans,
  "016-product-local-days": productLocalDays,
};
