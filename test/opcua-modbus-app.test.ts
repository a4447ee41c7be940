import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMachines, loadDemoConfig, parseConfig } from '../src/model/index.js';
import { serveFactoryModbus } from '../src/connectors/modbus/index.js';
import { serveFactoryOpcUa, quietOpcUa } from '../src/connectors/opcua/index.js';
import { eventually, startTestLoom } from './helpers.js';

const MIXER = 'acme/berlin/baking/line-3/mixer-1';
const OVEN = 'acme/berlin/baking/line-3/oven-1';

test('OPC UA and Modbus connectors configured in the plant file feed the UNS through startLoom', async () => {
  quietOpcUa();
  const base = loadDemoConfig();
  const pki = mkdtempSync(join(tmpdir(), 'loom-pki-'));
  const modbus = await serveFactoryModbus({ plant: base.config.plant, host: '127.0.0.1', port: 0, machines: [MIXER] });
  const opcua = await serveFactoryOpcUa({ plant: base.config.plant, port: 0, hostname: '127.0.0.1', pkiDir: join(pki, 'server') });
  const config = parseConfig(
    JSON.stringify({
      plant: base.config.plant,
      simulator: { enabled: false },
      modbus: [modbus.clientConfig({ id: 'modbus-demo', interval: '500ms' })],
      opcua: [opcua.clientConfig({ id: 'opcua-demo', machines: [OVEN] })],
    }),
  );
  const loom = await startTestLoom({ loaded: { ...base, config } });
  try {
    await eventually(() => loom.historian.latest(`${MIXER}/temperature`)[0], 30_000, 'a mixer temperature over Modbus');
    await eventually(() => loom.historian.latest(`${OVEN}/temperature`)[0], 30_000, 'an oven temperature over OPC UA');
    const health = Object.fromEntries(loom.connectors.map((c) => [c.id, c.health().state]));
    assert.deepEqual(health, { 'modbus-demo': 'connected', 'opcua-demo': 'connected' });
    assert.equal(loom.registry.get(`${MIXER}/temperature`)?.source, 'modbus-demo');
    assert.equal(loom.registry.get(`${OVEN}/temperature`)?.source, 'opcua-demo');
    assert.equal(loom.deadLetters.total, 0, JSON.stringify(loom.deadLetters.list(3)));
  } finally {
    await loom.stop();
    await opcua.close();
    await modbus.close();
    rmSync(pki, { recursive: true, force: true });
  }
});

const OVEN_DEMO = 'acme/berlin/baking/line-3/oven-1';
const FILLER_DEMO = 'acme/berlin/filling/line-2/filler-1';

test('the demo serves one machine over OPC UA and one over Modbus TCP, the other seven over Sparkplug B', async () => {
  const demo = loadDemoConfig();
  assert.deepEqual(demo.config.simulator.machines, { [OVEN_DEMO]: 'opcua', [FILLER_DEMO]: 'modbus' }, 'the demo file assigns the transports');
  // The demo as it is, with a shorter history to keep the test quick.
  const loaded = { ...demo, config: { ...demo.config, simulator: { ...demo.config.simulator, history: 120_000 } } };
  const started = Date.now();
  const loom = await startTestLoom({ loaded, simulator: true });
  try {
    const byId = () => Object.fromEntries(loom.connectors.map((c) => [c.id, c.health()]));
    await eventually(() => byId()['simulator-opcua']?.state === 'connected' && byId()['simulator-modbus']?.state === 'connected', 30_000, 'both served transports connected');
    assert.equal(byId()['simulator-opcua'].kind, 'opcua');
    assert.equal(byId()['simulator-modbus'].kind, 'modbus');
    // Live values arrive through the protocol clients: newer than the start, not only the history.
    await eventually(() => (loom.historian.latest(`${OVEN_DEMO}/temperature`)[0]?.ts ?? 0) > started, 30_000, 'a live oven value over OPC UA');
    await eventually(() => (loom.historian.latest(`${FILLER_DEMO}/state`)[0]?.ts ?? 0) > started, 30_000, 'a live filler state over Modbus');
    await eventually(() => (byId()['simulator-opcua'].counters?.samples ?? 0) > 0 && (byId()['simulator-modbus'].counters?.samples ?? 0) > 0, 10_000, 'client sample counters');
    // Servers that take over the backfilled simulation start with every value, not empty variables.
    await eventually(() => { const p = loom.historian.latest(`${FILLER_DEMO}/product`)[0]; return p && p.ts > started && p.value !== ''; }, 10_000, 'the filler product over Modbus');
    const opcuaCounters = byId()['simulator-opcua'].counters ?? {};
    assert.deepEqual([opcuaCounters.uncertainSamples, opcuaCounters.badSamples], [0, 0], 'no initial (uncertain) values over OPC UA');
    // Every machine reports; the Sparkplug edge does not also publish the two served machines.
    const machines = listMachines(loom.config.plant).map((m) => m.path);
    assert.equal(machines.length, 9);
    await eventually(() => machines.every((m) => loom.historian.latest(`${m}/state`)[0]), 30_000, 'a state of all nine machines');
    assert.equal(loom.registry.get(`${OVEN_DEMO}/temperature`)?.source, 'simulator-opcua');
    assert.equal(loom.registry.get(`${FILLER_DEMO}/state`)?.source, 'simulator-modbus');
    assert.equal(loom.registry.get(`${OVEN_DEMO}/state`)?.role, 'state', 'the simulator roles survive (OEE needs them)');
    assert.equal(loom.registry.get('acme/berlin/machining/line-1/press-1/state')?.source, 'sparkplug');
    // The history of the served machines was filled too.
    const history = await loom.historian.query({ tag: `${OVEN_DEMO}/temperature`, from: started - 120_000, to: started - 60_000 });
    assert.ok(history.points.length > 30, `backfilled oven history (${history.points.length} points)`);
    assert.equal(loom.deadLetters.total, 0, JSON.stringify(loom.deadLetters.list(3)));
  } finally {
    await loom.stop();
  }
});

test('the demo stops cleanly while its OPC UA and Modbus machines are still starting', async () => {
  const demo = loadDemoConfig();
  const loom = await startTestLoom({ loaded: demo, simulator: true });
  const stoppedAt = Date.now();
  await loom.stop();
  assert.ok(Date.now() - stoppedAt < 20_000, 'stop does not wait for long');
  const states = loom.connectors.filter((c) => c.id.startsWith('simulator-')).map((c) => [c.id, c.health().state]);
  assert.deepEqual(states, [['simulator-opcua', 'stopped'], ['simulator-modbus', 'stopped']]);
  // The test process exits (node --test waits for it): no server, socket or timer is left behind.
});
