import type { AssetNode, TagDefinition } from './types.js';
import type { PlantConfig, TagConfig } from './config-schema.js';
import { joinPath, topicMatches } from './paths.js';

/**
 * Every tag Loom knows, by path, each with a small integer id that storage uses instead of the path
 * (hashing path strings per sample is the main ingest cost; ids are resolved once, here).
 */
export class TagRegistry {
  private readonly byPath = new Map<string, TagDefinition & { id: number }>();
  private readonly listeners = new Set<(tag: TagDefinition & { id: number }) => void>();

  /** Adds a tag, or merges fields into an existing one (config declarations win over connector defaults). */
  upsert(tag: TagDefinition): TagDefinition & { id: number } {
    const existing = this.byPath.get(tag.path);
    if (existing) {
      Object.assign(existing, stripUndefined(tag), { id: existing.id });
      return existing;
    }
    const entry = { ...tag, id: this.byPath.size + 1 };
    this.byPath.set(tag.path, entry);
    for (const listener of this.listeners) listener(entry);
    return entry;
  }

  get(path: string): (TagDefinition & { id: number }) | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  get size(): number {
    return this.byPath.size;
  }

  all(): Array<TagDefinition & { id: number }> {
    return [...this.byPath.values()];
  }

  /** Tags whose path matches an MQTT-style pattern (`+`, `#`). */
  match(pattern: string): Array<TagDefinition & { id: number }> {
    return this.all().filter((tag) => topicMatches(pattern, tag.path));
  }

  /** Called for every tag added from now on. Returns an unsubscribe function. */
  onAdd(listener: (tag: TagDefinition & { id: number }) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The ISA-95 tree of a plant config, as the API serves it. */
export function buildAssetTree(plant: PlantConfig): AssetNode {
  const root = plant.enterprise.id;
  return {
    path: root,
    id: root,
    name: plant.enterprise.name ?? root,
    level: 'enterprise',
    children: plant.sites.map((site) => {
      const sitePath = joinPath(root, site.id);
      return {
        path: sitePath,
        id: site.id,
        name: site.name ?? site.id,
        level: 'site' as const,
        timezone: site.timezone,
        description: site.description,
        children: site.areas.map((area) => {
          const areaPath = joinPath(sitePath, area.id);
          return {
            path: areaPath,
            id: area.id,
            name: area.name ?? area.id,
            level: 'area' as const,
            description: area.description,
            children: area.lines.map((line) => {
              const linePath = joinPath(areaPath, line.id);
              return {
                path: linePath,
                id: line.id,
                name: line.name ?? line.id,
                level: 'line' as const,
                description: line.description,
                children: line.machines.map((machine) => ({
                  path: joinPath(linePath, machine.id),
                  id: machine.id,
                  name: machine.name ?? machine.id,
                  level: 'machine' as const,
                  kind: machine.kind,
                  description: machine.description,
                  children: [],
                })),
              };
            }),
          };
        }),
      };
    }),
  };
}

/** A machine of the plant model with its full path, for connectors that serve or read machines. */
export interface MachineRef {
  path: string;
  id: string;
  name: string;
  kind?: string;
  line: string;
  site: string;
  timezone: string;
}

export function listMachines(plant: PlantConfig): MachineRef[] {
  const machines: MachineRef[] = [];
  for (const site of plant.sites) {
    for (const area of site.areas) {
      for (const line of area.lines) {
        const linePath = joinPath(plant.enterprise.id, site.id, area.id, line.id);
        for (const machine of line.machines) {
          machines.push({
            path: joinPath(linePath, machine.id),
            id: machine.id,
            name: machine.name ?? machine.id,
            kind: machine.kind,
            line: linePath,
            site: joinPath(plant.enterprise.id, site.id),
            timezone: site.timezone,
          });
        }
      }
    }
  }
  return machines;
}

/** The tags a plant config declares explicitly, at any level of the hierarchy. */
export function declaredTags(plant: PlantConfig): TagDefinition[] {
  const tags: TagDefinition[] = [];
  const add = (asset: string, list: TagConfig[]) => {
    for (const tag of list) tags.push({ ...tag, path: joinPath(asset, tag.name), asset, source: 'config' });
  };
  for (const site of plant.sites) {
    const sitePath = joinPath(plant.enterprise.id, site.id);
    add(sitePath, site.tags);
    for (const area of site.areas) {
      const areaPath = joinPath(sitePath, area.id);
      add(areaPath, area.tags);
      for (const line of area.lines) {
        const linePath = joinPath(areaPath, line.id);
        add(linePath, line.tags);
        for (const machine of line.machines) add(joinPath(linePath, machine.id), machine.tags);
      }
    }
  }
  return tags;
}
