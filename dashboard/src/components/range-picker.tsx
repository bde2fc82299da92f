import { useState } from "preact/hooks";
import { isLocalDate } from "../lib/local-date";
import { COMPARISONS, customRangeProblem, PRESETS, type ComparisonMode, type PresetId } from "../lib/ranges";
import type { Formatters } from "../lib/format";
import { isKnownZone, knownZones } from "../lib/zone";
import type { Selection } from "../lib/selection";

/**
 * The range, the comparison and the zone of every range report. Presets are recomputed in the chosen zone; editing a
 * date switches to Custom. The zone is the store's until the reader types another IANA name.
 */
export function RangePicker(props: {
  selection: Selection;
  storeZone: string;
  format: Formatters;
  onPreset: (preset: PresetId) => void;
  onCustom: (from: string, to: string) => void;
  onComparison: (mode: ComparisonMode) => void;
  onZone: (zone: string | undefined) => void;
}) {
  const { selection, format } = props;
  const [zoneText, setZoneText] = useState(selection.zone ?? "");
  const [zoneProblem, setZoneProblem] = useState<string>();
  const [dateProblem, setDateProblem] = useState<string>();

  const changeDate = (which: "from" | "to", value: string) => {
    const next = { ...selection.range, [which]: value };
    if (!isLocalDate(next.from) || !isLocalDate(next.to)) return setDateProblem("Enter both dates.");
    const problem = customRangeProblem(next);
    setDateProblem(problem);
    if (!problem) props.onCustom(next.from, next.to);
  };
  const applyZone = () => {
    const zone = zoneText.trim();
    if (zone === "") {
      setZoneProblem(undefined);
      return props.onZone(undefined);
    }
    if (!isKnownZone(zone))
      return setZoneProblem(`"${zone}" is not a time zone this browser knows (e.g. Europe/Berlin).`);
    setZoneProblem(undefined);
    props.onZone(zone);
  };
  const compared = selection.comparisonRange;

  return (
    <form class="range-picker" aria-label="Date range" onSubmit={(event) => (event.preventDefault(), applyZone())}>
      <label>
        Range
        <select
          data-testid="range-preset"
          value={selection.preset}
          onChange={(event) => props.onPreset(event.currentTarget.value as PresetId)}
        >
          {PRESETS.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input
          type="date"
          data-testid="range-from"
          value={selection.range.from}
          max={selection.range.to}
          required
          onChange={(event) => changeDate("from", event.currentTarget.value)}
        />
      </label>
      <label>
        To
        <input
          type="date"
          data-testid="range-to"
          value={selection.range.to}
          min={selection.range.from}
          required
          onChange={(event) => changeDate("to", event.currentTarget.value)}
        />
      </label>
      <label>
        Compare with
        <select
          data-testid="range-compare"
          value={selection.comparison}
          onChange={(event) => props.onComparison(event.currentTarget.value as ComparisonMode)}
        >
          {COMPARISONS.map((comparison) => (
            <option key={comparison.id} value={comparison.id}>
              {comparison.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Time zone
        <input
          data-testid="range-zone"
          list="known-zones"
          value={zoneText}
          placeholder={`Store's: ${props.storeZone}`}
          aria-describedby="zone-hint"
          onInput={(event) => setZoneText(event.currentTarget.value)}
          onChange={applyZone}
        />
        <datalist id="known-zones">
          {knownZones().map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </label>
      <p id="zone-hint" class="hint" data-testid="range-summary">
        {format.date(selection.range.from)} – {format.date(selection.range.to)} in {selection.zone ?? props.storeZone}
        {selection.zone ? "" : " (the store's zone)"}
        {compared ? `; compared with ${format.date(compared.from)} – ${format.date(compared.to)}` : ""}
      </p>
      {(dateProblem || zoneProblem) && (
        <p class="field-error" role="alert" data-testid="range-error">
          {dateProblem ?? zoneProblem}
        </p>
      )}
    </form>
  );
}
