// Per-machine transports: which machines a simulation emits, and how the config splits them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadDemoConfig, parseConfig } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, planTransports, simulatorTagDefinitions } from './index.js';

const plant = loadDemoConfig().config.plant;
const START = Date.UTC(2025, 5, 2, 5, 0);
const OVEN = 'acme/berlin/baking/line-3/oven-1';
const MIXER = 'acme/berlin/baking/line-3/mixer-1';
const FILLER = 'acme/berlin/filling/line-2/filler-1';

function run(emitMachines?: string[]): RawSample[] {
  const sim = new FactorySimulation(plant, { seed: 3, emitMachines }, START);
  const out: RawSample[] = [];
  while (sim.nextTs < START + 3 * 3_600_000) sim.step(out);
  return out;
}

test('a simulation that emits some machines gives exactly their samples of the full run (lines stay coupled)', () => {
  const full = run();
  const part = run([OVEN, FILLER]);
  const expected = full.filter((s) => s.tag.startsWith(`${OVEN}/`) || s.tag.startsWith(`${FILLER}/`));
  assert.ok(expected.length > 10_000, `${expected.length} samples`);
  assert.deepEqual(part, expected);
  // The oven's upstream mixer is still simulated: the oven gets starved as in the full run.
  const ovenStates = new Set(part.filter((s) => s.tag === `${OVEN}/state`).map((s) => s.value));
  assert.ok(ovenStates.size > 1, `oven states ${[...ovenStates].join(',')}`);
});

test('tag definitions follow emitMachines', () => {
  const assets = new Set(simulatorTagDefinitions(plant, { emitMachines: [MIXER] }).map((d) => d.asset));
  assert.deepEqual([...assets], [MIXER]);
  const sim = new FactorySimulation(plant, { emitMachines: [MIXER] }, START);
  assert.deepEqual([...new Set(sim.tagDefinitions().map((d) => d.asset))], [MIXER]);
  assert.equal(sim.machineCount, 9, 'every machine is still simulated');
});

test('planTransports: machines override the transport; unknown paths are refused by name', () => {
  const plan = planTransports(plant, { transport: 'sparkplug', machines: { [OVEN]: 'opcua', [FILLER]: 'modbus', [MIXER]: 'direct' } });
  assert.deepEqual(plan.opcua, [OVEN]);
  assert.deepEqual(plan.modbus, [FILLER]);
  assert.deepEqual(plan.direct, [MIXER]);
  assert.equal(plan.sparkplug.length, 6);
  assert.deepEqual(planTransports(plant, {}).direct.length, 9);
  assert.throws(() => planTransports(plant, { machines: { 'acme/berlin/baking/line-3/oven-9': 'opcua' } }), /simulator\.machines: 'acme\/berlin\/baking\/line-3\/oven-9' is not a machine of the plant/);
});

test('the config accepts simulator.machines and names a wrong transport or an unknown machine with its line', () => {
  const base = 'simulator:\n  machines:\n';
  const plantBlock = 'plant:\n  enterprise: { id: acme }\n  sites:\n    - id: berlin\n      timezone: Europe/Berlin\n      areas:\n        - id: a\n          lines:\n            - id: l\n              machines: [{ id: m, kind: oven }]\n';
  assert.deepEqual(parseConfig(`${base}    acme/berlin/a/l/m: opcua\n${plantBlock}`).simulator.machines, { 'acme/berlin/a/l/m': 'opcua' });
  assert.throws(
    () => parseConfig(`${base}    acme/berlin/a/l/m: profinet\n${plantBlock}`, 'plant.yaml'),
    (error: unknown) => error instanceof ConfigError && /plant\.yaml:3:\d+.*simulator\.machines/.test(error.message) && /opcua/.test(error.message),
  );
  assert.throws(
    () => parseConfig(`${base}    acme/berlin/a/l/m: opcua\n    acme/berlin/a/l/oven-9: modbus\n${plantBlock}`, 'plant.yaml'),
    (error: unknown) => error instanceof ConfigError && /plant\.yaml:4:\d+/.test(error.message) && /'acme\/berlin\/a\/l\/oven-9' is not a machine of the plant/.test(error.message),
  );
});
