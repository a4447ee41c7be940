// Golden cases: each file in testcases/ holds a connector config, the messages in, and the samples
// and dead letters (or the config error) expected. One loop runs them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TagRegistry, type TagDefinition } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { JsonMapper, mqttJsonConnectorSchema, type MqttDeadLetterReason } from './index.js';

interface GoldenCase {
  description: string;
  connector: Record<string, unknown>;
  registry?: TagDefinition[];
  messages?: Array<{ topic: string; payload?: unknown; payloadText?: string; payloadBase64?: string }>;
  expect?: { samples: RawSample[]; deadLetters: Array<{ reason: MqttDeadLetterReason; detail?: string }>; tags?: TagDefinition[]; counters?: Record<string, number> };
  expectError?: string;
}

/** The receive time every golden case runs at. */
const RECEIVED_AT = Date.UTC(2026, 0, 1);
const dir = join(import.meta.dirname, 'testcases');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('the golden case folder is not empty', () => assert.ok(files.length >= 30, `${files.length} cases`));

for (const file of files) {
  const golden = JSON.parse(readFileSync(join(dir, file), 'utf8')) as GoldenCase;
  test(`golden ${file.replace(/\.json$/, '')}: ${golden.description}`, () => {
    const config = mqttJsonConnectorSchema.parse(golden.connector);
    const registry = new TagRegistry();
    for (const tag of golden.registry ?? []) registry.upsert(tag);
    const letters: Array<{ reason: MqttDeadLetterReason; detail: string }> = [];
    const build = () =>
      new JsonMapper({
        id: config.id,
        rules: config.rules,
        registry,
        timestamp: config.timestamp,
        maxPayloadBytes: config.maxPayloadBytes,
        unmapped: config.unmapped,
        deadLetter: (reason, detail) => letters.push({ reason, detail }),
      });
    if (golden.expectError !== undefined) {
      assert.throws(build, new RegExp(golden.expectError));
      return;
    }
    assert.ok(golden.expect && golden.messages, `${file} needs messages and expect, or expectError`);
    const mapper = build();
    const out: RawSample[] = [];
    for (const message of golden.messages) {
      const payload =
        message.payloadBase64 !== undefined
          ? Buffer.from(message.payloadBase64, 'base64')
          : Buffer.from(message.payloadText ?? JSON.stringify(message.payload), 'utf8');
      mapper.handle(message.topic, payload, RECEIVED_AT, out);
    }
    assert.deepEqual(out, golden.expect.samples);
    assert.deepEqual(
      letters.map((l) => l.reason),
      golden.expect.deadLetters.map((l) => l.reason),
      letters.map((l) => l.detail).join('\n'),
    );
    golden.expect.deadLetters.forEach((expected, i) => {
      if (expected.detail !== undefined) assert.ok(letters[i].detail.includes(expected.detail), `dead letter ${i}: '${letters[i].detail}' lacks '${expected.detail}'`);
    });
    // Counters agree with what was handed out.
    assert.equal(mapper.counters.deadLetters, letters.length);
    assert.equal(mapper.counters.samples, out.length);
    for (const reason of new Set(letters.map((l) => l.reason))) assert.equal(mapper.rejected[reason], letters.filter((l) => l.reason === reason).length);
    for (const [name, value] of Object.entries(golden.expect.counters ?? {})) assert.equal(mapper.counterSnapshot()[name], value, `counter ${name}`);
    if (golden.expect.tags) {
      const all = registry.all().map(({ id: _id, ...tag }) => tag);
      assert.deepEqual(all, [...(golden.registry ?? []).filter((t) => !golden.expect!.tags!.some((e) => e.path === t.path)), ...golden.expect.tags]);
    }
  });
}
