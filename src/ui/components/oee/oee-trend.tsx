// OEE and its factors per time bucket (uPlot, plant clock). ISO 22400-2 and Nakajima agree on OEE;
// their availability and performance differ by where minor stops go, so both are drawn (Nakajima dashed).
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { OeeLosses } from '../../api-types.js';
import { formatDateTime, plantTimeZone } from '../../time.js';
import { mountPlot, timeLabels } from '../trend-chart.js';

interface Props {
  trend: OeeLosses['trend'];
  from: number;
  to: number;
  height?: number;
}

type Bucket = OeeLosses['trend'][number];

const LINES: Array<{ label: string; colour: string; dash?: number[]; width?: number; pick(b: Bucket): number | null | undefined }> = [
  { label: 'OEE', colour: '#1d2329', width: 2.4, pick: (b) => b.iso?.oee },
  { label: 'Availability (ISO)', colour: '#2f9e55', pick: (b) => b.iso?.availability },
  { label: 'Availability (Nakajima)', colour: '#2f9e55', dash: [5, 4], pick: (b) => b.nakajima?.availability },
  { label: 'Effectiveness (ISO)', colour: '#2f78d0', pick: (b) => b.iso?.effectiveness },
  { label: 'Performance (Nakajima)', colour: '#2f78d0', dash: [5, 4], pick: (b) => b.nakajima?.performance },
  { label: 'Quality', colour: '#9c4dc4', pick: (b) => b.iso?.qualityRatio },
];

/**
 * The axis stops here: effectiveness over a short bucket can exceed 100 % (units finished in it were
 * started in the one before); the legend still shows the value.
 */
const MAX_PERCENT = 120;

function percent(v: number | null | undefined): number | null {
  return v === null || v === undefined ? null : v * 100;
}

export function OeeTrend({ trend, from, to, height = 260 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // Each bucket is plotted at its middle; buckets without planned busy time are gaps.
  const data = useMemo<uPlot.AlignedData>(() => {
    const rows = trend.filter((b) => b.pbtMs > 0);
    return [rows.map((b) => (b.from + b.to) / 2), ...LINES.map((l) => rows.map((b) => percent(l.pick(b))))];
  }, [trend]);

  useEffect(() => {
    const el = box.current!;
    const zone = plantTimeZone();
    const options: uPlot.Options = {
      width: el.clientWidth || 600,
      height,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), zone),
      scales: { x: { time: true, min: from, max: to }, y: { range: (_u, _min, max) => [0, Math.min(MAX_PERCENT, Math.max(100, Math.ceil((max ?? 100) / 10) * 10))] } },
      axes: [
        { stroke: '#56606b', grid: { stroke: '#e6e9ed', width: 1 }, ticks: { stroke: '#d5dae0', width: 1 }, values: timeLabels, size: 46, space: 70 },
        { stroke: '#56606b', grid: { stroke: '#e6e9ed', width: 1 }, ticks: { stroke: '#d5dae0', width: 1 }, values: (_u, splits) => splits.map((v) => `${v} %`), size: 60 },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'Bucket', value: (_u, v) => (v === null || v === undefined ? '—' : formatDateTime(v)) },
        ...LINES.map((l): uPlot.Series => ({
          label: l.label,
          stroke: l.colour,
          width: l.width ?? 1.5,
          dash: l.dash,
          spanGaps: false,
          points: { show: true, size: 4 },
          value: (_u, v) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} %`),
        })),
      ],
    };
    return mountPlot(el, options, data, plot);
  }, [height]);

  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    chart.batch(() => {
      chart.setData(data, false);
      chart.setScale('x', { min: from, max: to });
    });
  }, [data, from, to]);

  return <div class="trend-chart oee-trend" ref={box} data-points={data[0].length} />;
}
