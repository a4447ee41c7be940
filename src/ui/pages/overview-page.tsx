// Plant overview: every line of the plant with a live tile per machine.
import type { LiveValue, PlantNode, TagInfo } from '../api-types.js';
import { LineSection } from '../components/line-section.js';
import { StateSummary } from '../components/state-summary.js';
import { currentState, nodesAt } from '../plant.js';

interface Props {
  root: PlantNode;
  tagsByAsset: Map<string, TagInfo[]>;
  values: Map<string, LiveValue>;
}

export function OverviewPage({ root, tagsByAsset, values }: Props) {
  const sites = nodesAt(root, 'site');
  const machines = nodesAt(root, 'machine');
  return (
    <div class="page overview">
      <div class="page-head">
        <div>
          <h1>{root.name}</h1>
          <p class="muted">
            {sites.length} {sites.length === 1 ? 'site' : 'sites'} · {nodesAt(root, 'line').length} lines · {machines.length} machines
          </p>
        </div>
        <StateSummary states={machines.map((m) => currentState(tagsByAsset.get(m.path), values)?.name)} />
      </div>
      {sites.map((site) =>
        site.children.map((area) =>
          area.children.map((line) => (
            <LineSection key={line.path} line={line} place={`${site.name} · ${area.name}`} tagsByAsset={tagsByAsset} values={values} />
          )),
        ),
      )}
      {machines.length === 0 && <p class="empty">The plant model has no machines yet. Add lines and machines to the plant config.</p>}
    </div>
  );
}
