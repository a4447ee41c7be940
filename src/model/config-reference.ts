import { z } from 'zod';
import { loomConfigSchema } from './config-schema.js';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  pattern?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/**
 * The configuration reference as Markdown, generated from the zod schema so the two cannot drift
 * (`npm run docs:config` writes docs/configuration.md; a test fails when the file is stale).
 */
export function configReferenceMarkdown(): string {
  const schema = z.toJSONSchema(loomConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const rows: string[] = [];
  walk(schema, '', rows, true);
  const sections: string[] = [];
  for (const [name, definition] of Object.entries(schema.$defs ?? {})) {
    const defRows: string[] = [];
    walk(definition, '', defRows, true);
    sections.push('', `## ${name}`, '', definition.description ?? '', '', '| field | type | default | description |', '|---|---|---|---|', ...defRows);
  }
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from src/model/config-schema.ts by `npm run docs:config`. Do not edit by hand. -->',
    '',
    'A Loom config is one YAML file. Everything but `plant` has a default, so the smallest config is a',
    'plant model. Durations are written with a unit: `250ms`, `30s`, `15m`, `12h`, `30d`, `2w`, `5y`.',
    'Ids are lower-case letters, digits, `-` and `_`. `loom check plant.yaml` validates a file.',
    '',
    '| field | type | default | description |',
    '|---|---|---|---|',
    ...rows,
    ...sections,
    '',
  ].join('\n');
}

function walk(schema: JsonSchema, path: string, rows: string[], required: boolean): void {
  const objectSchema = schema.properties ? schema : schema.items?.properties ? schema.items : undefined;
  if (path) rows.push(row(path, schema, required));
  if (!objectSchema?.properties) return;
  const prefix = schema.items ? `${path}[]` : path;
  for (const [key, child] of Object.entries(objectSchema.properties)) {
    walk(child, prefix ? `${prefix}.${key}` : key, rows, objectSchema.required?.includes(key) ?? false);
  }
}

function row(path: string, schema: JsonSchema, required: boolean): string {
  const def = schema.default === undefined ? (required ? '**required**' : '') : `\`${JSON.stringify(schema.default)}\``;
  return `| \`${path}\` | ${typeName(schema)} | ${def} | ${(schema.description ?? '').replace(/\|/g, '\\|')} |`;
}

function typeName(schema: JsonSchema): string {
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeName).join(' or ');
  if (schema.type === 'array') return `list of ${schema.items ? typeName(schema.items) : 'any'}`;
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') return 'map';
  if (schema.type === 'string' && schema.pattern) return 'id';
  return Array.isArray(schema.type) ? schema.type.join(' or ') : (schema.type ?? 'any');
}
