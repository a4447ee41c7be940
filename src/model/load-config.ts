import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { packageRoot } from '../package-root.js';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { loomConfigSchema, type LoomConfig } from './config-schema.js';

/** One thing wrong with a config file, located precisely enough to fix it. */
export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path, e.g. `plant.sites[0].areas[1].id`. */
  field: string;
  message: string;
}

/** Thrown when a config file cannot be used; `message` lists every issue, one per line. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line !== undefined ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where} ${issue.field || '(top level)'}: ${issue.message}`;
}

/** A loaded config plus where it came from (relative paths in it resolve against `baseDir`). */
export interface LoadedConfig {
  config: LoomConfig;
  file: string;
  baseDir: string;
}

/** Reads, parses and validates a Loom config file. Throws ConfigError with every issue found. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ file, field: '', message: `cannot read the config: ${reason}` }]);
  }
  return { config: parseConfig(text, file), file, baseDir: dirname(resolve(file)) };
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseConfig(text: string, file = 'config'): LoomConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return { file, line: pos?.line, column: pos?.col, field: '', message: `YAML syntax: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  const result = loomConfigSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => toConfigIssue(issue, doc, lineCounter, file)));
  }
  const semanticIssues = checkSemantics(result.data).map((issue) => {
    const pos = locate(doc, lineCounter, issue.path);
    return { file, ...pos, field: formatField(issue.path), message: issue.message };
  });
  if (semanticIssues.length > 0) throw new ConfigError(semanticIssues);
  return result.data;
}

/** The built-in demo plant: one site, three lines, nine machines of different kinds. */
export const DEMO_CONFIG_FILE = join(packageRoot(), 'examples/demo-plant.yaml');

export function loadDemoConfig(): LoadedConfig {
  // The demo's data goes where the user runs Loom (./data), not into the installed package.
  return { ...loadConfigFile(DEMO_CONFIG_FILE), baseDir: process.cwd() };
}

type PathKey = string | number;

function toConfigIssue(issue: z.core.$ZodIssue, doc: Document, lineCounter: LineCounter, file: string): ConfigIssue {
  const path = issue.path.filter((key): key is PathKey => typeof key !== 'symbol');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}: check the spelling against the configuration reference in README.md`;
    const pos = locate(doc, lineCounter, [...path, issue.keys[0]], true);
    return { file, ...pos, field: formatField(path), message };
  }
  if (issue.code === 'invalid_type') {
    const present = doc.hasIn(path);
    message = present
      ? `expected ${issue.expected}, got ${describe(doc.getIn(path))}`
      : `missing required field (expected ${issue.expected})`;
  } else if (issue.code === 'invalid_value') {
    message = `must be one of ${issue.values.map((v) => `'${String(v)}'`).join(', ')}`;
  }
  return { file, ...locate(doc, lineCounter, path), field: formatField(path), message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Finds the line and column of the deepest existing node along `path`. */
function locate(doc: Document, lineCounter: LineCounter, path: PathKey[], atKey = false): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    const node = atKey && depth === path.length ? findKeyNode(doc, sub) : depth === 0 ? doc.contents : doc.getIn(sub, true);
    if (isNode(node) && node.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function findKeyNode(doc: Document, path: PathKey[]): unknown {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const items = (parent as { items?: Array<{ key: unknown }> } | null)?.items;
  return items?.find((pair) => isNode(pair.key) && (pair.key as { value?: unknown }).value === path[path.length - 1])?.key;
}

function formatField(path: PathKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

interface SemanticIssue {
  path: PathKey[];
  message: string;
}

/** Rules zod cannot express per field: unique ids among siblings, unique tag names, valid time zones. */
function checkSemantics(config: LoomConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const unique = (items: Array<{ id?: string; name?: string }>, key: 'id' | 'name', base: PathKey[], what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const value = item[key] as string;
      const first = seen.get(value);
      if (first !== undefined) {
        issues.push({ path: [...base, index, key], message: `duplicate ${what} '${value}' (also at index ${first}): ids must be unique among siblings` });
      } else seen.set(value, index);
    });
  };
  const plant = config.plant;
  unique(plant.sites, 'id', ['plant', 'sites'], 'site id');
  plant.sites.forEach((site, s) => {
    const sitePath: PathKey[] = ['plant', 'sites', s];
    try {
      new Intl.DateTimeFormat('en', { timeZone: site.timezone });
    } catch {
      issues.push({ path: [...sitePath, 'timezone'], message: `'${site.timezone}' is not an IANA time zone (for example 'Europe/Berlin' or 'America/Chicago')` });
    }
    unique(site.tags, 'name', [...sitePath, 'tags'], 'tag name');
    unique(site.areas, 'id', [...sitePath, 'areas'], 'area id');
    site.areas.forEach((area, a) => {
      const areaPath = [...sitePath, 'areas', a];
      unique(area.tags, 'name', [...areaPath, 'tags'], 'tag name');
      unique(area.lines, 'id', [...areaPath, 'lines'], 'line id');
      area.lines.forEach((line, l) => {
        const linePath = [...areaPath, 'lines', l];
        unique(line.tags, 'name', [...linePath, 'tags'], 'tag name');
        unique(line.machines, 'id', [...linePath, 'machines'], 'machine id');
        line.machines.forEach((machine, m) => {
          const machinePath = [...linePath, 'machines', m];
          unique(machine.tags, 'name', [...machinePath, 'tags'], 'tag name');
          machine.tags.forEach((tag, t) => {
            if (tag.min !== undefined && tag.max !== undefined && tag.min > tag.max) {
              issues.push({ path: [...machinePath, 'tags', t, 'min'], message: `min (${tag.min}) is above max (${tag.max})` });
            }
          });
        });
      });
    });
  });
  return issues;
}
