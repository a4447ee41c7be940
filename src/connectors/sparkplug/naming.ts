// How Sparkplug ids and metric names become Loom paths (ISA-95 asset path + tag name).
//
// Rule, for each id and for each '/'-separated level of a metric name:
//   1. Unicode NFKD, accents dropped ("Füllstand" -> "fullstand");
//   2. lower-cased;
//   3. every run of characters other than a-z 0-9 _ - becomes one '_';
//   4. leading '_' / '-' and trailing '_' are trimmed; an empty result becomes "unnamed".
// Metric names keep their levels: "Node Control/Rebirth" -> "node_control/rebirth",
// "Motor 1/Temp (°C)" -> "motor_1/temp_c". Empty levels ("a//b") are skipped.
import { isValidSegment } from '../../model/paths.js';

/** One path segment from free text (see the rule above). */
export function sanitizeSegment(text: string): string {
  const out = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+/, '')
    .replace(/_+$/, '');
  return out.length > 0 ? out : 'unnamed';
}

/** A metric name as path levels below its asset: `Node Control/Rebirth` -> `node_control/rebirth`. */
export function metricPath(name: string): string {
  const levels = name.split('/').filter((level) => level.length > 0);
  return levels.length === 0 ? 'unnamed' : levels.map(sanitizeSegment).join('/');
}

/** Maps a Sparkplug group / edge node / device onto an asset of the plant model. */
export interface AssetMapping {
  group: string;
  node?: string;
  device?: string;
  /** Asset path, e.g. `acme/berlin/machining/line-1`. */
  asset: string;
}

/** Checks an asset path of the config; returns what is wrong or undefined. */
export function assetPathError(path: string): string | undefined {
  const bad = path.split('/').find((segment) => !isValidSegment(segment));
  return bad === undefined ? undefined : `'${path}' has the segment '${bad}': use lower-case letters, digits, - and _, starting with a letter or digit`;
}

/**
 * Resolves asset paths. The most specific mapping wins: {group, node, device} > {group, node} >
 * {group}; below a mapping the remaining ids are appended as sanitised segments. Without a mapping:
 * `<root>/<group>/<node>[/<device>]`.
 *
 * @example new AssetMapper('sparkplug', []).assetFor('Plant 1', 'Line:4', 'Press 2') // 'sparkplug/plant_1/line_4/press_2'
 */
export class AssetMapper {
  private readonly exact = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly root: string,
    mappings: readonly AssetMapping[],
  ) {
    for (const m of mappings) this.exact.set(key(m.group, m.node, m.device), m.asset);
  }

  assetFor(group: string, node: string, device?: string): string {
    const k = key(group, node, device);
    let path = this.cache.get(k);
    if (path !== undefined) return path;
    path = this.resolve(group, node, device);
    this.cache.set(k, path);
    return path;
  }

  private resolve(group: string, node: string, device?: string): string {
    const exact = this.exact.get(key(group, node, device));
    if (exact !== undefined) return exact;
    const tail = device === undefined ? [] : [sanitizeSegment(device)];
    const forNode = this.exact.get(key(group, node));
    if (forNode !== undefined) return [forNode, ...tail].join('/');
    const forGroup = this.exact.get(key(group));
    if (forGroup !== undefined) return [forGroup, sanitizeSegment(node), ...tail].join('/');
    return [this.root, sanitizeSegment(group), sanitizeSegment(node), ...tail].filter((s) => s.length > 0).join('/');
  }
}

function key(group: string, node?: string, device?: string): string {
  return `${group}\u0000${node ?? '\u0001'}\u0000${device ?? '\u0001'}`;
}
