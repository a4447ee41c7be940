import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import mqtt, { type MqttClient } from 'mqtt';
import { Bus } from '../bus/index.js';
import { DeadLetterStore, Ingest } from '../ingest/index.js';
import { TagRegistry, type Sample } from '../model/index.js';
import { EmbeddedBroker } from '../broker/index.js';
import { MOSQUITTO_URL, mosquittoSkipReason, testClient, uniquePrefix, waitFor } from '../broker/testing.js';
import { MqttJsonConnector } from '../connectors/mqtt/index.js';
import { UnsRepublisher, encodeSample, republishSchema } from './index.js';

const T = Date.UTC(2026, 0, 1, 6);

/** Collects messages under a topic filter, with their retain flag. */
async function listen(url: string, filter: string) {
  const client = await testClient(url);
  const messages: Array<{ topic: string; payload: string; retain: boolean }> = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, messages };
}

test('encodes samples as {"ts","value","quality"} JSON', () => {
  assert.equal(encodeSample({ tag: 'a/b', ts: T, value: 23.5, quality: 'good' }), `{"ts":${T},"value":23.5,"quality":"good"}`);
  assert.equal(encodeSample({ tag: 'a/b', ts: T, value: 'say "hi"', quality: 'bad' }), `{"ts":${T},"value":"say \\"hi\\"","quality":"bad"}`);
  assert.deepEqual(JSON.parse(encodeSample({ tag: 'a', ts: 1, value: false, quality: 'uncertain' })), { ts: 1, value: false, quality: 'uncertain' });
  assert.equal(republishSchema.safeParse({ prefix: 'uns/#' }).success, false);
});

function republishSuite(label: string, url: () => string) {
  test(`${label}: JSON in -> sample on the bus -> uns/v1/<path> out, retained, historical skipped`, async () => {
    const p = uniquePrefix();
    const registry = new TagRegistry();
    const bus = new Bus<Sample>();
    const ingest = new Ingest(registry, bus, new DeadLetterStore());
    const connector = new MqttJsonConnector({
      config: { rules: [{ topic: `${p}/in/{line}/{machine}`, path: 'acme/berlin/{line}/{machine}', fields: { temp: { tag: 'temperature', unit: 'degC' }, state: { tag: 'state', type: 'string' } } }] },
      url: url(),
    });
    const prefix = `${p}/uns/v1`;
    const republish = new UnsRepublisher({ bus, config: { enabled: true, prefix, retain: true, qos: 1 }, url: url() });
    const out = await listen(url(), `${prefix}/#`);
    const pub = await testClient(url());
    try {
      await republish.start();
      await connector.start({ registry, logger: pino({ level: 'silent' }), publish: (s, source) => ingest.publish(s, source) });
      await pub.publishAsync(`${p}/in/line-1/press-1`, JSON.stringify({ timestamp: T, temp: 61.5, state: 'running' }), { qos: 1 });
      // A backfill sample on the bus is stored, not republished.
      bus.publish('acme/berlin/line-1/press-1/temperature', { tag: 'acme/berlin/line-1/press-1/temperature', ts: T - 1, value: 1, quality: 'good', historical: true });
      await waitFor('two republished messages', () => out.messages.length >= 2);
      assert.deepEqual(
        out.messages.map((m) => [m.topic, JSON.parse(m.payload)]).sort(),
        [
          [`${prefix}/acme/berlin/line-1/press-1/state`, { ts: T, value: 'running', quality: 'good' }],
          [`${prefix}/acme/berlin/line-1/press-1/temperature`, { ts: T, value: 61.5, quality: 'good' }],
        ],
      );
      assert.ok(out.messages.every((m) => !m.retain), 'live delivery to an existing subscriber is not flagged retained');
      await waitFor('counters', () => republish.health().counters.published === 2);
      assert.equal(republish.health().counters.skippedHistorical, 1);
      // A late subscriber gets the latest value at once, flagged retained.
      const late = await listen(url(), `${prefix}/acme/berlin/line-1/press-1/temperature`);
      try {
        await waitFor('the retained message', () => late.messages.length === 1);
        assert.equal(late.messages[0].retain, true);
        assert.deepEqual(JSON.parse(late.messages[0].payload), { ts: T, value: 61.5, quality: 'good' });
      } finally {
        await late.client.endAsync();
      }
    } finally {
      await connector.stop();
      await republish.stop();
      // Clear the retained messages on the shared broker.
      for (const tag of ['state', 'temperature']) await pub.publishAsync(`${prefix}/acme/berlin/line-1/press-1/${tag}`, '', { retain: true, qos: 1 });
      await pub.endAsync();
      await out.client.endAsync();
    }
  });
}

