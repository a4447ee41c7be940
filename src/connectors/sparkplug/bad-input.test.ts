// Bad input: each kind is counted per reason in health().counters, dead-lettered with its reason and,
// where the specification says so, answered with a rebirth request; nothing crashes. A fast-check
// property drives 100,000+ generated topics and payloads through the host's message handler.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { TagRegistry } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { encodePayload, type SparkplugMetric } from './codec.js';
import { DataTypes } from './datatypes.js';
import { HostEngine } from './host-engine.js';
import { SparkplugHost } from './host.js';
import { AssetMapper } from './naming.js';
import type { RejectReason } from './rejects.js';
import { connectClient, recordingContext, startAedes, uniqueId, waitFor } from './testing.js';

function engine(overrides: { maxPayloadBytes?: number } = {}) {
  const samples: RawSample[] = [];
  const rebirths: string[] = [];
  const dead: Array<{ reason: RejectReason; detail: string; raw: unknown }> = [];
  const registry = new TagRegistry();
  const host = new HostEngine({
    connectorId: 'sparkplug',
    hostId: 'loom',
    mapper: new AssetMapper('plant', []),
    reorderTimeoutMs: 50,
    rebirthIntervalMs: 0,
    maxPayloadBytes: overrides.maxPayloadBytes ?? 1_048_576,
    registerTag: (tag) => void registry.upsert(tag),
    publish: (batch) => void samples.push(...batch),
    sendRebirth: (group, node) => void rebirths.push(`${group}/${node}`),
    onOwnOffline: () => {},
    deadLetter: (reason, detail, raw) => void dead.push({ reason, detail, raw }),
  });
  return { host, samples, rebirths, dead, registry };
}

const T = Date.UTC(2026, 0, 5);
const birth = (metrics: SparkplugMetric[] = [{ name: 'speed', alias: 5, datatype: DataTypes.Int32, value: 1 }]) =>
  encodePayload({ timestamp: T, seq: 0, metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: 0 }, ...metrics] });

