// The six big losses as a horizontal waterfall: from planned operation time, each loss takes its
// share off, down to the time the good parts would take at the ideal rate. Subtotals follow
// Nakajima's time model (loading, operating, net operating, valuable operating time).
import type { OeeReport } from '../../api-types.js';
import { formatMachineTime } from '../../oee-figures.js';

interface Props {
  waterfall: OeeReport['waterfall'];
}

const LOSSES: Record<string, { label: string; colour: string; after?: string }> = {
  planned_downtime: { label: 'Planned downtime', colour: '#929ba5', after: 'Loading time' },
  no_order: { label: 'No order (idle)', colour: '#e2a616' },
  breakdowns: { label: 'Breakdowns, offline', colour: '#d23c3c' },
  setup_adjustment: { label: 'Setup & adjustment', colour: '#2f78d0', after: 'Operating time' },
  minor_stops: { label: 'Minor stops', colour: '#ee7a1f' },
  reduced_speed: { label: 'Reduced speed', colour: '#b07d12', after: 'Net operating time' },
  startup_rejects: { label: 'Start-up rejects', colour: '#9c4dc4' },
  production_rejects: { label: 'Production rejects', colour: '#7b3fa0' },
};

interface Row {
  kind: 'total' | 'loss';
  label: string;
  /** The bar spans [from, to] in ms of the axis. */
  from: number;
  to: number;
  ms: number;
  colour: string;
}

function rows(waterfall: OeeReport['waterfall']): Row[] {
  const out: Row[] = [{ kind: 'total', label: 'Planned operation time', from: 0, to: waterfall.startMs, ms: waterfall.startMs, colour: '#4a545e' }];
  let left = waterfall.startMs;
  for (const step of waterfall.steps) {
    const meta = LOSSES[step.loss] ?? { label: step.loss, colour: '#6b7682' };
    const next = left - step.ms;
    out.push({ kind: 'loss', label: meta.label, from: Math.min(left, next), to: Math.max(left, next), ms: step.ms, colour: step.ms < 0 ? '#2f9e55' : meta.colour });
    left = next;
    if (meta.after) out.push({ kind: 'total', label: meta.after, from: 0, to: left, ms: left, colour: '#8a96a3' });
  }
  out.push({ kind: 'total', label: 'Good-parts time', from: 0, to: waterfall.goodMs, ms: waterfall.goodMs, colour: '#2f9e55' });
  return out;
}

export function LossWaterfall({ waterfall }: Props) {
  const all = rows(waterfall);
  const max = Math.max(1, ...all.map((r) => r.to));
  const pct = (ms: number) => `${Math.max(0, (ms / max) * 100)}%`;
  return (
    <div class="waterfall" role="table" aria-label="Loss waterfall">
      {all.map((r) => (
        <div class={`waterfall-row ${r.kind}`} role="row" key={r.label} data-loss={r.kind === 'loss' ? r.label : undefined} data-ms={r.ms}>
          <span class="waterfall-label" role="cell">
            {r.label}
          </span>
          <span class="waterfall-track" role="cell">
            {r.to > r.from && <i class="waterfall-bar" style={{ left: pct(r.from), width: pct(r.to - r.from), background: r.colour }} />}
          </span>
          <span class="waterfall-value" role="cell">
            {r.kind === 'loss' ? (r.ms < 0 ? `+${formatMachineTime(r.ms)}` : r.ms === 0 ? '0' : `−${formatMachineTime(r.ms)}`) : formatMachineTime(r.ms)}
          </span>
          <span class="waterfall-share" role="cell">
            {waterfall.startMs > 0 && r.ms !== 0 ? `${((r.ms / waterfall.startMs) * 100).toFixed(1)} %` : ''}
          </span>
        </div>
      ))}
    </div>
  );
}
