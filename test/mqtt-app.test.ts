import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { loadDemoConfig, parseConfig } from '../src/model/index.js';
import { simulatorMappingRules } from '../src/connectors/mqtt/index.js';
import { eventually, startTestLoom } from './helpers.js';

// Eclipse Tahu's JavaScript codec (dev dependency): the scripted edge node encodes and decodes with it.
const tahu = (createRequire(import.meta.url)('sparkplug-payload') as { get(ns: string): { encodePayload(p: unknown): Uint8Array; decodePayload(b: Uint8Array): { metrics: Array<Record<string, unknown>> } } }).get('spBv1.0');

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

test('Sparkplug write-back through the API: a template member goes out as DCMD with its template instance (decoded by Tahu), audited', async () => {
  const base = loadDemoConfig();
  const config = parseConfig(JSON.stringify({ plant: base.config.plant, simulator: { enabled: false }, sparkplug: { enabled: true, root: 'plant' } }));
  const loom = await startTestLoom({ loaded: { ...base, config } });
  const edge = await mqtt.connectAsync(loom.mqttUrl!, { clientId: `edge-${process.pid}` });
  const commands: Buffer[] = [];
  edge.on('message', (_topic, payload) => commands.push(payload));
  try {
    await edge.subscribeAsync('spBv1.0/g1/DCMD/n1/d1');
    const ts = Date.now();
    const members = [{ name: 'rpm', type: 'Double', value: 0 }, { name: 'amps', type: 'Float', value: 0 }];
    const birth = (seq: number, metrics: unknown[]) => Buffer.from(tahu.encodePayload({ timestamp: ts, seq, metrics }));
    await edge.publishAsync('spBv1.0/g1/NBIRTH/n1', birth(0, [
      { name: 'bdSeq', type: 'UInt64', value: 0 },
      { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
      { name: 'MotorType', type: 'Template', value: { isDefinition: true, metrics: members } },
    ]));
    await edge.publishAsync('spBv1.0/g1/DBIRTH/n1/d1', birth(1, [
      { name: 'Motor A', alias: 7, type: 'Template', value: { templateRef: 'MotorType', isDefinition: false, metrics: [{ name: 'rpm', type: 'Double', value: 1450 }, { name: 'amps', type: 'Float', value: 3.5 }] } },
    ]));
    const tag = 'plant/g1/n1/d1/motor_a/rpm';
    await eventually(() => loom.registry.has(tag), 10_000, 'the template member as a tag');
    const response = await fetch(`${loom.url}/api/v1/tags/${tag}/write`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 1600, user: 'alice' }) });
    assert.equal(response.status, 200, await response.clone().text());
    await eventually(() => commands.length === 1, 5_000, 'the DCMD at the edge node');
    const [metric] = tahu.decodePayload(commands[0]).metrics;
    assert.deepEqual([Number(metric.alias), metric.type], [7, 'Template']);
    const instance = metric.value as { templateRef: string; isDefinition: boolean; metrics: Array<{ name: string; type: string; value: number }> };
    assert.deepEqual([instance.templateRef, instance.isDefinition, instance.metrics.map((m) => [m.name, m.type, m.value])], ['MotorType', false, [['rpm', 'Double', 1600]]]);
    const audit = (await (await fetch(`${loom.url}/api/v1/audit`)).json()) as { items: Array<{ tag: string; value: unknown; user: string; connector: string; result: string }> };
    assert.deepEqual(audit.items.map((a) => [a.tag, a.value, a.user, a.connector, a.result]), [[tag, 1600, 'alice', 'sparkplug', 'ok']]);
  } finally {
    await edge.endAsync();
    await loom.stop();
  }
});
