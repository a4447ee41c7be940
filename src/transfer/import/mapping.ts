// How the columns of a file become samples: which column holds the time, and either the tag and value
// columns (long layout) or one column per tag (wide layout). Decided once from the header, before
// anything is written, so a file with the wrong columns is refused as a whole.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { EpochUnit } from '../timestamps.js';

export type Layout = 'long' | 'wide';

/** A column mapping, from a YAML file (`--map`) and/or command-line flags. */
export const mappingSchema = z
  .object({
    layout: z.enum(['long', 'wide']).optional().describe('long: one sample per row (ts, tag, value); wide: one column per tag. Default: long when the header has the tag and value columns'),
    ts: z.string().optional().describe('Timestamp column; default the first of ts, timestamp, time, datetime'),
    tag: z.string().optional().describe('Long layout: the column naming the tag; default tag'),
    value: z.string().optional().describe('Long layout: the value column; default value'),
    valueText: z.string().optional().describe('Long layout: a second value column for text values, used when value is empty; default value_text when present'),
    quality: z.string().optional().describe('Quality column (good, uncertain, bad); default quality when present, else every sample is good'),
    unit: z.string().optional().describe("Long layout: a unit column checked against the tag's unit; default unit when present"),
    tags: z.record(z.string(), z.string()).optional().describe('Long layout: names used in the tag column → UNS tag paths'),
    columns: z
      .record(z.string(), z.union([z.string(), z.object({ tag: z.string(), unit: z.string().optional() }).strict()]))
      .optional()
      .describe('Wide layout: column → UNS tag path (or { tag, unit }); columns named by a tag path need no entry'),
    ignore: z.array(z.string()).optional().describe('Columns to leave out; any other column that is not mapped refuses the file'),
    timezone: z.string().optional().describe('IANA zone for timestamps without an offset'),
    epoch: z.enum(['auto', 's', 'ms']).optional().describe('Numeric timestamps: seconds, milliseconds, or auto (by size)'),
    delimiter: z.string().length(1).optional().describe('CSV field separator; default ,'),
  })
  .strict();

export type ImportMapping = z.infer<typeof mappingSchema> & { epoch?: EpochUnit };

/** Reads a mapping YAML file; throws an Error naming the file and the field that is wrong. */
export function loadMappingFile(file: string): ImportMapping {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new Error(`mapping ${file}: ${(error as Error).message}`);
  }
  const result = mappingSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`mapping ${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

/** Merges flag values over a mapping file (flags win; column maps are combined). */
export function mergeMappings(base: ImportMapping, over: ImportMapping): ImportMapping {
  const merged: ImportMapping = { ...base };
  for (const [key, value] of Object.entries(over)) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  if (base.columns || over.columns) merged.columns = { ...base.columns, ...over.columns };
  if (base.tags || over.tags) merged.tags = { ...base.tags, ...over.tags };
  if (base.ignore || over.ignore) merged.ignore = [...(base.ignore ?? []), ...(over.ignore ?? [])];
  return merged;
}

/** Where each piece of a sample is found in a row, resolved against the header. */
export type ColumnPlan =
  | { layout: 'long'; ts: number; tag: number; value: number; valueText?: number; quality?: number; unit?: number; tagNames: Map<string, string> }
  | { layout: 'wide'; ts: number; quality?: number; columns: Array<{ index: number; name: string; tag: string; unit?: string }> };

const TS_NAMES = ['ts', 'timestamp', 'time', 'datetime', 'date_time'];

/**
 * Resolves a mapping against a header. Throws an Error saying which column is missing or unmapped.
 * `isTag` tells whether a wide column's name is itself a tag path that may be used as is.
 */
export function planColumns(header: string[], mapping: ImportMapping, isTag: (name: string) => boolean): ColumnPlan {
  const names = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`the header names column '${name}' twice`);
    seen.add(name);
  }
  const find = (name: string) => names.indexOf(name);
  const findAny = (candidates: string[]) => names.findIndex((n) => candidates.includes(n.toLowerCase()));
  const listed = `the header has: ${names.map((n) => `'${n}'`).join(', ')}`;
  const required = (name: string, flag: string): number => {
    const index = find(name);
    if (index < 0) throw new Error(`no column '${name}' (${listed}); name the right one with ${flag}`);
    return index;
  };
  const optional = (name: string | undefined, fallback: string): number | undefined => {
    if (name !== undefined) return required(name, 'the mapping');
    const index = find(fallback);
    return index < 0 ? undefined : index;
  };

  const ts = mapping.ts !== undefined ? required(mapping.ts, '--ts-column') : findAny(TS_NAMES);
  if (ts < 0) throw new Error(`no timestamp column (${listed}); name it with --ts-column`);
  const ignored = new Set(mapping.ignore ?? []);
  const layout: Layout = mapping.layout ?? (find(mapping.tag ?? 'tag') >= 0 && find(mapping.value ?? 'value') >= 0 ? 'long' : 'wide');
  const used = new Set<number>([ts]);
  const quality = optional(mapping.quality, 'quality');
  if (quality !== undefined) used.add(quality);

  if (layout === 'long') {
    const tag = required(mapping.tag ?? 'tag', '--tag-column');
    const value = required(mapping.value ?? 'value', '--value-column');
    const valueText = optional(mapping.valueText, 'value_text');
    const unit = optional(mapping.unit, 'unit');
    for (const index of [tag, value, valueText, unit]) if (index !== undefined) used.add(index);
    const extra = names.filter((name, i) => !used.has(i) && !ignored.has(name));
    if (extra.length > 0) throw new Error(`column(s) ${extra.map((n) => `'${n}'`).join(', ')} are not used by the long layout (ts, tag, value, quality, unit); leave them out with --ignore-column`);
    return { layout, ts, tag, value, valueText, quality, unit, tagNames: new Map(Object.entries(mapping.tags ?? {})) };
  }

  const columns: Array<{ index: number; name: string; tag: string; unit?: string }> = [];
  const unmapped: string[] = [];
  names.forEach((name, index) => {
    if (used.has(index) || ignored.has(name)) return;
    const entry = mapping.columns?.[name];
    if (entry !== undefined) columns.push({ index, name, ...(typeof entry === 'string' ? { tag: entry } : entry) });
    else if (isTag(name)) columns.push({ index, name, tag: name });
    else unmapped.push(`'${name}' (column ${index + 1})`);
  });
  for (const name of Object.keys(mapping.columns ?? {})) {
    if (find(name) < 0) throw new Error(`the mapping names column '${name}', which is not in the file (${listed})`);
  }
  if (unmapped.length > 0) {
    throw new Error(`column(s) ${unmapped.join(', ')} are not tags: map each with --column 'name=acme/site/area/line/machine/tag' or --map, or leave it out with --ignore-column`);
  }
  if (columns.length === 0) throw new Error(`no value columns (${listed}): a wide file needs a column per tag, a long file the columns tag and value`);
  return { layout, ts, quality, columns };
}