describe('bad input is counted, dead-lettered and answered', () => {
  test('malformed protobuf: counted, dead-lettered with the raw bytes, rebirth requested', () => {
    const e = engine();
    e.host.handle('spBv1.0/g/NDATA/n', Uint8Array.from([0x0a, 0x05, 0x01]));
    assert.equal(e.host.counters.rejected_malformed_payload, 1);
    assert.equal(e.dead[0].reason, 'malformed_payload');
    assert.match(e.dead[0].detail, /spBv1\.0\/g\/NDATA\/n/);
    assert.deepEqual(e.dead[0].raw, { topic: 'spBv1.0/g/NDATA/n', bytes: 3, payloadBase64: 'CgUB' });
    assert.deepEqual(e.rebirths, ['g/n']);
  });

  test('topics of the wrong shape: counted as bad_topic, no rebirth (there is no node to ask)', () => {
    const e = engine();
    for (const topic of ['spBv1.0/g/NDATA/n/device', 'spBv1.0/g/DDATA/n', 'spBv1.0/g/BOGUS/n', 'spBv1.0', 'other/topic', 'spBv1.0/STATE']) e.host.handle(topic, birth());
    assert.equal(e.host.counters.rejected_bad_topic, 6);
    assert.deepEqual(e.rebirths, []);
  });

  test('ids that are not UTF-8 (U+FFFD after decoding, lone surrogates) or hold + #: counted as bad_id', () => {
    const e = engine();
    for (const topic of ['spBv1.0/g\uFFFD/NBIRTH/n', 'spBv1.0/g/NBIRTH/\uDC00', 'spBv1.0/g/NBIRTH/n+', 'spBv1.0/STATE/lo#om']) e.host.handle(topic, birth());
    assert.equal(e.host.counters.rejected_bad_id, 4);
    assert.equal(e.registry.size, 0);
  });

  test('payloads over maxPayloadBytes: counted as too_large before any decoding', () => {
    const e = engine({ maxPayloadBytes: 64 });
    e.host.handle('spBv1.0/g/NBIRTH/n', new Uint8Array(65));
    e.host.handle('spBv1.0/g/NBIRTH/n', birth());
    assert.equal(e.host.counters.rejected_too_large, 1);
    assert.match(e.dead[0].detail, /65 bytes, over the 64-byte limit/);
    assert.equal(e.registry.size, 2, 'a payload within the limit is accepted');
  });

  test('the default size limit is 1 MiB', () => {
    assert.equal(new SparkplugHost().config.maxPayloadBytes, 1_048_576);
  });

  test('unknown aliases and undeclared names: counted, dead-lettered, one rebirth per message', () => {
    const e = engine();
    e.host.handle('spBv1.0/g/NBIRTH/n', birth());
    e.host.handle('spBv1.0/g/NDATA/n', encodePayload({ seq: 1, metrics: [{ alias: 6, datatype: DataTypes.Int32, value: 1 }, { alias: 7, datatype: DataTypes.Int32, value: 1 }] }));
    e.host.handle('spBv1.0/g/NDATA/n', encodePayload({ seq: 2, metrics: [{ name: 'ghost', datatype: DataTypes.Int32, value: 1 }] }));
    assert.equal(e.host.counters.rejected_unknown_alias, 2);
    assert.equal(e.host.counters.rejected_undeclared_metric, 1);
    assert.deepEqual(e.rebirths, ['g/n', 'g/n']);
  });

  test('wrong data types: a datatype other than the BIRTH one, a value in the wrong field, out of range, or a PropertySet as metric', () => {
    const e = engine();
    e.host.handle('spBv1.0/g/NBIRTH/n', birth([
      { name: 'speed', alias: 5, datatype: DataTypes.Int8, value: 1 },
      { name: 'props', alias: 6, datatype: DataTypes.PropertySet },
    ]));
    e.host.handle('spBv1.0/g/NDATA/n', encodePayload({ seq: 1, metrics: [{ alias: 5, datatype: DataTypes.String, value: 'fast' }] }));
    e.host.handle('spBv1.0/g/NDATA/n', encodePayload({ seq: 2, metrics: [{ alias: 5, datatype: DataTypes.Int32, value: 1000 }] }));
    assert.equal(e.host.counters.rejected_wrong_type, 3);
    assert.deepEqual(e.dead.map((d) => d.detail.replace(/ on '.*?'/, '')), [
      "metric 'props' in the BIRTH has datatype PropertySet, which cannot be a metric",
      "metric 'speed' is String but its BIRTH declared Int8",
      "metric 'speed' is Int32 but its BIRTH declared Int8",
    ]);
    // Same datatype code but a value that does not fit Int8:
    const raw = encodePayload({ seq: 3, metrics: [{ alias: 5, datatype: DataTypes.Int32, value: 1000 }] });
    e.host.handle('spBv1.0/g/NDATA/n', stripDatatype(raw));
    assert.equal(e.host.counters.rejected_wrong_type, 4);
    assert.match(e.dead[3].detail, /1000 is out of range for Int8/);
    assert.deepEqual(e.rebirths, []);
  });

  test('a dead-letter callback that throws is counted and does not stop the host', () => {
    const samples: RawSample[] = [];
    const host = new HostEngine({
      connectorId: 'sp', hostId: 'h', mapper: new AssetMapper('p', []), reorderTimeoutMs: 10, rebirthIntervalMs: 0, maxPayloadBytes: 100,
      registerTag: () => {}, publish: (b) => void samples.push(...b), sendRebirth: () => {}, onOwnOffline: () => {},
      deadLetter: () => {
        throw new Error('store down');
      },
    });
    host.handle('bad', new Uint8Array(1));
    host.handle('spBv1.0/g/NBIRTH/n', birth());
    assert.equal(host.counters.deadLetterErrors, 1);
    assert.equal(samples.length, 2);
  });

  test('over a broker: a too-large payload and a malformed one reach the dead letters and health counters', async () => {
    const broker = await startAedes();
    const dead: RejectReason[] = [];
    const host = new SparkplugHost({ config: { url: broker.url, hostId: uniqueId('h'), maxPayloadBytes: 1_024, rebirthInterval: 0 }, deadLetter: (reason) => void dead.push(reason) });
    const edge = await connectClient(broker.url);
    try {
      await host.start(recordingContext());
      await edge.publishAsync('spBv1.0/g/NBIRTH/n', Buffer.alloc(2_000), { qos: 1 });
      await edge.publishAsync('spBv1.0/g/NDATA/n', Buffer.from([0xff]), { qos: 1 });
      await waitFor(() => dead.length === 2, 'dead letters');
      assert.deepEqual(dead, ['too_large', 'malformed_payload']);
      assert.equal(host.health().counters?.rejected_too_large, 1);
      assert.equal(host.health().counters?.rejected, 2);
    } finally {
      await host.stop();
      await edge.endAsync();
      await broker.close();
    }
  });
});

