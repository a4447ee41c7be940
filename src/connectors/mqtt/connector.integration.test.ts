// The MQTT JSON connector over real sockets: one suite, run against the embedded aedes broker (on an
// ephemeral port) and against Mosquitto on 127.0.0.1:1883 (external broker mode; skipped with a
// message when it is not running, an error in CI).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { MqttClient } from 'mqtt';
import { Bus } from '../../bus/index.js';
import { DeadLetterStore, Ingest } from '../../ingest/index.js';
import { TagRegistry, type Sample } from '../../model/index.js';
import { EmbeddedBroker } from '../../broker/index.js';
import { MOSQUITTO_URL, mosquittoSkipReason, testClient, uniquePrefix, waitFor } from '../../broker/testing.js';
import { MqttJsonConnector, type MqttDeadLetterReason, type MqttJsonConnectorConfigInput } from './index.js';

/** Loom's data path around one connector: registry, ingest, bus, and what reached the bus. */
async function harness(url: string, config: MqttJsonConnectorConfigInput) {
  const registry = new TagRegistry();
  const bus = new Bus<Sample>();
  const ingest = new Ingest(registry, bus, new DeadLetterStore());
  const got: Sample[] = [];
  bus.subscribe('#', (samples) => void got.push(...samples), { name: 'test' });
  const letters: Array<{ reason: MqttDeadLetterReason; detail: string; topic: string }> = [];
  const connector = new MqttJsonConnector({
    config: { reconnectPeriod: 100, ...config },
    url,
    deadLetter: (reason, detail, raw) => letters.push({ reason, detail, topic: raw.topic }),
    connectWaitMs: 3_000,
  });
  for (const tag of connector.tagDefinitions()) registry.upsert(tag);
  await connector.start({ registry, logger: pino({ level: 'silent' }), publish: (samples, source) => ingest.publish(samples, source) });
  assert.equal(connector.health().state, 'connected');
  return { registry, got, letters, connector, ingest };
}

const T = Date.UTC(2026, 0, 1, 6);
const byTagTs = (a: Sample, b: Sample) => a.tag.localeCompare(b.tag) || a.ts - b.ts;

