// A machine's state intervals over a time range as one coloured band, with a legend of time per state.
import { useMemo } from 'preact/hooks';
import type { StateInterval, StatesResult } from '../api-types.js';
import { stateLabel, stateStyle } from '../states.js';
import { formatDateTime, formatDuration, formatShort, formatTime, zoneOffset } from '../time.js';

interface Props {
  data: StatesResult | null;
  /** End of the range the data was read for: an interval reaching it is still going on. */
  queriedTo: number;
  error: string | null;
  from: number;
  to: number;
  now: number;
}

const STEPS = [60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 2 * 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000];

/** Tick times on round plant-local boundaries, about `count` of them. */
function ticks(from: number, to: number, count = 7): number[] {
  const step = STEPS.find((s) => (to - from) / s <= count) ?? 86_400_000 * Math.ceil((to - from) / 86_400_000 / count);
  const offset = zoneOffset(from);
  const out: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) out.push(t);
  return out;
}

function clip(interval: StateInterval, from: number, to: number, end: number): { start: number; end: number } | null {
  const start = Math.max(interval.from, from);
  end = Math.min(end, to);
  return end > start ? { start, end } : null;
}

export function StateTimeline({ data, queriedTo, error, from, to, now }: Props) {
  const span = to - from;
  const last = data?.intervals[data.intervals.length - 1];
  // The current state lasts until now, not until the moment the intervals were read.
  const endOf = (i: StateInterval) => (i.to === null || (i === last && i.to >= queriedTo - 2000 && queriedTo > now - 120_000) ? Math.max(now, i.to ?? now) : i.to);
  const totals = useMemo(() => {
    const map = new Map<string, number>();
    for (const i of data?.intervals ?? []) {
      const c = clip(i, from, to, endOf(i));
      if (c) map.set(i.state, (map.get(i.state) ?? 0) + c.end - c.start);
    }
    return map;
  }, [data, from, to, now, queriedTo]);
  const covered = [...totals.values()].reduce((a, b) => a + b, 0);
  const names = data ? [...new Set([...Object.values(data.states), ...totals.keys()])] : [];
  const long = span > 36 * 3_600_000;

  return (
    <section class="panel timeline-panel">
      <header class="panel-head">
        <h2>State timeline</h2>
        {data && <span class="muted">{data.tag}</span>}
      </header>
      {error && <p class="error">States could not be read: {error}</p>}
      {!error && !data && <p class="muted">Loading states…</p>}
      {data && (
        <>
          <div class="timeline" data-intervals={data.intervals.length}>
            {data.intervals.map((interval) => {
              const c = clip(interval, from, to, endOf(interval));
              if (!c) return null;
              const style = stateStyle(interval.state);
              return (
                <div
                  class="timeline-interval"
                  key={`${interval.from}-${interval.code}`}
                  data-state={interval.state}
                  style={{ left: `${((c.start - from) / span) * 100}%`, width: `${((c.end - c.start) / span) * 100}%`, background: style.colour }}
                  title={`${stateLabel(interval.state)}\n${formatDateTime(interval.from)} – ${endOf(interval) >= now ? 'now' : formatDateTime(endOf(interval))}\n${formatDuration(endOf(interval) - interval.from)}`}
                />
              );
            })}
            {data.intervals.length === 0 && <span class="timeline-empty">No state data in this range</span>}
          </div>
          <div class="timeline-axis">
            {ticks(from, to).map((t) => (
              <span key={t} style={{ left: `${((t - from) / span) * 100}%` }}>
                {long ? formatShort(t) : formatTime(t).slice(0, 5)}
              </span>
            ))}
          </div>
          <ul class="legend">
            {names.map((name) => {
              const ms = totals.get(name) ?? 0;
              return (
                <li key={name} class={ms ? '' : 'absent'}>
                  <i style={{ background: stateStyle(name).colour }} />
                  <span class="legend-name">{stateLabel(name)}</span>
                  <span class="legend-value">
                    {ms ? `${formatDuration(ms)} · ${Math.round((ms / (covered || 1)) * 100)}%` : '—'}
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
