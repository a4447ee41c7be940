import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus } from '../bus/index.js';
import { TagRegistry, type Sample } from '../model/index.js';
import { DeadLetterStore, Ingest, parseTimestamp } from './index.js';

function setup() {
  const registry = new TagRegistry();
  registry.upsert({ path: 'a/m/temp', asset: 'a/m', name: 'temp', type: 'number', unit: 'degC' });
  registry.upsert({ path: 'a/m/running', asset: 'a/m', name: 'running', type: 'boolean' });
  registry.upsert({ path: 'a/m/product', asset: 'a/m', name: 'product', type: 'string' });
  registry.upsert({ path: 'a/m/recipe', asset: 'a/m', name: 'recipe', type: 'json' });
  const bus = new Bus<Sample>();
  const got: Sample[] = [];
  bus.subscribe('#', (m) => void got.push(...m), { name: 'test' });
  const deadLetters = new DeadLetterStore();
  return { ingest: new Ingest(registry, bus, deadLetters), bus, got, deadLetters };
}

const T = Date.UTC(2026, 10, 26, 8, 0, 0);

test('accepts valid samples of every type and publishes them under their path', async () => {
  const { ingest, bus, got } = setup();
  const result = ingest.submit(
    [
      { tag: 'a/m/temp', ts: T, value: 21.5 },
      { tag: 'a/m/running', ts: new Date(T).toISOString(), value: 1 },
      { tag: 'a/m/product', ts: new Date(T), value: 'P-100', quality: 'uncertain' },
      { tag: 'a/m/recipe', ts: String(T), value: { speed: 3 } },
    ],
    'test',
  );
  await bus.idle();
  assert.deepEqual(result, { accepted: 4, rejected: 0 });
  assert.deepEqual(got, [
    { tag: 'a/m/temp', ts: T, value: 21.5, quality: 'good' },
    { tag: 'a/m/running', ts: T, value: true, quality: 'good' },
    { tag: 'a/m/product', ts: T, value: 'P-100', quality: 'uncertain' },
    { tag: 'a/m/recipe', ts: T, value: '{"speed":3}', quality: 'good' },
  ]);
});

test('unknown tags, wrong types, bad timestamps and bad values are dead-lettered with a reason', async () => {
  const { ingest, bus, got, deadLetters } = setup();
  const bad = [
    { tag: 'a/m/nope', ts: T, value: 1 },
    { tag: 'a/m/temp', ts: T, value: 'hot' },
    { tag: 'a/m/temp', ts: 'yesterday', value: 1 },
    { tag: 'a/m/temp', ts: T / 1000, value: 1 }, // seconds sent as ms
    { tag: 'a/m/temp', ts: T, value: Number.NaN },
    { tag: 'a/m/running', ts: T, value: 'yes' },
    { tag: 'a/m/product', ts: T, value: 7 },
    { tag: 'a/m/temp', ts: T, value: 1, quality: 'great' as never },
    null as never,
  ];
  const result = ingest.submit(bad, 'mqtt');
  await bus.idle();
  assert.deepEqual(result, { accepted: 0, rejected: bad.length });
  assert.equal(got.length, 0);
  assert.deepEqual(deadLetters.byReason(), { unknown_tag: 1, wrong_type: 3, bad_timestamp: 2, bad_value: 1, bad_quality: 1, malformed: 1 });
  const [latest] = deadLetters.list(1);
  assert.equal(latest.reason, 'malformed');
  const unknown = deadLetters.list(100).find((d) => d.reason === 'unknown_tag')!;
  assert.equal(unknown.source, 'mqtt');
  assert.match(unknown.detail, /'a\/m\/nope' is not in the plant model/);
  assert.deepEqual(unknown.sample, bad[0]);
  const details = deadLetters.list(100).map((d) => d.detail);
  assert.ok(details.includes(`'a/m/temp' is a number tag but got string "hot"`), details.join('\n'));
  assert.deepEqual(ingest.stats(), { received: 9, accepted: 0, rejected: 9 });
});

test('dead letters are appended to a file and the memory copy is bounded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-dlq-'));
  try {
    const file = join(dir, 'dead-letters.jsonl');
    const store = new DeadLetterStore({ file, memoryLimit: 3 });
    for (let i = 0; i < 5; i++) store.add({ source: 's', reason: 'unknown_tag', detail: `d${i}`, sample: { i } });
    await store.close();
    assert.deepEqual(store.list(10).map((d) => d.detail), ['d4', 'd3', 'd2']);
    assert.equal(store.total, 5);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.detail), ['d0', 'd1', 'd2', 'd3', 'd4']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseTimestamp accepts ms, ISO strings and digit strings, and refuses junk', () => {
  assert.equal(parseTimestamp(T), T);
  assert.equal(parseTimestamp('2026-11-26T08:00:00Z'), T);
  assert.equal(parseTimestamp('2026-11-26T09:00:00+01:00'), T);
  assert.equal(parseTimestamp(`${T}`), T);
  for (const junk of ['', 'soon', Number.POSITIVE_INFINITY, null, undefined, {}, -5, 1e15]) {
    assert.equal(parseTimestamp(junk), undefined, String(junk));
  }
});
