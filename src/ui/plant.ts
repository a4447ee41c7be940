// Helpers over the ISA-95 tree served by `/api/v1/assets`.
import type { LiveValue, PlantNode, TagInfo } from './api-types.js';

/** The node at `path` and its ancestors, root first; empty when the path is not in the tree. */
export function findTrail(root: PlantNode, path: string): PlantNode[] {
  if (root.path === path) return [root];
  if (!path.startsWith(root.path + '/')) return [];
  for (const child of root.children) {
    const trail = findTrail(child, path);
    if (trail.length) return [root, ...trail];
  }
  return [];
}

/** Every node at `level` under (and including) `node`, in tree order. */
export function nodesAt(node: PlantNode, level: PlantNode['level']): PlantNode[] {
  if (node.level === level) return [node];
  return node.children.flatMap((child) => nodesAt(child, level));
}

/** The first site time zone in the tree, when the API provides one. */
export function findTimeZone(node: PlantNode): string | undefined {
  if (node.timezone) return node.timezone;
  for (const child of node.children) {
    const zone = findTimeZone(child);
    if (zone) return zone;
  }
  return undefined;
}

/** Groups tags by their asset path. */
export function tagsByAsset(tags: TagInfo[]): Map<string, TagInfo[]> {
  const map = new Map<string, TagInfo[]>();
  for (const tag of tags) {
    const list = map.get(tag.asset);
    if (list) list.push(tag);
    else map.set(tag.asset, [tag]);
  }
  return map;
}

/** The tag that carries an asset's machine state (role `state`, or named `state`). */
export function stateTag(tags: TagInfo[] | undefined): TagInfo | undefined {
  return tags?.find((t) => t.role === 'state') ?? tags?.find((t) => t.name === 'state' && t.states);
}

/** Tags a trend can draw: numbers and booleans. */
export function isTrendable(tag: TagInfo): boolean {
  return tag.type === 'number' || tag.type === 'boolean';
}

// Order in which tiles and tables list a machine's signals; others follow alphabetically.
const ORDER = ['state', 'running', 'product', 'good_count', 'scrap_count', 'cycle_time', 'temperature', 'pressure', 'vibration', 'power', 'energy'];

export function sortTags(tags: TagInfo[]): TagInfo[] {
  const rank = (t: TagInfo) => {
    const i = ORDER.indexOf(t.name);
    return i < 0 ? ORDER.length : i;
  };
  return [...tags].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** The state name a machine is in now, from its state tag's latest value. */
export function currentState(tags: TagInfo[] | undefined, values: Map<string, LiveValue>): { name: string; since: number } | undefined {
  const tag = stateTag(tags);
  if (!tag) return undefined;
  const live = values.get(tag.path);
  if (!live) return undefined;
  const name = tag.states?.[String(live.value)] ?? `state ${String(live.value)}`;
  return { name, since: live.ts };
}
