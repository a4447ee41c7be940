// Counts of machines per state, as a row of coloured chips.
import { stateLabel, stateStyle } from '../states.js';

export function StateSummary({ states }: { states: Array<string | undefined> }) {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s ?? 'no data', (counts.get(s ?? 'no data') ?? 0) + 1);
  const entries = [...counts].sort((a, b) => b[1] - a[1]);
  return (
    <div class="state-summary">
      {entries.map(([name, n]) => {
        const style = stateStyle(name === 'no data' ? undefined : name);
        return (
          <span class="summary-chip" key={name}>
            <i style={{ background: style.colour }} />
            <b>{n}</b> {stateLabel(name)}
          </span>
        );
      })}
    </div>
  );
}
