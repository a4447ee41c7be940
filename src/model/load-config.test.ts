import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfigFile, loadDemoConfig, parseConfig, listMachines, buildAssetTree, declaredTags, TagRegistry } from './index.js';

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, 'plant.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message.split('\n');
  }
  assert.fail('config was accepted');
}

const MINIMAL = `plant:
  enterprise: { id: acme }
  sites:
    - id: berlin
      areas:
        - id: assembly
          lines:
            - id: line-1
              machines:
                - id: press-1
                  kind: press
                  tags:
                    - { name: temperature, unit: degC, min: 0, max: 300 }
`;

test('a minimal config gets every default', () => {
  const config = parseConfig(MINIMAL);
  assert.equal(config.http.port, 8080);
  assert.equal(config.http.host, '127.0.0.1');
  assert.equal(config.historian.engine, 'duckdb');
  assert.equal(config.historian.flushInterval, 100);
  assert.equal(config.historian.retention.raw, 30 * 86_400_000);
  assert.equal(config.simulator.seed, 42);
  assert.equal(config.plant.sites[0].timezone, 'UTC');
  assert.equal(config.plant.sites[0].areas[0].lines[0].machines[0].tags[0].type, 'number');
});

test('the built-in demo has one site, three lines and nine machines of seven kinds', () => {
  const { config } = loadDemoConfig();
  const machines = listMachines(config.plant);
  assert.equal(config.plant.sites.length, 1);
  assert.equal(new Set(machines.map((m) => m.line)).size, 3);
  assert.equal(machines.length, 9);
  assert.deepEqual([...new Set(machines.map((m) => m.kind))].sort(), ['cnc', 'filler', 'labeler', 'mixer', 'oven', 'packer', 'press']);
  assert.equal(machines[0].path, 'acme/berlin/machining/line-1/press-1');
  assert.equal(machines[0].timezone, 'Europe/Berlin');
});

test('errors name file, line, column and field, and say how to fix it', () => {
  const issues = issuesOf(`plant:
  enterprise: { id: acme }
  sites:
    - id: Berlin Plant
      areas:
        - id: a
          colour: red
          lines: 5
historian:
  flushInterval: soon
`);
  assert.deepEqual(issues.sort(), [
    "plant.yaml:10:18 historian.flushInterval: 'soon' is not a duration: write a number and a unit, e.g. 250ms, 30s, 15m, 12h, 30d, 2w, 5y",
    "plant.yaml:4:11 plant.sites[0].id: 'Berlin Plant' is not a valid site id: use lower-case letters, digits, '-' and '_', starting with a letter or digit (for example 'berlin-plant')",
    "plant.yaml:7:11 plant.sites[0].areas[0]: unknown field 'colour': check the spelling against the configuration reference in README.md",
    'plant.yaml:8:18 plant.sites[0].areas[0].lines: expected array, got number 5',
  ]);
});

const WITH_MISTAKES = `plant:
  enterprise: { name: ACME }
  sites:
    - id: b
      timezone: Mars/Base
      areas:
        - id: a
          lines:
            - id: l
              machines:
                - id: m
                  tags:
                    - { name: t, type: float }
                    - { name: u, min: 5, max: 1 }
                    - { name: u }
        - id: a
`;

test('missing fields, wrong enums and semantic rules are reported', () => {
  const text = issuesOf(WITH_MISTAKES).join('\n');
  assert.match(text, /plant\.yaml:2:15 plant\.enterprise\.id: missing required field \(expected string\)/);
  assert.match(text, /plant\.yaml:13:\d+ plant\.sites\[0\]\.areas\[0\]\.lines\[0\]\.machines\[0\]\.tags\[0\]\.type: must be one of 'number', 'boolean', 'string', 'json'/);
  // Semantic checks run once the structure is valid, so fix the two structural errors and look again.
  const structurallyValid = WITH_MISTAKES.replace('{ name: ACME }', '{ id: acme }').replace('{ name: t, type: float }', '{ name: t }');
  const semantic = issuesOf(structurallyValid).join('\n');
  assert.match(semantic, /plant\.yaml:5:17 plant\.sites\[0\]\.timezone: 'Mars\/Base' is not an IANA time zone/);
  assert.match(semantic, /plant\.yaml:16:15 plant\.sites\[0\]\.areas\[1\]\.id: duplicate area id 'a' \(also at index 0\)/);
  assert.match(semantic, /plant\.sites\[0\]\.areas\[0\]\.lines\[0\]\.machines\[0\]\.tags\[2\]\.name: duplicate tag name 'u'/);
  assert.match(semantic, /tags\[1\]\.min: min \(5\) is above max \(1\)/);
});

test('YAML syntax errors and unreadable files are refused with their location', () => {
  assert.match(issuesOf('plant: [\n').join('\n'), /^plant\.yaml:\d+:\d+ \(top level\): YAML syntax:/);
  assert.match(issuesOf('a: 1\na: 2\nplant: {}\n').join('\n'), /YAML syntax: .*unique/i);
  assert.throws(() => loadConfigFile('/nonexistent/plant.yaml'), /\/nonexistent\/plant\.yaml \(top level\): cannot read the config: file not found/);
});

test('loadConfigFile resolves relative to the file and builds the tree, tags and registry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-config-'));
  try {
    writeFileSync(join(dir, 'plant.yaml'), MINIMAL);
    const loaded = loadConfigFile(join(dir, 'plant.yaml'));
    assert.equal(loaded.baseDir, dir);
    const tree = buildAssetTree(loaded.config.plant);
    assert.deepEqual(
      [tree.level, tree.children[0].level, tree.children[0].children[0].level, tree.children[0].children[0].children[0].level],
      ['enterprise', 'site', 'area', 'line'],
    );
    const machine = tree.children[0].children[0].children[0].children[0];
    assert.deepEqual([machine.path, machine.level, machine.kind], ['acme/berlin/assembly/line-1/press-1', 'machine', 'press']);
    const tags = declaredTags(loaded.config.plant);
    assert.deepEqual(tags.map((t) => t.path), ['acme/berlin/assembly/line-1/press-1/temperature']);
    const registry = new TagRegistry();
    const a = registry.upsert(tags[0]);
    const b = registry.upsert({ ...tags[0], unit: 'K', description: undefined });
    assert.equal(a.id, b.id);
    assert.equal(registry.get(tags[0].path)?.unit, 'K');
    assert.equal(registry.match('acme/+/+/+/press-1/#').length, 1);
    assert.equal(registry.match('acme/+/+/+/press-2/#').length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/configuration.md is generated from the schema and up to date (run npm run docs:config)', async () => {
  const { readFileSync } = await import('node:fs');
  const { configReferenceMarkdown } = await import('./config-reference.js');
  const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, configReferenceMarkdown(), 'docs/configuration.md is stale: run npm run docs:config');
  assert.match(onDisk, /`historian\.retention\.raw` \| string or integer \| `"30d"`/);
});
