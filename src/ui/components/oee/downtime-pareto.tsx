// Pareto of downtime reasons: bars of lost time, largest first, and the cumulative share as a line
// (the few reasons that make up 80 % of the loss stand out).
import type { DowntimeReason } from '../../api-types.js';
import { paretoBars } from '../../oee-figures.js';
import { stateStyle } from '../../states.js';
import { formatDuration } from '../../time.js';
import { useWidth } from '../../use-width.js';

interface Props {
  reasons: DowntimeReason[];
}

const HEIGHT = 250;
const PAD = { top: 14, right: 44, bottom: 46, left: 58 };

/** A step for the time axis that gives about four ticks. */
function timeStep(max: number): number {
  const steps = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 4 * 3_600_000, 8 * 3_600_000, 12 * 3_600_000, 86_400_000];
  return steps.find((s) => max / s <= 5) ?? 86_400_000 * Math.ceil(max / 86_400_000 / 5);
}

export function DowntimePareto({ reasons }: Props) {
  const [box, width] = useWidth<HTMLDivElement>();
  const bars = paretoBars(reasons);
  if (bars.length === 0) return <p class="empty">No downtime in planned time over this range.</p>;
  const plotW = Math.max(120, width - PAD.left - PAD.right);
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = timeStep(bars[0].ms);
  const max = Math.max(step, Math.ceil(bars[0].ms / step) * step);
  const slot = plotW / bars.length;
  const barW = Math.min(64, slot * 0.62);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const y = (ms: number) => PAD.top + plotH - (ms / max) * plotH;
  const yPct = (f: number) => PAD.top + plotH - f * plotH;
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  const line = bars.map((b, i) => `${i === 0 ? 'M' : 'L'} ${x(i).toFixed(1)} ${yPct(b.cumulative).toFixed(1)}`).join(' ');
  // Long names get shortened to what fits under their bar.
  const maxChars = Math.max(4, Math.floor(slot / 6.6));
  return (
    <div class="pareto" ref={box}>
      <svg width={width} height={HEIGHT} role="img" aria-label="Pareto of downtime reasons">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={PAD.left} x2={PAD.left + plotW} y1={y(t)} y2={y(t)} class="grid" />
            <text x={PAD.left - 6} y={y(t) + 4} class="axis" text-anchor="end">
              {t === 0 ? '0' : formatDuration(t)}
            </text>
          </g>
        ))}
        {[0, 0.5, 0.8, 1].map((f) => (
          <text key={f} x={PAD.left + plotW + 6} y={yPct(f) + 4} class={`axis${f === 0.8 ? ' strong' : ''}`}>
            {Math.round(f * 100)}%
          </text>
        ))}
        <line x1={PAD.left} x2={PAD.left + plotW} y1={yPct(0.8)} y2={yPct(0.8)} class="eighty" />
        {bars.map((b, i) => (
          <g key={b.label} class="pareto-bar" data-ms={b.ms} data-reason={b.label}>
            <title>{`${b.label}: ${formatDuration(b.ms)} in ${b.stops} stop${b.stops === 1 ? '' : 's'} (cumulative ${(b.cumulative * 100).toFixed(1)} %)`}</title>
            <rect x={x(i) - barW / 2} y={y(b.ms)} width={barW} height={Math.max(1, PAD.top + plotH - y(b.ms))} fill={b.category === 'other' ? '#929ba5' : stateStyle(b.category).colour} rx="2" />
            <text x={x(i)} y={PAD.top + plotH + 16} class="label" text-anchor="middle">
              {b.label.length > maxChars ? `${b.label.slice(0, maxChars - 1)}…` : b.label}
            </text>
            <text x={x(i)} y={PAD.top + plotH + 31} class="axis" text-anchor="middle">
              {formatDuration(b.ms)}
            </text>
          </g>
        ))}
        <path d={line} class="cumulative" />
        {bars.map((b, i) => (
          <circle key={b.label} cx={x(i)} cy={yPct(b.cumulative)} r="3.5" class="cumulative-dot" />
        ))}
      </svg>
    </div>
  );
}