/** Re-encodes without the datatype of every metric (as DATA may). */
function stripDatatype(bytes: Uint8Array): Uint8Array {
  // Field 4 (datatype, varint) inside each metric: tag 0x20. Simple for these one-byte payloads.
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x20 && bytes[i + 1] === DataTypes.Int32) {
      i++;
      continue;
    }
    out.push(bytes[i]);
  }
  // Fix the metric length (second byte: the only metric is field 2, length-delimited, short).
  out[out.indexOf(0x12) + 1] -= 2;
  return Uint8Array.from(out);
}

describe('fuzz: generated topics and payloads through the message handler', () => {
  const id = fc.oneof(
    fc.constantFrom('g', 'n', 'd', 'line-1', 'loom'),
    fc.string({ maxLength: 6 }),
    fc.string({ unit: 'binary', maxLength: 4 }), // lone surrogates, U+FFFD, '/', '+', '#'
  );
  const type = fc.constantFrom('NBIRTH', 'NDEATH', 'DBIRTH', 'DDEATH', 'NDATA', 'DDATA', 'NCMD', 'DCMD', 'STATE', 'XDATA');
  const topic = fc.oneof(
    fc.tuple(id, type, id).map(([g, t, n]) => `spBv1.0/${g}/${t}/${n}`),
    fc.tuple(id, type, id, id).map(([g, t, n, d]) => `spBv1.0/${g}/${t}/${n}/${d}`),
    id.map((h) => `spBv1.0/STATE/${h}`),
    fc.string({ maxLength: 40 }),
  );
  const value = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.string({ maxLength: 8 }), fc.constant(null));
  const metric = fc.record(
    { name: fc.oneof(fc.constantFrom('bdSeq', 'a', 'b/c', 'Node Control/Rebirth'), fc.string({ maxLength: 5 })), alias: fc.nat(8), datatype: fc.integer({ min: 0, max: 40 }), value, timestamp: fc.nat(), isHistorical: fc.boolean() },
    { requiredKeys: [] },
  );
  /** A structurally valid payload (whatever the values), or undefined when the encoder refuses it. */
  const encoded = fc.record({ seq: fc.nat(300), timestamp: fc.nat(), metrics: fc.array(metric, { maxLength: 5 }) }, { requiredKeys: ['metrics'] }).map((p) => {
    try {
      return encodePayload(p as never);
    } catch {
      return encodePayload({ seq: p.seq, metrics: [] });
    }
  });
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    encoded,
    fc.tuple(encoded, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, at, byte]) => {
      const copy = Uint8Array.from(bytes);
      if (copy.length > 0) copy[at % copy.length] = byte; // one corrupted byte
      return copy;
    }),
    fc.constantFrom(new TextEncoder().encode('{"online":false,"timestamp":1}'), new TextEncoder().encode('{"online":'), new Uint8Array(0)),
  );

  test('100,000 generated messages: no exception, every one counted, no internal errors, within 60 s', () => {
    const e = engine({ maxPayloadBytes: 48 });
    const started = Date.now();
    let runs = 0;
    fc.assert(
      fc.property(topic, payload, (t, p) => {
        runs++;
        e.host.handle(t, p); // must not throw
      }),
      { numRuns: 100_000, seed: 20260105, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    e.host.close();
    assert.equal(runs, 100_000);
    assert.equal(e.host.counters.messages, 100_000);
    assert.equal(e.host.counters.rejected_internal_error ?? 0, 0, e.dead.find((d) => d.reason === 'internal_error')?.detail);
    assert.ok(Date.now() - started < 60_000);
    // The fuzz reached the interesting paths, not just the topic checks.
    for (const key of ['rejected_bad_topic', 'rejected_bad_id', 'rejected_malformed_payload', 'rejected_too_large', 'nodeBirths', 'rejected_data_before_birth']) {
      assert.ok((e.host.counters[key] ?? 0) > 0, `${key} never happened`);
    }
  });
});
