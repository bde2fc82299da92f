import { delta, isGood } from "../lib/deltas";
import type { Formatters } from "../lib/format";

/** One headline figure with its change against the comparison period. */
export interface CardFigure {
  key: string;
  label: string;
  value: string | number;
  previous?: string | number;
  kind: "money" | "count";
  /** More is better (sales), or worse (returns): colours the change. */
  higherIsBetter: boolean;
}

export function Cards(props: { figures: CardFigure[]; format: Formatters; comparisonName?: string; testId: string }) {
  const { format } = props;
  return (
    <ul class="cards" data-testid={props.testId}>
      {props.figures.map((figure) => {
        const change = figure.previous === undefined ? undefined : delta(figure.value, figure.previous);
        const good = change && isGood(change, figure.higherIsBetter);
        const show = (value: string | number) =>
          figure.kind === "money" ? format.money(String(value)) : format.count(Number(value));
        return (
          <li key={figure.key} class="card">
            <span class="card-label">{figure.label}</span>
            <span class="card-value" data-testid={`card-${figure.key}-value`}>
              {show(figure.value)}
            </span>
            {change && figure.previous !== undefined && (
              <span
                class={`card-delta ${good === undefined ? "" : good ? "good" : "bad"}`}
                data-testid={`card-${figure.key}-delta`}
                title={`${props.comparisonName ?? "Comparison"}: ${show(figure.previous)}`}
              >
                {format.change(change)}
                <span class="visually-hidden">
                  {" "}
                  against {show(figure.previous)} in the {props.comparisonName?.toLowerCase() ?? "comparison period"}
                </span>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
