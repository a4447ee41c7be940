// Property test: whatever arrives on whatever topic, the mapper never throws, and every message
// either yields samples or is a counted dead letter. Runs in-process, no broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TagRegistry } from '../../model/index.js';
import { isValidSegment } from '../../model/paths.js';
import type { RawSample } from '../types.js';
import { JsonMapper, type MqttJsonConnectorConfigInput } from './index.js';

const RUNS = 100_000;

const rules: MqttJsonConnectorConfigInput['rules'] = [
  {
    topic: 'factory/{line}/{machine}/telemetry',
    path: 'acme/berlin/{line}/{machine}',
    timestamp: { field: 'ts', format: 'auto' },
    fields: { temp: { tag: 'temperature', unit: 'degC', scale: 0.1 }, rpm: 'spindle_speed', on: { tag: 'running', type: 'boolean' }, name: { tag: 'product', type: 'string' } },
  },
  { topic: 'plc/{machine}/{signal}', path: 'acme/berlin/plc/{machine}', tag: '{signal}' },
  { topic: 'raw/#', path: 'acme/raw', tag: { tag: 'value', type: 'json' } },
];

const level = fc.oneof(
  fc.constantFrom('line-1', 'press-1', 'Line 1', '', '+', '#', 'é', '%%', 'a_b', 'telemetry', 'factory', 'plc', 'raw'),
  fc.string({ maxLength: 12 }),
);
const goodLevel = fc.constantFrom('line-1', 'press-1', 'Line 2', 'cnc_3', 'temp', 'pressure');
const topic = fc.oneof(
  { arbitrary: fc.tuple(goodLevel, goodLevel).map(([l, m]) => `factory/${l}/${m}/telemetry`), weight: 2 },
  { arbitrary: fc.tuple(goodLevel, goodLevel).map(([m, s]) => `plc/${m}/${s}`), weight: 2 },
  fc.tuple(level, level).map(([l, m]) => `factory/${l}/${m}/telemetry`),
  fc.tuple(level, level).map(([m, s]) => `plc/${m}/${s}`),
  fc.array(level, { minLength: 1, maxLength: 6 }).map((levels) => levels.join('/')),
  fc.string({ maxLength: 40 }),
);
const anyValue = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 20 }), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const time = fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.double(), fc.constantFrom('2026-01-01T00:00:00Z', 'soon', '1767225600', ''), anyValue);
const objectPayload = fc.record(
  { ts: time, temp: anyValue, rpm: anyValue, on: anyValue, name: anyValue, value: anyValue, quality: fc.constantFrom('good', 'bad', 'uncertain', 'great', 3) },
  { requiredKeys: [] },
);
const goodPayload = fc.oneof(
  fc.record({ ts: fc.integer({ min: 1.6e12, max: 1.9e12 }), temp: fc.integer({ min: -500, max: 3000 }), rpm: fc.double({ min: 0, max: 1e4, noNaN: true }) }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.record({ value: fc.double({ min: -1e6, max: 1e6, noNaN: true }), ts: fc.integer({ min: 1.6e9, max: 1.9e9 }) }),
);
const payload = fc.oneof(
  { arbitrary: goodPayload.map((v) => Buffer.from(JSON.stringify(v))), weight: 3 },
  objectPayload.map((o) => Buffer.from(JSON.stringify(o))),
  fc.array(objectPayload, { maxLength: 4 }).map((a) => Buffer.from(JSON.stringify(a))),
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')),
  fc.string({ maxLength: 60 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 500, max: 1_500 }).map((n) => Buffer.alloc(n, 0x31)), // around the 1,000-byte limit
);

test(`${RUNS.toLocaleString('en-US')} generated topics and payloads: never throws; samples or a counted dead letter`, { timeout: 60_000 }, () => {
  const registry = new TagRegistry();
  const letters = { count: 0 };
  const make = (action: 'refuse' | 'create') =>
    new JsonMapper({
      id: 'fuzz',
      rules,
      registry,
      maxPayloadBytes: 1_000,
      unmapped: { action, root: 'fuzz', maxTags: 2_000 },
      deadLetter: () => void letters.count++,
    });
  const mappers = { refuse: make('refuse'), create: make('create') };
  const started = performance.now();
  const receivedAt = Date.UTC(2026, 0, 1);
  fc.assert(
    fc.property(topic, payload, fc.boolean(), (t, p, create) => {
      const mapper = create ? mappers.create : mappers.refuse;
      const before = { dead: mapper.counters.deadLetters, letters: letters.count };
      const out: RawSample[] = [];
      const n = mapper.handle(t, p, receivedAt, out);
      assert.equal(n, out.length);
      const dead = mapper.counters.deadLetters - before.dead;
      assert.ok(n > 0 || dead > 0, `message on ${JSON.stringify(t)} gave neither samples nor a dead letter`);
      assert.equal(letters.count - before.letters, dead, 'every counted refusal reached the dead-letter callback');
      for (const s of out) {
        assert.ok(s.tag.split('/').every(isValidSegment), `bad path ${s.tag}`);
        assert.ok(registry.has(s.tag), `sample for unregistered tag ${s.tag}`);
        assert.equal(typeof s.ts, 'number');
        assert.ok(Number.isFinite(s.ts as number));
        assert.ok(['number', 'boolean', 'string'].includes(typeof s.value));
        if (typeof s.value === 'number') assert.ok(Number.isFinite(s.value));
        assert.ok(s.quality === 'good' || s.quality === 'bad' || s.quality === 'uncertain');
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 20260101) },
  );
  const seconds = (performance.now() - started) / 1_000;
  for (const mapper of Object.values(mappers)) assert.equal(mapper.rejected.internal_error, 0, 'no input reached the internal-error safety net');
  const total = mappers.create.counters.messages + mappers.refuse.counters.messages;
  assert.equal(total, RUNS);
  assert.ok(registry.size <= 2 * 2_000, `auto-creation is bounded (${registry.size} tags)`);
  // Every reason the generators can provoke did occur, so the property was not vacuous.
  const seen = new Set(Object.values(mappers).flatMap((m) => Object.entries(m.rejected).filter(([, n]) => n > 0).map(([r]) => r)));
  for (const reason of ['bad_topic', 'too_large', 'not_utf8', 'malformed_json', 'unmapped_topic', 'wrong_type', 'bad_timestamp', 'bad_quality', 'no_samples', 'unexpected_shape']) {
    assert.ok(seen.has(reason), `no ${reason} among ${[...seen].join(', ')}`);
  }
  const samples = mappers.create.counters.samples + mappers.refuse.counters.samples;
  assert.ok(samples > RUNS / 10, `only ${samples} samples: the generators rarely hit a mapping`);
  assert.ok(seconds < 50, `took ${seconds.toFixed(1)} s`);
});
