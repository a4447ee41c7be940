// Saving mappings chosen in the browser into the config file, keeping its comments and layout.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { parseConfig } from '../../model/index.js';
import type { OpcUaMappingInput } from './config.js';

/** Why mappings could not be saved: no such connector entry in the file, or the result would not load. */
export class MappingSaveError extends Error {
  constructor(
    readonly reason: 'no_entry' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** A mapping as it is written to YAML: no unset fields, no defaults spelled out. */
export function compactMapping(mapping: OpcUaMappingInput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mapping).filter(([key, value]) => value !== undefined && value !== false && !(key === 'type' && value === 'number')));
}

/**
 * Appends mappings to the `mappings:` list of the `opcua:` entry with id `connectorId` (an entry
 * without id is `opcua`). Comments, order and formatting of the rest of the file stay as they are.
 * The new text must load as a valid Loom config; it replaces the file atomically (temp file + rename).
 *
 * @example saveOpcUaMappings('plant.yaml', 'line-1-plc', [{ nodeId: 'ns=2;s=Press1.Temperature', tag: 'acme/berlin/machining/line-1/press-1/temperature' }])
 */
export function saveOpcUaMappings(file: string, connectorId: string, mappings: readonly OpcUaMappingInput[]): void {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new MappingSaveError('invalid', `${file} does not parse as YAML now: ${doc.errors[0].message.split('\n')[0]}`);
  const list = doc.get('opcua', true);
  const entry = isSeq(list) ? list.items.find((item): item is YAMLMap => isMap(item) && String(item.get('id') ?? 'opcua') === connectorId) : undefined;
  if (!entry) throw new MappingSaveError('no_entry', `${file} has no opcua: entry with id '${connectorId}' to save the mappings in`);
  let target = entry.get('mappings', true);
  if (!isSeq(target)) {
    entry.set('mappings', doc.createNode([]));
    target = entry.get('mappings', true);
  }
  if (!isSeq(target)) throw new MappingSaveError('invalid', `${file}: the mappings of opcua '${connectorId}' are not a list`);
  // An empty flow list (`mappings: []`) becomes a block list, one mapping per entry.
  if (target.items.length === 0) target.flow = false;
  for (const mapping of mappings) target.add(doc.createNode(compactMapping(mapping)));
  const updated = doc.toString();
  try {
    parseConfig(updated, file);
  } catch (error) {
    throw new MappingSaveError('invalid', `the config would not load with these mappings, so ${file} is unchanged: ${(error as Error).message}`);
  }
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, updated);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
