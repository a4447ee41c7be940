// A uPlot time chart of one or more tags, one y scale per unit, times on the plant's clock.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TagInfo } from '../api-types.js';
import { formatNumber, formatUnit, tagLabel } from '../format.js';
import { formatDateTime, formatDay, formatTime, plantTimeZone } from '../time.js';

export interface TrendSeries {
  tag: TagInfo;
  colour: string;
  /** Sorted by time. */
  points: Array<[number, number | null]>;
}

interface Props {
  series: TrendSeries[];
  from: number;
  to: number;
  height?: number;
}

/** Merges the series onto one shared, sorted time axis (uPlot's data layout); gaps are null. */
function align(series: TrendSeries[]): uPlot.AlignedData {
  if (series.length === 1) {
    const pts = series[0].points;
    return [pts.map((p) => p[0]), pts.map((p) => p[1])];
  }
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const column: Array<number | null> = new Array(times.length).fill(null);
    for (const [t, v] of s.points) column[index.get(t)!] = v;
    return column;
  });
  return [times, ...columns];
}

/**
 * Draws a uPlot chart into `el`, follows the element's width, and keeps it in `plot`.
 * Returns the clean-up for the effect that mounted it.
 */
export function mountPlot(el: HTMLElement, options: uPlot.Options, data: uPlot.AlignedData, plot: { current: uPlot | null }): () => void {
  const chart = new uPlot(options, data, el);
  plot.current = chart;
  const observer = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: options.height }));
  observer.observe(el);
  return () => {
    observer.disconnect();
    chart.destroy();
    plot.current = null;
  };
}

/** Time axis labels on the plant clock: `14:05`, `14:05:30`; the date under the first label of each day. */
export function timeLabels(_u: uPlot, splits: number[], _axis: number, _space: number, incr: number): string[] {
  let lastDay = '';
  return splits.map((t) => {
    const day = formatDay(t);
    if (incr >= 86_400_000) return day;
    const time = incr < 60_000 ? formatTime(t) : formatTime(t).slice(0, 5);
    const label = day !== lastDay ? `${time}\n${day}` : time;
    lastDay = day;
    return label;
  });
}

/** Axis labels for state codes: the state's name at whole codes. */
function stateLabels(states: Record<string, string>) {
  return (_u: uPlot, splits: number[]) => splits.map((v) => (Number.isInteger(v) ? (states[String(v)] ?? String(v)) : ''));
}

function scaleKey(tag: TagInfo): string {
  return tag.type === 'boolean' ? 'bool' : tag.unit ? `u:${tag.unit}` : `t:${tag.path}`;
}

function buildOptions(series: TrendSeries[], width: number, height: number, from: number, to: number): uPlot.Options {
  const zone = plantTimeZone();
  const scales: uPlot.Scales = { x: { time: true, min: from, max: to } };
  const axes: uPlot.Axis[] = [
    { stroke: '#56606b', grid: { stroke: '#e6e9ed', width: 1 }, ticks: { stroke: '#d5dae0', width: 1 }, values: timeLabels, size: 46, space: 70 },
  ];
  const keys: string[] = [];
  for (const s of series) {
    const key = scaleKey(s.tag);
    if (keys.includes(key)) continue;
    keys.push(key);
    scales[key] = key === 'bool' ? { range: [-0.05, 1.05] } : {};
    const states = s.tag.states;
    const side = keys.length === 1 ? 3 : 1;
    const unit = formatUnit(s.tag.unit);
    axes.push({
      scale: key,
      side,
      show: keys.length <= 2,
      stroke: keys.length === 1 && series.length === 1 ? '#56606b' : s.colour,
      grid: { show: keys.length === 1, stroke: '#e6e9ed', width: 1 },
      ticks: { stroke: '#d5dae0', width: 1 },
      label: unit || undefined,
      labelSize: 18,
      size: states ? 96 : 60,
      values: states
        ? stateLabels(states)
        : (_u, splits) => splits.map((v) => (key === 'bool' ? (v === 1 ? 'on' : v === 0 ? 'off' : '') : formatNumber(v))),
    });
  }
  return {
    width,
    height,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), zone),
    scales,
    axes,
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
    series: [
      { label: 'Time', value: (_u, v) => (v === null || v === undefined ? '—' : formatDateTime(v)) },
      ...series.map((s): uPlot.Series => {
        const stepped = s.tag.type === 'boolean' || !!s.tag.states;
        const unit = formatUnit(s.tag.unit);
        return {
          label: tagLabel(s.tag.name),
          scale: scaleKey(s.tag),
          stroke: s.colour,
          width: 1.6,
          fill: series.length === 1 ? `${s.colour}14` : undefined,
          spanGaps: true,
          points: { show: false },
          paths: stepped ? uPlot.paths.stepped!({ align: 1 }) : undefined,
          value: (_u, v) => {
            if (v === null || v === undefined) return '—';
            if (s.tag.states) return s.tag.states[String(v)] ?? String(v);
            return `${formatNumber(v)}${unit ? ` ${unit}` : ''}`;
          },
        };
      }),
    ],
  };
}

export function TrendChart({ series, from, to, height = 320 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Set while the user has zoomed in (drag to zoom, double-click to reset): live updates keep the zoom.
  const zoomed = useRef(false);
  const range = useRef({ from, to });
  range.current = { from, to };
  const data = useMemo(() => align(series), [series]);
  // Rebuild the chart when the set of series changes; otherwise only swap data.
  const shape = series.map((s) => `${s.tag.path}|${s.colour}`).join(',');

  useEffect(() => {
    const el = box.current!;
    const options = buildOptions(series, el.clientWidth || 600, height, from, to);
    options.hooks = {
      setSelect: [() => (zoomed.current = true)],
      ready: [
        (u) =>
          u.over.addEventListener('dblclick', () => {
            zoomed.current = false;
            u.setScale('x', { min: range.current.from, max: range.current.to });
          }),
      ],
    };
    zoomed.current = false;
    return mountPlot(el, options, data, plot);
  }, [shape, height]);

  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    chart.batch(() => {
      chart.setData(data, false);
      if (!zoomed.current) chart.setScale('x', { min: from, max: to });
    });
  }, [data, from, to]);

  const count = series.reduce((n, s) => n + s.points.length, 0);
  return <div class="trend-chart" ref={box} data-points={count} data-series={series.length} />;
}
