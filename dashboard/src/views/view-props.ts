import type { ReportsApi } from "../lib/api";
import type { Selection } from "../lib/selection";

/** What every view gets from the shell. */
export interface ViewProps {
  api: ReportsApi;
  selection: Selection;
  /** The zone the reports are cut in: the one picked, else the store's. */
  zone: string;
  locale: string;
}

/** The name the comparison goes by in legends and captions. */
export function comparisonName(selection: Selection): string | undefined {
  if (selection.comparison === "previous") return "Previous period";
  if (selection.comparison === "lastYear") return "Same period last year";
  return undefined;
}
