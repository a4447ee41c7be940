// A half-circle gauge for one OEE ratio: the arc fills to the value, coloured against the usual
// targets (OEE 85 % world class, 60 % typical; its factors 90 % / 75 %).
import { formatPercent } from '../../format.js';

interface Props {
  label: string;
  value: number | null;
  /** OEE itself has lower targets than its factors. */
  kind?: 'oee' | 'factor';
  title?: string;
}

const R = 42;
const CX = 55;
const CY = 52;

/** The point on the arc at fraction `f` (0 left, 1 right). */
function at(f: number): [number, number] {
  const angle = Math.PI * (1 - f);
  return [CX + R * Math.cos(angle), CY - R * Math.sin(angle)];
}

function arc(f: number): string {
  const [x0, y0] = at(0);
  const [x1, y1] = at(f);
  return `M ${x0.toFixed(2)} ${y0.toFixed(2)} A ${R} ${R} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

export function tone(value: number | null, kind: 'oee' | 'factor'): 'ok' | 'warn' | 'bad' | 'none' {
  if (value === null) return 'none';
  const [good, fair] = kind === 'oee' ? [0.85, 0.6] : [0.9, 0.75];
  return value >= good ? 'ok' : value >= fair ? 'warn' : 'bad';
}

export function OeeGauge({ label, value, kind = 'factor', title }: Props) {
  const fill = value === null ? 0 : Math.min(1, Math.max(0, value));
  return (
    <figure class={`gauge tone-${tone(value, kind)}`} title={title}>
      <svg viewBox="0 0 110 62" width="110" height="62" aria-hidden="true">
        <path d={arc(1)} class="gauge-track" />
        {fill > 0 && <path d={arc(fill)} class="gauge-fill" />}
      </svg>
      <div class="gauge-value" data-value={value ?? ''}>
        {formatPercent(value)}
      </div>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
