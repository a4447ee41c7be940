// One production line: its name, where it is, a state summary, and a tile per machine.
import type { LiveValue, PlantNode, TagInfo } from '../api-types.js';
import { currentState } from '../plant.js';
import { assetHref } from '../router.js';
import { MachineTile } from './machine-tile.js';
import { StateSummary } from './state-summary.js';

interface Props {
  line: PlantNode;
  /** e.g. `Berlin plant · Machining` */
  place?: string;
  tagsByAsset: Map<string, TagInfo[]>;
  values: Map<string, LiveValue>;
  /** Show the line's name (off on the line's own page, where it is the title). */
  named?: boolean;
}

export function LineSection({ line, place, tagsByAsset, values, named = true }: Props) {
  const machines = line.children;
  return (
    <section class="line" data-line={line.path}>
      <header class="line-head">
        <h2>{named ? <a href={assetHref(line.path)}>{line.name}</a> : 'Machines'}</h2>
        {place && <span class="line-place">{place}</span>}
        <StateSummary states={machines.map((m) => currentState(tagsByAsset.get(m.path), values)?.name)} />
      </header>
      <div class="tiles">
        {machines.map((machine) => (
          <MachineTile key={machine.path} machine={machine} tags={tagsByAsset.get(machine.path)} values={values} />
        ))}
        {machines.length === 0 && <p class="muted">No machines on this line.</p>}
      </div>
    </section>
  );
}
