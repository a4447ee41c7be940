// Capability indices with the spec they were computed against; Cpk below 1.33 is marked.
import type { SpcCapability } from '../../api-types.js';
import { formatNumber } from '../../format.js';

const INDICES: Array<{ key: 'cp' | 'cpk' | 'pp' | 'ppk' | 'cpm'; label: string; title: string }> = [
  { key: 'cp', label: 'Cp', title: '(USL − LSL) / 6σ within' },
  { key: 'cpk', label: 'Cpk', title: 'min(USL − μ, μ − LSL) / 3σ within' },
  { key: 'pp', label: 'Pp', title: '(USL − LSL) / 6σ overall' },
  { key: 'ppk', label: 'Ppk', title: 'min(USL − μ, μ − LSL) / 3σ overall' },
  { key: 'cpm', label: 'Cpm', title: '(USL − LSL) / 6√(σ² + (μ − T)²)' },
];

function toneOf(value: number | null): string {
  if (value === null) return '';
  return value >= 1.33 ? 'tone-ok' : value >= 1 ? 'tone-warn' : 'tone-bad';
}

/** Enough digits to compare with the API: 1.7032. */
export function formatIndex(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

export function CapabilitySummary({ capability }: { capability: SpcCapability }) {
  return (
    <div class="capability">
      <div class="capability-indices">
        {INDICES.map((i) => (
          <div key={i.key} class={`capability-index ${toneOf(capability[i.key])}`} data-index={i.key} data-value={capability[i.key] ?? ''} title={i.title}>
            <span class="capability-name">{i.label}</span>
            <b>{formatIndex(capability[i.key])}</b>
          </div>
        ))}
      </div>
      <dl class="capability-facts">
        <div>
          <dt>LSL</dt>
          <dd>{capability.lsl === null ? '—' : formatNumber(capability.lsl)}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>{capability.target === null ? '—' : formatNumber(capability.target)}</dd>
        </div>
        <div>
          <dt>USL</dt>
          <dd>{capability.usl === null ? '—' : formatNumber(capability.usl)}</dd>
        </div>
        <div>
          <dt>Mean</dt>
          <dd>{formatNumber(capability.mean)}</dd>
        </div>
        <div>
          <dt>σ within</dt>
          <dd>{formatNumber(capability.sigmaWithin)}</dd>
        </div>
        <div>
          <dt>σ overall</dt>
          <dd>{formatNumber(capability.sigmaOverall)}</dd>
        </div>
      </dl>
    </div>
  );
}
