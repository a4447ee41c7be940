// The config block: the sample config loads, defaults are what the README says, every field is described.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { sparkplugConfigSchema } from './config.js';

test('sample-config.yaml loads and means what its comments say', () => {
  const text = readFileSync(new URL('./sample-config.yaml', import.meta.url), 'utf8');
  const config = sparkplugConfigSchema.parse(parse(text).sparkplug);
  assert.equal(config.enabled, true);
  assert.equal(config.reorderTimeout, 2_000);
  assert.equal(config.rebirthInterval, 5_000);
  assert.equal(config.connectTimeout, 10_000);
  assert.equal(config.mappings[2].device, 'PLC 3');
});

test('defaults: disabled, no url (Loom own broker), host id loom, root sparkplug, 1 MiB payloads', () => {
  const config = sparkplugConfigSchema.parse({});
  assert.deepEqual(
    [config.enabled, config.url, config.hostId, config.root, config.maxPayloadBytes, config.groups, config.mappings],
    [false, undefined, 'loom', 'sparkplug', 1_048_576, [], []],
  );
});

test('errors say what is wrong', () => {
  const issues = (input: unknown) => sparkplugConfigSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  assert.match(issues({ hostId: 'lo/om' }).join(), /hostId: host id 'lo\/om' contains \+ \/ or #/);
  assert.match(issues({ reorderTimeout: 'soon' }).join(), /reorderTimeout: 'soon' is not a duration/);
  assert.match(issues({ mappings: [{ group: 'g', asset: 'Acme/Berlin' }] }).join(), /segment 'Acme'/);
  assert.match(issues({ mappings: [{ group: 'g', device: 'd', asset: 'a' }] }).join(), /needs its node/);
  assert.match(issues({ colour: 'red' }).join(), /colour|Unrecognized/);
});

test('every field carries a description (the reference docs are generated from them)', () => {
  for (const [key, field] of Object.entries(sparkplugConfigSchema.shape)) assert.ok(field.description, `${key} has no .describe()`);
});
