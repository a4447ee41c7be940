import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoConfig, parseConfig } from '../src/model/index.js';
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
