// The README and the sample config must stay true to the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../model/index.js';
import { FactorySimulation, MACHINE_KINDS, STATE_NAMES, VirtualFactory, planTransports } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, 'README.md'), 'utf8');

test('sample-config.yaml loads with the real config loader and simulates its known machines', () => {
  const { config } = loadConfigFile(join(here, 'sample-config.yaml'));
  const factory = new VirtualFactory({ plant: config.plant, options: config.simulator });
  assert.equal(factory.health().counters?.machinesSimulated, 5);
  assert.deepEqual(
    factory.skippedMachines().map((m) => m.path),
    ['acme/berlin/filling/line-2/palletizer-1'],
  );
  const sim = new FactorySimulation(config.plant, config.simulator, Date.UTC(2025, 0, 6, 8));
  assert.ok(sim.step([]) > 0);
  const plan = planTransports(config.plant, config.simulator);
  assert.deepEqual([plan.opcua, plan.modbus, plan.direct.length], [['acme/berlin/baking/line-3/oven-1'], ['acme/berlin/filling/line-2/filler-1'], 3]);
});

test('README lists every kind, every process signal with its unit and resolution, and every state', () => {
  for (const profile of Object.values(MACHINE_KINDS)) {
    assert.ok(readme.includes(`| ${profile.kind} | ${profile.description} |`), `kind ${profile.kind} is described`);
    for (const s of profile.signals) {
      assert.ok(readme.includes(`| ${profile.kind} | ${s.name} | ${s.description} | ${s.unit} | ${s.resolution} |`), `${profile.kind}/${s.name} row`);
    }
  }
  for (const [code, name] of Object.entries(STATE_NAMES)) assert.ok(readme.includes(`| ${code} | ${name} |`), `state ${code} ${name}`);
});
