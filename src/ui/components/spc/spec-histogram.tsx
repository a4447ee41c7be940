// Histogram of individual values against the specification limits, with the normal curve of the
// overall mean and sigma: how much of the distribution the spec leaves room for.
import { formatNumber } from '../../format.js';
import { useWidth } from '../../use-width.js';

interface Props {
  values: number[];
  lsl?: number;
  usl?: number;
  target?: number;
  height?: number;
}

const PAD = { top: 16, right: 14, bottom: 24, left: 14 };

export function SpecHistogram({ values, lsl, usl, target, height = 200 }: Props) {
  const [box, width] = useWidth<HTMLDivElement>(320);
  if (values.length < 2) return <p class="empty">Not enough values for a histogram.</p>;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  const marks = [lsl, usl, target].filter((v): v is number => v !== undefined);
  let lo = Math.min(...values, ...marks);
  let hi = Math.max(...values, ...marks);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  // Square-root rule, between 8 and 40 bins.
  const bins = Math.min(40, Math.max(8, Math.round(Math.sqrt(values.length))));
  const binW = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / binW))]++;
  const plotW = Math.max(80, width - PAD.left - PAD.right);
  const plotH = height - PAD.top - PAD.bottom;
  const density = (v: number) => (sd > 0 ? (values.length * binW * Math.exp(-0.5 * ((v - mean) / sd) ** 2)) / (sd * Math.sqrt(2 * Math.PI)) : 0);
  const top = Math.max(...counts, density(mean)) * 1.08;
  const x = (v: number) => PAD.left + ((v - lo) / (hi - lo)) * plotW;
  const y = (c: number) => PAD.top + plotH - (c / top) * plotH;
  const curve = Array.from({ length: 81 }, (_, i) => lo + ((hi - lo) * i) / 80).map((v, i) => `${i === 0 ? 'M' : 'L'} ${x(v).toFixed(1)} ${y(density(v)).toFixed(1)}`);
  const outside = values.filter((v) => (lsl !== undefined && v < lsl) || (usl !== undefined && v > usl)).length;
  const specs: Array<{ v: number | undefined; label: string; cls: string }> = [
    { v: lsl, label: 'LSL', cls: 'spec' },
    { v: target, label: 'T', cls: 'target' },
    { v: usl, label: 'USL', cls: 'spec' },
  ];
  return (
    <div class="histogram" ref={box} data-bins={bins}>
      <svg width={width} height={height} role="img" aria-label="Histogram against the specification">
        {counts.map((c, i) => (
          <rect key={i} x={x(lo + i * binW) + 0.5} y={y(c)} width={Math.max(0.5, (plotW / bins) - 1)} height={PAD.top + plotH - y(c)} class="bin" />
        ))}
        <path d={curve.join(' ')} class="normal-curve" />
        {specs.map((s) =>
          s.v === undefined ? null : (
            <g key={s.label} class={`spec-line ${s.cls}`}>
              <line x1={x(s.v)} x2={x(s.v)} y1={PAD.top} y2={PAD.top + plotH} />
              <text x={x(s.v)} y={PAD.top - 4} text-anchor="middle">
                {s.label}
              </text>
            </g>
          ),
        )}
        <line x1={PAD.left} x2={PAD.left + plotW} y1={PAD.top + plotH} y2={PAD.top + plotH} class="baseline" />
        <text x={PAD.left} y={height - 6} class="axis">
          {formatNumber(lo)}
        </text>
        <text x={PAD.left + plotW} y={height - 6} class="axis" text-anchor="end">
          {formatNumber(hi)}
        </text>
      </svg>
      <p class="muted small">
        {values.length} values · {outside} outside the specification
      </p>
    </div>
  );
}