function qos0Suite(label: string, url: () => string) {
  test(`${label}: QoS 0 batches go out as raw PUBLISH packets: topics, UTF-8 payloads of every length class, retain, order`, async () => {
    const p = uniquePrefix();
    const bus = new Bus<Sample>();
    const prefix = `${p}/uns/v1`;
    // mqtt.js announces each packet it writes itself: the batch path writes none of the PUBLISHes through it.
    let viaClient = 0;
    const republish = new UnsRepublisher({
      bus,
      config: { prefix, retain: true, qos: 0 },
      url: url(),
      connect: (u, options) => mqtt.connect(u, options).on('packetsend', (packet) => void (packet.cmd === 'publish' && viaClient++)),
    });
    const out = await listen(url(), `${prefix}/#`);
    const tags = ['acme/berlin/ünï/press-1/state', 'acme/berlin/line-1/press-1/recipe', 'acme/berlin/line-1/press-1/temperature'];
    // Remaining lengths of 1, 2 and 3 bytes (< 128, < 16,384, above), and multi-byte characters.
    const values: Sample['value'][] = ['läuft ✓', 'x'.repeat(300), 'y'.repeat(20_000)];
    try {
      await republish.start();
      for (let round = 0; round < 50; round++) {
        for (let i = 0; i < tags.length; i++) bus.publish(tags[i], { tag: tags[i], ts: T + round, value: round === 49 ? values[i] : round, quality: 'good' });
      }
      await waitFor('150 messages', () => out.messages.length >= 150, 5_000);
      assert.equal(republish.health().counters.published, 150);
      assert.equal(viaClient, 0);
      for (let i = 0; i < tags.length; i++) {
        const got = out.messages.filter((m) => m.topic === `${prefix}/${tags[i]}`).map((m) => JSON.parse(m.payload));
        assert.deepEqual(got.map((g) => g.ts), Array.from({ length: 50 }, (_, r) => T + r), 'in order');
        assert.deepEqual(got.at(-1), { ts: T + 49, value: values[i], quality: 'good' });
      }
      const late = await listen(url(), `${prefix}/#`);
      try {
        await waitFor('the retained messages', () => late.messages.length === 3);
        assert.ok(late.messages.every((m) => m.retain));
        assert.deepEqual(late.messages.map((m) => JSON.parse(m.payload).value).sort(), [...values].sort());
      } finally {
        await late.client.endAsync();
      }
    } finally {
      await republish.stop();
      for (const tag of tags) await out.client.publishAsync(`${prefix}/${tag}`, '', { retain: true, qos: 1 });
      await out.client.endAsync();
    }
  });
}

describe('UNS republish on the embedded broker', () => {
  const broker = new EmbeddedBroker({ port: 0 });
  before(() => broker.start());
  after(() => broker.stop());
  republishSuite('embedded', () => broker.url);
  qos0Suite('embedded', () => broker.url);

  test('without retain, a late subscriber gets nothing', async () => {
    const bus = new Bus<Sample>();
    const republish = new UnsRepublisher({ bus, config: { prefix: 'plain', retain: false }, url: broker.url });
    await republish.start();
    try {
      bus.publish('a/b', { tag: 'a/b', ts: T, value: 1, quality: 'good' });
      await waitFor('published', () => republish.health().counters.published === 1);
      const late = await listen(broker.url, 'plain/#');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(late.messages.length, 0);
      await late.client.endAsync();
    } finally {
      await republish.stop();
    }
  });

  test('while the broker is away the bounded queue holds samples, drops are counted, and publishing resumes after the restart', async () => {
    const bus = new Bus<Sample>();
    const republish = new UnsRepublisher({ bus, config: { prefix: 'q', queueLimit: 100, overflow: 'drop-oldest' }, url: broker.url, reconnectPeriod: 100 });
    await republish.start();
    const port = broker.port;
    let out: { client: MqttClient; messages: Array<{ topic: string; payload: string }> } | undefined;
    try {
      await broker.stop();
      await waitFor('disconnected', () => republish.health().state === 'disconnected');
      for (let i = 0; i < 250; i++) bus.publish('a/b', { tag: 'a/b', ts: T + i, value: i, quality: 'good' });
      await waitFor('the queue to fill', () => republish.health().counters.queueDropped > 0);
      const dropped = republish.health().counters.queueDropped;
      // 250 published into a queue of 100 before the first drain: 150 dropped (the oldest), counted.
      assert.equal(dropped, 150);
      await broker.start(port);
      out = await listen(broker.url, 'q/#');
      await waitFor('reconnected and drained', () => republish.health().counters.published + dropped >= 250 && republish.health().counters.queueDepth === 0, 5_000);
      const h = republish.health();
      assert.equal(h.state, 'connected');
      assert.ok(h.counters.reconnects >= 1);
      assert.equal(h.counters.published + h.counters.queueDropped + h.counters.publishErrors, 250, JSON.stringify(h.counters));
      // drop-oldest: the newest sample survives.
      await waitFor('the newest sample', () => out!.messages.some((m) => JSON.parse(m.payload).value === 249));
    } finally {
      await republish.stop();
      await out?.client.endAsync();
      if (!broker.running) await broker.start(port);
    }
  });
});

const mosquittoSkip = await mosquittoSkipReason();
describe('UNS republish on Mosquitto (external broker mode)', { skip: mosquittoSkip }, () => {
  republishSuite('mosquitto', () => MOSQUITTO_URL);
  qos0Suite('mosquitto', () => MOSQUITTO_URL);
});
