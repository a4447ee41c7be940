import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import mqtt from 'mqtt';
import { loadDemoConfig, parseConfig } from '../src/model/index.js';
import { simulatorMappingRules } from '../src/connectors/mqtt/index.js';
import { eventually, startTestLoom } from './helpers.js';

// A machine the demo serves over Sparkplug (filler-1 and oven-1 go over Modbus and OPC UA).
const MACHINE = 'acme/berlin/machining/line-1/cnc-1';

test('demo over Sparkplug: simulated edge nodes on the embedded broker feed the UNS and the historian', async () => {
  const demo = loadDemoConfig();
  assert.equal(demo.config.simulator.transport, 'sparkplug');
  const loom = await startTestLoom({ loaded: demo, simulator: true });
  try {
    assert.match(loom.mqttUrl ?? '', /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    await eventually(() => loom.connectors.find((c) => c.id === 'simulator')?.health().state === 'connected', 30_000, 'the edge nodes online');
    const online = Date.now();
    const live = await eventually(
      () => loom.historian.latest(`${MACHINE}/temperature`).find((v) => v.ts >= online),
      20_000,
      'a live temperature from the Sparkplug host',
    );
    assert.equal(live.quality, 'good');
    assert.equal(loom.registry.get(`${MACHINE}/temperature`)?.source, 'sparkplug');
    const health = loom.connectors.map((c) => c.health()).filter((h) => h.id === 'sparkplug' || h.id === 'simulator');
    assert.deepEqual(health.map((h) => [h.id, h.state]), [['sparkplug', 'connected'], ['simulator', 'connected']]);
    assert.ok((health[0].counters?.nodesOnline ?? 0) >= 3, JSON.stringify(health[0].counters));
    // The first hour of history was filled before the edge nodes took over.
    await loom.bus.idle();
    await loom.historian.flush();
    const history = await loom.historian.query({ tag: `${MACHINE}/temperature`, from: Date.now() - 3_600_000, to: Date.now(), bucketMs: 60_000, agg: 'avg' });
    assert.ok(history.points.length >= 55, `${history.points.length} minutes of history`);
    assert.equal(loom.deadLetters.total, 0, JSON.stringify(loom.deadLetters.list(5)));
  } finally {
    await loom.stop();
  }
});

test('MQTT JSON and UNS republish: `loom simulate --mqtt-json` into Loom, then out again at uns/v1/<path>', async () => {
  const base = loadDemoConfig();
  const prefix = `loom-sim-${process.pid}`;
  const config = parseConfig(
    JSON.stringify({
      plant: base.config.plant,
      simulator: { enabled: false },
      republish: { enabled: true, prefix: `uns-${process.pid}/v1` },
      mqtt: { json: [{ id: 'mqtt-json', rules: simulatorMappingRules(base.config.plant, {}, prefix) }] },
    }),
  );
  const loom = await startTestLoom({ loaded: { ...base, config } });
  const watcher = await mqtt.connectAsync(loom.mqttUrl!);
  const republished: string[] = [];
  watcher.on('message', (topic) => republished.push(topic));
  await watcher.subscribeAsync(`uns-${process.pid}/v1/${MACHINE}/#`);
  const publisher = spawn(process.execPath, ['bin/loom.js', 'simulate', '--mqtt-json', loom.mqttUrl!, '--topic-prefix', prefix], { stdio: 'ignore' });
  try {
    await eventually(() => loom.historian.latest(`${MACHINE}/temperature`).length > 0, 20_000, 'a temperature over MQTT JSON');
    assert.equal(loom.registry.get(`${MACHINE}/temperature`)?.unit, 'degC');
    await eventually(() => republished.includes(`uns-${process.pid}/v1/${MACHINE}/temperature`), 10_000, 'the republished temperature');
    const json = loom.connectors.find((c) => c.id === 'mqtt-json')!.health();
    assert.equal(json.state, 'connected');
  } finally {
    publisher.kill('SIGINT');
    await new Promise((resolve) => publisher.once('exit', resolve));
    await watcher.endAsync();
    await loom.stop();
  }
});