function connectorSuite(label: string, brokerUrl: () => string) {
  let pub: MqttClient;
  const cleanups: Array<() => Promise<void>> = [];
  before(async () => {
    pub = await testClient(brokerUrl());
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    await pub.endAsync();
  });

  test(`${label}: every payload shape, units, scaling and timestamps, over QoS 0 and QoS 1`, async () => {
    const p = uniquePrefix();
    const h = await harness(brokerUrl(), {
      qos: 1,
      rules: [
        { topic: `${p}/q0/{machine}/temp`, path: 'acme/berlin/{machine}', qos: 0, tag: { tag: 'temperature', unit: 'degC', scale: 0.1 } },
        {
          topic: `${p}/q1/{line}/{machine}/telemetry`,
          path: 'acme/berlin/{line}/{machine}',
          timestamp: { field: 'timestamp_ms', format: 'ms' },
          fields: { temp: { tag: 'temperature', unit: 'degC' }, rpm: { tag: 'spindle_speed', unit: 'rpm' }, on: { tag: 'running', type: 'boolean' } },
        },
        { topic: `${p}/arr/{machine}`, path: 'acme/berlin/{machine}', tag: { tag: 'pressure', unit: 'bar' } },
        { topic: `${p}/iso/{machine}`, path: 'acme/berlin/{machine}', timestamp: { field: 'time', format: 'iso' }, tag: 'product' },
        { topic: `${p}/sec/{machine}`, path: 'acme/berlin/{machine}', timestamp: { field: 'ts', format: 's' }, tag: 'speed' },
      ],
    });
    cleanups.push(() => h.connector.stop());
    const before = Date.now();
    await pub.publishAsync(`${p}/q0/press-1/temp`, '235', { qos: 0 });
    await pub.publishAsync(`${p}/q1/line-1/cnc-1/telemetry`, JSON.stringify({ timestamp_ms: T, temp: 61.5, rpm: 1200, on: true }), { qos: 1 });
    await pub.publishAsync(`${p}/arr/press-1`, JSON.stringify([{ value: 180, timestamp: T }, { value: 181, timestamp: T + 1_000 }]), { qos: 1 });
    await pub.publishAsync(`${p}/iso/press-1`, JSON.stringify({ value: 'P-100', time: '2026-01-01T06:00:00.250Z' }), { qos: 1 });
    await pub.publishAsync(`${p}/sec/press-1`, JSON.stringify({ value: 3, ts: T / 1_000 }), { qos: 0 });
    await waitFor('8 samples on the bus', () => h.got.length >= 8);
    const plain = h.got.find((s) => s.tag === 'acme/berlin/press-1/temperature')!;
    assert.ok(plain.ts >= before && plain.ts <= Date.now(), 'a plain value gets the receive time');
    assert.deepEqual(
      h.got.map((s) => (s === plain ? { ...s, ts: 0 } : s)).sort(byTagTs),
      [
        { tag: 'acme/berlin/line-1/cnc-1/running', ts: T, value: true, quality: 'good' },
        { tag: 'acme/berlin/line-1/cnc-1/spindle_speed', ts: T, value: 1200, quality: 'good' },
        { tag: 'acme/berlin/line-1/cnc-1/temperature', ts: T, value: 61.5, quality: 'good' },
        { tag: 'acme/berlin/press-1/pressure', ts: T, value: 180, quality: 'good' },
        { tag: 'acme/berlin/press-1/pressure', ts: T + 1_000, value: 181, quality: 'good' },
        { tag: 'acme/berlin/press-1/product', ts: T + 250, value: 'P-100', quality: 'good' },
        { tag: 'acme/berlin/press-1/speed', ts: T, value: 3, quality: 'good' },
        { tag: 'acme/berlin/press-1/temperature', ts: 0, value: 23.5, quality: 'good' },
      ],
    );
    assert.equal(h.registry.get('acme/berlin/press-1/temperature')?.unit, 'degC');
    assert.equal(h.registry.get('acme/berlin/line-1/cnc-1/spindle_speed')?.unit, 'rpm');
    assert.equal(h.registry.get('acme/berlin/line-1/cnc-1/running')?.type, 'boolean');
    assert.equal(h.registry.get('acme/berlin/press-1/product')?.type, 'string');
    const counters = h.connector.health().counters!;
    // QoS 1 publishes on QoS 1 subscriptions arrive as QoS 1; the QoS 0 rule and QoS 0 publishes arrive as QoS 0.
    assert.equal(counters.messagesQos1, 3);
    assert.equal(counters.messagesQos0, 2);
    assert.equal(counters.samples, 8);
    assert.equal(counters.deadLetters, 0);
    assert.deepEqual(h.letters, []);
  });

  test(`${label}: unmapped topics are auto-created under the root, or refused`, async () => {
    const p = uniquePrefix();
    const creating = await harness(brokerUrl(), { id: 'creating', unmapped: { action: 'create', root: 'acme/mqtt', topics: [`${p}/auto/#`] } });
    const refusing = await harness(brokerUrl(), {
      id: 'refusing',
      rules: [{ topic: `${p}/auto/known`, path: 'acme/known', tag: 'value' }],
      unmapped: { action: 'refuse', topics: [`${p}/auto/#`] },
    });
    cleanups.push(() => creating.connector.stop(), () => refusing.connector.stop());
    await pub.publishAsync(`${p}/auto/Hall-A/humidity`, '41.5', { qos: 1 });
    await pub.publishAsync(`${p}/auto/hall-a/env`, JSON.stringify({ co2: 800, ok: true }), { qos: 1 });
    await pub.publishAsync(`${p}/auto/known`, '7', { qos: 1 });
    await waitFor('auto-created samples', () => creating.got.length >= 4 && refusing.got.length >= 1 && refusing.letters.length >= 2);
    const root = `acme/mqtt/${p}/auto`;
    assert.deepEqual(creating.got.map((s) => `${s.tag}=${s.value}`).sort(), [`${root}/hall-a/env/co2=800`, `${root}/hall-a/env/ok=true`, `${root}/hall-a/humidity=41.5`, `${root}/known=7`]);
    assert.equal(creating.registry.get(`${root}/hall-a/env/ok`)?.type, 'boolean');
    assert.equal(creating.registry.get(`${root}/hall-a/humidity`)?.source, 'creating');
    assert.equal(creating.connector.health().counters!.tagsCreated, 4);
    assert.deepEqual(refusing.got.map((s) => `${s.tag}=${s.value}`), ['acme/known/value=7']);
    assert.deepEqual(refusing.letters.map((l) => l.reason), ['unmapped_topic', 'unmapped_topic']);
    assert.equal(refusing.connector.health().counters!.dead_unmapped_topic, 2);
    assert.equal(refusing.registry.size, 1);
  });

  test(`${label}: bad input from the wire is counted per reason and dead-lettered; the connector carries on`, async () => {
    const p = uniquePrefix();
    const h = await harness(brokerUrl(), { maxPayloadBytes: 64, rules: [{ topic: `${p}/{machine}/t`, path: 'acme/{machine}', tag: { tag: 't', type: 'number' } }] });
    cleanups.push(() => h.connector.stop());
    await pub.publishAsync(`${p}/m1/t`, '{"value":', { qos: 1 });
    await pub.publishAsync(`${p}/m1/t`, Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    await pub.publishAsync(`${p}/m1/t`, JSON.stringify({ value: 1, pad: 'x'.repeat(100) }), { qos: 1 });
    await pub.publishAsync(`${p}/m1/t`, '"hot"', { qos: 1 });
    await pub.publishAsync(`${p}/m1/t`, '5', { qos: 1 });
    await waitFor('the good sample after the bad ones', () => h.got.length === 1 && h.letters.length === 4);
    assert.deepEqual(h.letters.map((l) => l.reason), ['malformed_json', 'not_utf8', 'too_large', 'wrong_type']);
    assert.ok(h.letters.every((l) => l.topic === `${p}/m1/t`));
    const c = h.connector.health().counters!;
    assert.deepEqual([c.dead_malformed_json, c.dead_not_utf8, c.dead_too_large, c.dead_wrong_type, c.deadLetters], [1, 1, 1, 1, 4]);
    assert.equal(h.got[0].value, 5);
    assert.equal(h.connector.health().state, 'connected');
  });

  test(`${label}: write() publishes to the rule's command topic (scaling undone); tags without one are refused`, async () => {
    const p = uniquePrefix();
    const h = await harness(brokerUrl(), {
      rules: [
        { topic: `${p}/data/{machine}/setpoint`, path: 'acme/{machine}', tag: { tag: 'setpoint', scale: 0.1 }, command: `${p}/cmd/{machine}/{tag}` },
        { topic: `${p}/data/{machine}/temp`, path: 'acme/{machine}', tag: 'temp' },
      ],
    });
    cleanups.push(() => h.connector.stop());
    const sub = await testClient(brokerUrl());
    try {
      const commands: Array<{ topic: string; payload: { value: number; timestamp: number } }> = [];
      sub.on('message', (topic, payload) => commands.push({ topic, payload: JSON.parse(payload.toString()) }));
      await sub.subscribeAsync(`${p}/cmd/#`, { qos: 1 });
      await pub.publishAsync(`${p}/data/oven-1/setpoint`, '1800', { qos: 1 });
      await pub.publishAsync(`${p}/data/oven-1/temp`, '175', { qos: 1 });
      await waitFor('two samples', () => h.got.length === 2);
      await h.connector.write('acme/oven-1/setpoint', 185.5);
      await waitFor('the command', () => commands.length === 1);
      assert.equal(commands[0].topic, `${p}/cmd/oven-1/setpoint`);
      assert.equal(commands[0].payload.value, 1855);
      assert.ok(Math.abs(commands[0].payload.timestamp - Date.now()) < 5_000);
      await assert.rejects(h.connector.write('acme/oven-1/temp', 1), /tag 'acme\/oven-1\/temp' has no command topic: add 'command:'/);
      await assert.rejects(h.connector.write('acme/oven-9/setpoint', 1), /is not fed by MQTT connector 'mqtt-json'/);
      assert.equal(h.connector.health().counters!.commandsPublished, 1);
    } finally {
      await sub.endAsync();
    }
  });
}

describe('MQTT JSON connector on the embedded broker', () => {
  const broker = new EmbeddedBroker({ port: 0 });
  before(() => broker.start());
  after(() => broker.stop());
  connectorSuite('embedded', () => broker.url);

  test('embedded: reconnects and resubscribes after the broker restarts on the same port, without a restart of the connector', async () => {
    const p = uniquePrefix();
    const h = await harness(broker.url, { rules: [{ topic: `${p}/{machine}/t`, path: 'acme/{machine}', tag: 't' }] });
    try {
      const send = async (value: number) => {
        const c = await testClient(broker.url);
        await c.publishAsync(`${p}/m1/t`, String(value), { qos: 1 });
        await c.endAsync();
      };
      await send(1);
      await waitFor('the first sample', () => h.got.length === 1);
      await broker.stop();
      await waitFor('the connector to notice', () => h.connector.health().state === 'disconnected');
      await broker.start(broker.port);
      await waitFor('the reconnect', () => h.connector.health().state === 'connected', 5_000);
      await send(2);
      await waitFor('a sample after the restart', () => h.got.length === 2);
      assert.deepEqual(h.got.map((s) => s.value), [1, 2]);
      const c = h.connector.health().counters!;
      assert.ok(c.reconnects >= 1, `reconnects ${c.reconnects}`);
      assert.ok(c.disconnects >= 1);
    } finally {
      await h.connector.stop();
    }
  });
});

const mosquittoSkip = await mosquittoSkipReason();
describe('MQTT JSON connector on Mosquitto (external broker mode)', { skip: mosquittoSkip }, () => {
  connectorSuite('mosquitto', () => MOSQUITTO_URL);
});
