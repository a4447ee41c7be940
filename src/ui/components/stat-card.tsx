// A labelled figure for the system page.
import type { ComponentChildren } from 'preact';

interface Props {
  label: string;
  value: ComponentChildren;
  sub?: ComponentChildren;
  tone?: 'ok' | 'warn' | 'bad';
  /** Takes two grid columns (for a chart). */
  wide?: boolean;
  children?: ComponentChildren;
}

export function StatCard({ label, value, sub, tone, wide, children }: Props) {
  return (
    <div class={`stat-card${tone ? ` tone-${tone}` : ''}${wide ? ' wide' : ''}`}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
      {sub && <div class="stat-sub">{sub}</div>}
      {children}
    </div>
  );
}
