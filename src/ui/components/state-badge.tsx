// A state name on its state colour.
import { stateLabel, stateStyle } from '../states.js';

export function StateBadge({ state, large }: { state: string | undefined; large?: boolean }) {
  const style = stateStyle(state);
  return (
    <span class={`state-badge${large ? ' large' : ''}`} style={{ background: style.colour, color: style.ink }} data-state={style.key}>
      {state ? stateLabel(state) : 'No data'}
    </span>
  );
}
