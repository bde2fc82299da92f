import { comparisonRange, presetRange, type ComparisonMode, type DateRange, type PresetId } from "./ranges";
import { todayIn } from "./zone";

/**
 * What every range report is asked for: the range (from a preset or custom), the comparison and the zone. `zone`
 * undefined means the store's own, which the API applies when no `timezone` is sent.
 */
export interface Selection {
  preset: PresetId;
  range: DateRange;
  comparison: ComparisonMode;
  comparisonRange: DateRange | undefined;
  zone: string | undefined;
}

export const DEFAULT_PRESET = "last30";
export const DEFAULT_COMPARISON: ComparisonMode = "previous";

export function initialSelection(storeZone: string, now: Date): Selection {
  return withRange(
    { preset: DEFAULT_PRESET, comparison: DEFAULT_COMPARISON, zone: undefined },
    presetRange(DEFAULT_PRESET, todayIn(storeZone, now)),
  );
}

export function choosePreset(selection: Selection, preset: PresetId, storeZone: string, now: Date): Selection {
  if (preset === "custom") return { ...selection, preset };
  return withRange({ ...selection, preset }, presetRange(preset, todayIn(selection.zone ?? storeZone, now)));
}

export function chooseCustom(selection: Selection, range: DateRange): Selection {
  return withRange({ ...selection, preset: "custom" }, range);
}

export function chooseComparison(selection: Selection, comparison: ComparisonMode): Selection {
  return withRange({ ...selection, comparison }, selection.range);
}

/** Another zone: a preset is computed again in it (its "today" may be another day); a custom range stays. */
export function chooseZone(selection: Selection, zone: string | undefined, storeZone: string, now: Date): Selection {
  const next = { ...selection, zone: zone === storeZone ? undefined : zone };
  if (next.preset === "custom") return next;
  return withRange(next, presetRange(next.preset, todayIn(next.zone ?? storeZone, now)));
}

function withRange(selection: Omit<Selection, "range" | "comparisonRange">, range: DateRange): Selection {
  return { ...selection, range, comparisonRange: comparisonRange(range, selection.comparison) };
}
