// Figures of the OEE page that need no DOM: the Pareto's bars and machine time in hours.
import type { DowntimeReason } from './api-types.js';
import { stateLabel } from './states.js';

/** Bars shown; the rest are summed into "Other". */
const MAX_BARS = 8;

/** The Pareto's bars: reasons largest first (the tail summed into "Other"), each with the cumulative share. */
export function paretoBars(reasons: DowntimeReason[]): Array<{ label: string; category: string; ms: number; stops: number; cumulative: number }> {
  const sorted = [...reasons].sort((a, b) => b.ms - a.ms);
  const shown = sorted.slice(0, sorted.length > MAX_BARS ? MAX_BARS - 1 : MAX_BARS);
  const rest = sorted.slice(shown.length);
  const bars = shown.map((r) => ({ label: stateLabel(r.reason), category: r.category, ms: r.ms, stops: r.stops }));
  if (rest.length > 0) bars.push({ label: `Other (${rest.length})`, category: 'other', ms: rest.reduce((s, r) => s + r.ms, 0), stops: rest.reduce((s, r) => s + r.stops, 0) });
  const total = bars.reduce((s, b) => s + b.ms, 0);
  let running = 0;
  return bars.map((b) => ({ ...b, cumulative: total > 0 ? (running += b.ms) / total : 0 }));
}

/** Machine time in hours and minutes (a line sums its machines, so days would mislead): `24 h`, `1 h 30 min`, `8 s`. */
export function formatMachineTime(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  const h = Math.floor(min / 60);
  return h === 0 ? `${min} min` : min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}
