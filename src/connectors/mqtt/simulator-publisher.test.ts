// The virtual factory as plain MQTT JSON publishers, read back by the connector with the default
// rules: the same UNS paths, tag definitions and values as the built-in simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Bus } from '../../bus/index.js';
import { DeadLetterStore, Ingest } from '../../ingest/index.js';
import { TagRegistry, loadDemoConfig, type Sample } from '../../model/index.js';
import { EmbeddedBroker } from '../../broker/index.js';
import { uniquePrefix, waitFor } from '../../broker/testing.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, simulatorTagDefinitions } from '../simulator/index.js';
import { MqttJsonConnector, runMqttJsonPublisher, simulatorMappingRules } from './index.js';

const plant = loadDemoConfig().config.plant;

test('simulator publisher -> broker -> connector gives the simulator\'s own paths, tags and values', { timeout: 30_000 }, async () => {
  const broker = new EmbeddedBroker({ port: 0 });
  await broker.start();
  const prefix = uniquePrefix('loom-sim');
  const options = { seed: 7, tickMs: 1_000, speed: 20, faults: false };
  const start = Date.UTC(2026, 0, 5, 8); // a Monday morning: machines are working
  const registry = new TagRegistry();
  const bus = new Bus<Sample>();
  const deadLetters = new DeadLetterStore();
  const ingest = new Ingest(registry, bus, deadLetters);
  const got: Sample[] = [];
  bus.subscribe('#', (s) => void got.push(...s), { name: 'test' });
  const connector = new MqttJsonConnector({ config: { qos: 1, rules: simulatorMappingRules(plant, options, prefix) }, url: broker.url });
  for (const tag of connector.tagDefinitions()) registry.upsert(tag);
  await connector.start({ registry, logger: pino({ level: 'silent' }), publish: (s, source) => ingest.publish(s, source) });
  const controller = new AbortController();
  let ticks = 0;
  const run = runMqttJsonPublisher({ plant, options, url: broker.url, topicPrefix: prefix, signal: controller.signal, start, qos: 1, onTick: (t) => (ticks = t.ticks) });
  try {
    await waitFor('20 ticks published', () => ticks >= 20, 10_000);
    controller.abort();
    const result = await run;
    await waitFor('every sample on the bus', () => got.length === result.samples, 5_000);

    // Same tag definitions (path, type, unit, range, role, states) as the simulator declares.
    const expectedDefs = simulatorTagDefinitions(plant, options);
    assert.ok(expectedDefs.length > 50);
    const strip = ({ source: _s, ...rest }: Record<string, unknown>) => rest;
    for (const def of expectedDefs) {
      const { id: _id, ...registered } = registry.get(def.path) ?? { id: 0, path: def.path };
      assert.deepEqual(strip(registered), strip({ ...def }), def.path);
    }
    // Same samples as the engine computes in-process for the same ticks.
    const sim = new FactorySimulation(plant, options, start);
    const expected: RawSample[] = [];
    for (let i = 0; i < result.ticks; i++) sim.step(expected);
    const key = (s: { tag: string; ts: unknown; value: unknown }) => `${s.tag}@${s.ts}=${JSON.stringify(s.value)}`;
    assert.equal(got.length, expected.length);
    assert.deepEqual(got.map(key).sort(), expected.map(key).sort());
    assert.equal(result.messages, connector.health().counters!.messages);
    assert.equal(connector.health().counters!.deadLetters, 0);
    assert.equal(deadLetters.total, 0);
    // One message per machine per tick at most.
    assert.ok(result.messages <= result.ticks * simulatorMappingRules(plant, options, prefix).length);
  } finally {
    controller.abort();
    await run.catch(() => undefined);
    await connector.stop();
    await broker.stop();
  }
});
