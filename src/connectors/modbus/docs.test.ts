// The sample config loads; config errors say what is wrong and where.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { modbusConnectorSchema } from './config.js';
import { factoryRegisterMap } from './factory-map.js';

describe('modbus docs', () => {
  it('sample-config.yaml is a valid modbus block', () => {
    const config = modbusConnectorSchema.parse(parse(readFileSync(join(import.meta.dirname, 'sample-config.yaml'), 'utf8')));
    assert.deepEqual(config.pollGroups, { fast: 250, default: 1000, slow: 10_000 });
    assert.equal(config.devices[0].registers.length, 8);
  });

  it('explains config mistakes', () => {
    const issues = (input: unknown) => {
      const r = modbusConnectorSchema.safeParse(input);
      return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    const device = (registers: unknown[]) => ({ devices: [{ id: 'd', registers }] });
    assert.match(issues(device([{ tag: 'a/b', area: 'input', address: 0, writable: true }])), /read-only.*holding register or coil/);
    assert.match(issues(device([{ tag: 'a/b', area: 'holding', address: 0, type: 'string' }])), /needs length/);
    assert.match(issues(device([{ tag: 'a/b', area: 'holding', address: 0, poll: 'turbo' }])), /poll group 'turbo' is not in pollGroups/);
    assert.match(issues(device([{ tag: 'a/b', area: 'holding', address: 0 }, { tag: 'a/b', area: 'holding', address: 1 }])), /mapped twice/);
    assert.match(issues({ pollGroups: { default: 'soon' }, ...device([{ tag: 'a/b', area: 'holding', address: 0 }]) }), /'soon' is not a duration/);
  });

  it('the README documents the factory register map of every value', () => {
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    for (const r of factoryRegisterMap('cnc')) assert.ok(readme.includes(r.name), `README lacks ${r.name}`);
  });
});
