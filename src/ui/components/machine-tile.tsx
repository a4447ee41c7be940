// One machine on the overview: its state as the tile's colour, and its live signals with units.
import type { LiveValue, PlantNode, TagInfo } from '../api-types.js';
import { tagLabel } from '../format.js';
import { currentState, sortTags, stateTag } from '../plant.js';
import { assetHref } from '../router.js';
import { stateLabel, stateStyle } from '../states.js';
import { ValueText } from './value-text.js';

interface Props {
  machine: PlantNode;
  tags: TagInfo[] | undefined;
  values: Map<string, LiveValue>;
}

const MAX_VALUES = 8;

export function MachineTile({ machine, tags = [], values }: Props) {
  const state = currentState(tags, values);
  const style = stateStyle(state?.name);
  const stateTagPath = stateTag(tags)?.path;
  const product = tags.find((t) => t.role === 'product' || t.name === 'product');
  const productValue = product ? values.get(product.path)?.value : undefined;
  const shown = sortTags(tags)
    .filter((t) => t.path !== stateTagPath && t !== product && t.name !== 'running' && t.type !== 'json')
    .slice(0, MAX_VALUES);
  return (
    <a class={`tile state-${style.key}`} href={assetHref(machine.path)} data-machine={machine.path} style={{ '--state': style.colour, '--state-ink': style.ink }}>
      <div class="tile-head">
        <div class="tile-title">
          <span class="tile-name">{machine.name}</span>
          {machine.kind && <span class="tile-kind">{machine.kind}</span>}
        </div>
        <div class="tile-state" data-tag={stateTagPath}>
          <span class="tile-state-name">{state ? stateLabel(state.name) : 'No data'}</span>
        </div>
      </div>
      {product && (
        <div class="tile-product" title="Product">
          {productValue === undefined ? '—' : String(productValue)}
        </div>
      )}
      <dl class="tile-values">
        {shown.map((tag) => (
          <div key={tag.path}>
            <dt title={tag.description ?? tag.path}>{tagLabel(tag.name)}</dt>
            <dd>
              <ValueText tag={tag} live={values.get(tag.path)} />
            </dd>
          </div>
        ))}
        {tags.length === 0 && <div class="tile-empty">No tags</div>}
      </dl>
    </a>
  );
}
