import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import type { AlignedSeries } from "../lib/align";

/**
 * A uPlot line chart of one or two aligned series, loaded on first use (uPlot stays out of the first view's
 * JavaScript). The text summary is the figure's caption and its accessible name: the canvas itself says nothing to a
 * screen reader.
 */
export interface LineChartProps {
  testId: string;
  series: AlignedSeries;
  names: { current: string; comparison?: string };
  /** The legend's text for a series at a position: the figure as the API gave it, not the plotted number. */
  legend: (series: "current" | "comparison", index: number) => string;
  /** An axis tick (a plotted number, between figures) as the y axis shows it. */
  formatTick: (value: number) => string;
  /** The x axis's label at a position, when shorter than the series' own (an hour's time without its date). */
  xTick?: (index: number) => string;
  summary: string;
  height?: number;
}

const INTEGER_STEPS = [1, 2, 3, 5, 10, 15, 20, 30, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export function LineChart(props: LineChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let chart: uPlot | undefined;
    let observer: ResizeObserver | undefined;
    let cancelled = false;
    Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")])
      .then(([{ default: UPlot }]) => {
        const element = box.current;
        if (cancelled || !element) return;
        chart = new UPlot(chartOptions(props, element.clientWidth), chartData(props), element);
        observer = new ResizeObserver(() =>
          chart?.setSize({ width: element.clientWidth, height: props.height ?? 260 }),
        );
        observer.observe(element);
      })
      .catch(() => setFailed(true));
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [props.series, props.summary]);
  return (
    <figure class="chart" data-testid={props.testId}>
      <div ref={box} class="chart-canvas" role="img" aria-label={props.summary} />
      <figcaption class="chart-summary">
        {failed ? `The chart could not load. ${props.summary}` : props.summary}
      </figcaption>
    </figure>
  );
}

function chartData(props: LineChartProps): uPlot.AlignedData {
  const { positions, current, comparison } = props.series;
  return props.names.comparison ? [positions, current, comparison] : [positions, current];
}

function chartOptions(props: LineChartProps, width: number): uPlot.Options {
  const { labels } = props.series;
  const label = (index: number | null | undefined) => (index === null || index === undefined ? "" : labels[index]);
  const xTick = (index: number) => props.xTick?.(index) ?? label(index);
  const legend =
    (series: "current" | "comparison") =>
    (_chart: uPlot, amount: number | null, _series: number, index: number | null): string =>
      amount === null || index === null ? "—" : props.legend(series, index);
  const series: uPlot.Series[] = [
    { label: "Period", value: (_chart, index) => label(index) },
    { label: props.names.current, stroke: "#1d5fbf", width: 2, points: { size: 5 }, value: legend("current") },
  ];
  if (props.names.comparison)
    series.push({
      label: props.names.comparison,
      stroke: "#6b7280",
      width: 2,
      dash: [6, 4],
      points: { show: false },
      value: legend("comparison"),
    });
  return {
    width: Math.max(width, 200),
    height: props.height ?? 260,
    scales: { x: { time: false } },
    series,
    axes: [
      {
        space: tickSpace(labels.map((_, index) => xTick(index))),
        incrs: INTEGER_STEPS,
        values: (_chart, splits) => splits.map((split) => (Number.isInteger(split) ? xTick(split) : "")),
      },
      { size: 80, values: (_chart, splits) => splits.map((split) => props.formatTick(split)) },
    ],
    cursor: { points: { size: 6 } },
  };
}

/** Room per x tick: the longest label at about 7 px a character, so neighbouring labels never overlap. */
function tickSpace(ticks: string[]): number {
  return Math.max(60, Math.max(0, ...ticks.map((tick) => tick.length)) * 7 + 16);
}
