// One control chart (location or dispersion) in SVG: points, centre line, control limits, faint
// zone lines at 1 and 2 sigma, the phase I / phase II boundary, and a marker per rule violation.
import type { SpcLineLimits, SpcViolation } from '../../api-types.js';
import { niceTicks } from '../../chart-scale.js';
import { formatNumber } from '../../format.js';
import { formatDateTime } from '../../time.js';
import { useWidth } from '../../use-width.js';
import { ruleLabel } from '../../spc-rules.js';
import { RuleMarker } from './rule-marker.js';

export interface ChartPoint {
  index: number;
  value: number | null;
  ts?: number;
}

interface Props {
  title: string;
  points: ChartPoint[];
  limits: SpcLineLimits;
  violations: SpcViolation[];
  /** Draw zone lines (location chart only: the rules' zones). */
  zones?: boolean;
  /** Points before this index estimated the limits. */
  phaseISize: number;
  height?: number;
}

const PAD = { top: 12, right: 92, bottom: 26, left: 62 };
/** Points drawn as dots when there are at most this many. */
const DOTS_UP_TO = 600;

/** Label positions at least `gap` px apart, kept in order (limit labels close together stay readable). */
function spread(ys: number[], gap: number): number[] {
  const out = [...ys];
  for (let i = 1; i < out.length; i++) if (out[i] - out[i - 1] < gap) out[i] = out[i - 1] + gap;
  return out;
}

/** Rules in the order their markers take precedence on one point: beyond the limits first. */
function precedence(rule: string): number {
  const number = Number(rule.split('-')[1]);
  return rule.startsWith('we-') ? [0, 1, 5, 6, 2][number] ?? 9 : number;
}

export function ControlChart({ title, points, limits, violations, zones = false, phaseISize, height = 260 }: Props) {
  const [box, width] = useWidth<HTMLDivElement>();
  const plotW = Math.max(100, width - PAD.left - PAD.right);
  const plotH = height - PAD.top - PAD.bottom;
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const lo = Math.min(limits.lower, ...values);
  const hi = Math.max(limits.upper, ...values);
  const margin = (hi - lo || Math.abs(hi) || 1) * 0.08;
  const min = lo - margin;
  const max = hi + margin;
  const count = Math.max(2, points.length);
  const x = (i: number) => PAD.left + (plotW * i) / (count - 1);
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min)) * plotH;

  const path: string[] = [];
  let pen = false;
  for (const p of points) {
    if (p.value === null) {
      pen = false;
      continue;
    }
    path.push(`${pen ? 'L' : 'M'} ${x(p.index).toFixed(1)} ${y(p.value).toFixed(1)}`);
    pen = true;
  }
  // One marker per flagged point, for the rule that takes precedence; its tooltip names them all.
  const byPoint = new Map<number, SpcViolation[]>();
  for (const v of violations) byPoint.set(v.index, [...(byPoint.get(v.index) ?? []), v]);
  const markers = [...byPoint.values()].map((list) => list.sort((a, b) => precedence(a.rule) - precedence(b.rule)));
  const flagged = new Set(byPoint.keys());
  const markerR = markers.length > 150 ? 3.5 : 5;
  const xTicks = Math.min(points.length, Math.max(2, Math.floor(plotW / 70)));
  const lines: Array<{ value: number; label: string; cls: string }> = [
    { value: limits.upper, label: `UCL ${formatNumber(limits.upper)}`, cls: 'ucl' },
    { value: limits.center, label: `CL ${formatNumber(limits.center)}`, cls: 'cl' },
    { value: limits.lower, label: `LCL ${formatNumber(limits.lower)}`, cls: 'lcl' },
  ];
  const labelYs = spread(lines.map((l) => y(l.value) + 4), 12);
  const zoneLines = zones ? [-2, -1, 1, 2].map((k) => limits.center + k * limits.sigma).filter((v) => v > min && v < max) : [];

  return (
    <div class="control-chart" ref={box} data-points={points.length} data-violations={violations.length}>
      <svg width={width} height={height} role="img" aria-label={title}>
        <text x={PAD.left} y={10} class="chart-title">
          {title}
        </text>
        {phaseISize > 0 && phaseISize < points.length && (
          <g class="phase">
            <rect x={x(phaseISize - 0.5)} y={PAD.top} width={Math.max(0, PAD.left + plotW - x(phaseISize - 0.5))} height={plotH} />
            <text x={x(phaseISize - 0.5) + 4} y={PAD.top + 12} class="axis">
              phase II
            </text>
          </g>
        )}
        {zoneLines.map((v) => (
          <line key={v} x1={PAD.left} x2={PAD.left + plotW} y1={y(v)} y2={y(v)} class="zone-line" />
        ))}
        {lines.map((l, i) => (
          <g key={l.cls} class={`limit-line ${l.cls}`} data-value={l.value}>
            <line x1={PAD.left} x2={PAD.left + plotW} y1={y(l.value)} y2={y(l.value)} />
            <text x={PAD.left + plotW + 6} y={labelYs[i]}>
              {l.label}
            </text>
          </g>
        ))}
        {niceTicks(min, max, Math.max(2, Math.floor(plotH / 40))).map((v) => (
          <text key={v} x={PAD.left - 6} y={y(v) + 4} class="axis" text-anchor="end">
            {formatNumber(v)}
          </text>
        ))}
        {Array.from({ length: xTicks }, (_, k) => Math.round(((points.length - 1) * k) / Math.max(1, xTicks - 1))).map((i) => (
          <text key={i} x={x(i)} y={height - 8} class="axis" text-anchor="middle">
            {i + 1}
          </text>
        ))}
        <path d={path.join(' ')} class="series" />
        {points.map((p) =>
          // Past a few hundred points dots only clutter the line: flagged points keep theirs.
          p.value === null || (points.length > DOTS_UP_TO && !flagged.has(p.index)) ? null : (
            <circle key={p.index} cx={x(p.index)} cy={y(p.value)} r={flagged.has(p.index) ? 3.2 : 2.4} class={flagged.has(p.index) ? 'point flagged' : 'point'}>
              <title>{`#${p.index + 1}${p.ts ? ` · ${formatDateTime(p.ts)}` : ''}: ${formatNumber(p.value)}`}</title>
            </circle>
          ),
        )}
        {markers.map(([first, ...others]) => (
          <g key={first.index} class="violation" data-index={first.index} data-rules={[first, ...others].map((v) => v.rule).join(' ')}>
            <title>{[`Point ${first.index + 1}`, ...[first, ...others].map((v) => `${ruleLabel(v.rule)}: ${v.ruleName}`)].join('\n')}</title>
            <RuleMarker rule={first.rule} x={x(first.index)} y={y(first.value) + (first.value >= limits.center ? -1 : 1) * (markerR + 6)} r={markerR} />
          </g>
        ))}
      </svg>
    </div>
  );
}
