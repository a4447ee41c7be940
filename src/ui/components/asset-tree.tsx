// The ISA-95 tree (enterprise > site > area > line > machine) as a navigable side list.
import type { PlantNode } from '../api-types.js';
import { assetHref } from '../router.js';
import { stateStyle } from '../states.js';

interface Props {
  root: PlantNode;
  /** Path of the page's asset, highlighted. */
  current?: string;
  /** State name of a machine, for its dot. */
  stateOf?: (path: string) => string | undefined;
}

const LEVEL_LABEL: Record<PlantNode['level'], string> = {
  enterprise: 'Enterprise',
  site: 'Site',
  area: 'Area',
  line: 'Line',
  machine: 'Machine',
};

export function AssetTree({ root, current, stateOf }: Props) {
  return (
    <nav class="tree" aria-label="Plant model">
      <div class="tree-title">Plant model</div>
      <ul>
        <TreeNode node={root} current={current} stateOf={stateOf} />
      </ul>
    </nav>
  );
}

function TreeNode({ node, current, stateOf }: { node: PlantNode } & Omit<Props, 'root'>) {
  const state = node.level === 'machine' ? stateOf?.(node.path) : undefined;
  const selected = node.path === current;
  return (
    <li class={`tree-node level-${node.level}`}>
      <a href={assetHref(node.path)} class={selected ? 'selected' : ''} title={`${LEVEL_LABEL[node.level]}: ${node.path}`} aria-current={selected ? 'page' : undefined}>
        {node.level === 'machine' ? (
          <i class="dot" style={{ background: stateStyle(state).colour }} title={state ?? 'no data'} />
        ) : (
          <span class="level-tag">{LEVEL_LABEL[node.level].slice(0, 1)}</span>
        )}
        <span class="tree-name">{node.name}</span>
      </a>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <TreeNode key={child.path} node={child} current={current} stateOf={stateOf} />
          ))}
        </ul>
      )}
    </li>
  );
}
