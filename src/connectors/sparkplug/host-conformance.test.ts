// Conformance of the host application to the Sparkplug B 3.0 host rules (REFERENCE.md section 3):
// a scripted edge node (a plain mqtt.js client publishing hand-built payloads) against the host,
// over a real broker: embedded aedes on an ephemeral port, and the machine's Mosquitto.
// On the shared Mosquitto every test uses its own group and host ids, and the host subscribes to
// its test group only (config `groups`), so it never sends rebirths to other people's nodes.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { decodePayload, encodePayload, PayloadType, type RawMessage, type SparkplugMetric } from './codec.js';
import { DataTypes } from './datatypes.js';
import { SparkplugHost } from './host.js';
import type { RejectReason } from './rejects.js';
import { connectClient, MOSQUITTO_URL, mosquittoSkip, observe, publishAndFlush, recordingContext, startAedes, uniqueId, waitFor, type Received, type TestBroker } from './testing.js';

const REORDER_MS = 200;
const require = createRequire(import.meta.url);
// Eclipse Tahu's JavaScript decoder (dev dependency): what an edge node built on Tahu would read.
const tahu = (require('sparkplug-payload') as { get(ns: string): { decodePayload(b: Uint8Array): { metrics: Array<Record<string, unknown>> } } }).get('spBv1.0');

interface Fixture {
  host: SparkplugHost;
  ctx: ReturnType<typeof recordingContext>;
  group: string;
  hostId: string;
  edge: MqttClient;
  observer: MqttClient;
  /** What the observer saw on `spBv1.0/<group>/NCMD/#`, `.../DCMD/#` and the host's STATE topic. */
  seen: Received[];
  dead: Array<{ reason: RejectReason; detail: string }>;
  hostClient: () => MqttClient;
  /** Publishes a Sparkplug payload from the scripted edge node (QoS 1, so in order). */
  send(type: string, node: string, payload: Parameters<typeof encodePayload>[0] | Uint8Array, device?: string): Promise<void>;
  rebirths(node: string): number;
  close(): Promise<void>;
}

async function fixture(url: string, shared: boolean, config: Record<string, unknown> = {}): Promise<Fixture> {
  const group = uniqueId('g');
  const hostId = uniqueId('h');
  const ctx = recordingContext();
  const dead: Fixture['dead'] = [];
  let hostClient: MqttClient | undefined;
  const observer = await connectClient(url, { clientId: uniqueId('obs') });
  const seen = await observe(observer, [`spBv1.0/${group}/NCMD/#`, `spBv1.0/${group}/DCMD/#`, `spBv1.0/STATE/${hostId}`]);
  const host = new SparkplugHost({
    config: { url, hostId, root: 'plant', reorderTimeout: REORDER_MS, rebirthInterval: 0, connectTimeout: 5_000, groups: shared ? [group] : [], ...config },
    deadLetter: (reason, detail) => dead.push({ reason, detail }),
    connect: (u, options) => (hostClient = mqtt.connect(u, options)),
  });
  await host.start(ctx);
  assert.equal(host.health().state, 'connected');
  const edge = await connectClient(url, { clientId: uniqueId('edge') });
  // Datatypes declared by the births this edge sent, so DATA can omit them as the specification allows.
  const declared = new Map<string, number>();
  return {
    host,
    ctx,
    group,
    hostId,
    edge,
    observer,
    seen,
    dead,
    hostClient: () => hostClient as MqttClient,
    async send(type, node, payload, device) {
      const bytes = payload instanceof Uint8Array ? payload : encodeData(type, `${node}/${device ?? ''}`, payload, declared);
      await publishAndFlush(edge, `spBv1.0/${group}/${type}/${node}${device ? `/${device}` : ''}`, bytes);
    },
    rebirths(node) {
      return seen.filter((m) => m.topic === `spBv1.0/${group}/NCMD/${node}` && isRebirth(m.payload)).length;
    },
    async close() {
      await host.stop();
      // Leave nothing retained on a shared broker.
      await observer.publishAsync(`spBv1.0/STATE/${hostId}`, '', { qos: 1, retain: true });
      await edge.endAsync();
      await observer.endAsync();
    },
  };
}

/**
 * Encodes a scripted payload. BIRTH metrics are remembered by alias; DATA metrics without a datatype
 * are encoded with the datatype their BIRTH declared, and go on the wire without one.
 */
function encodeData(type: string, scope: string, payload: Parameters<typeof encodePayload>[0], declared: Map<string, number>): Uint8Array {
  if (type.endsWith('BIRTH')) {
    for (const m of payload.metrics) if (m.alias !== undefined && m.datatype !== undefined) declared.set(`${scope}#${m.alias}`, m.datatype);
    return encodePayload(payload);
  }
  const omitted = new Set<number>();
  const metrics = payload.metrics.map((m, i) => {
    if (m.datatype !== undefined || m.value === undefined) return m;
    omitted.add(i);
    return { ...m, datatype: declared.get(`${scope}#${m.alias}`) ?? DataTypes.Double };
  });
  const raw = PayloadType.decode(encodePayload({ ...payload, metrics })) as unknown as RawMessage;
  (raw.metrics as RawMessage[]).forEach((m, i) => {
    if (omitted.has(i)) delete m.datatype;
  });
  return PayloadType.encode(raw).finish();
}

function isRebirth(payload: Buffer): boolean {
  const metrics = decodePayload(payload).metrics;
  return metrics.length === 1 && metrics[0].name === 'Node Control/Rebirth' && metrics[0].datatype === DataTypes.Boolean && metrics[0].value === true;
}

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

/** An NBIRTH: bdSeq, Node Control/Rebirth = false, and the given metrics (with aliases). */
function nbirth(bdSeq: number, metrics: SparkplugMetric[], seq = 0): Parameters<typeof encodePayload>[0] {
  return {
    timestamp: T0,
    seq,
    metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: bdSeq }, { name: 'Node Control/Rebirth', alias: 1, datatype: DataTypes.Boolean, value: false }, ...metrics],
  };
}

const TEMPERATURE: SparkplugMetric = {
  name: 'Motor/Temperature',
  alias: 10,
  datatype: DataTypes.Double,
  value: 21.5,
  properties: { engUnit: { type: DataTypes.String, value: 'degC' }, engLow: { type: DataTypes.Double, value: 0 }, engHigh: { type: DataTypes.Double, value: 150 } },
};
const COUNT: SparkplugMetric = { name: 'Good Count', alias: 11, datatype: DataTypes.UInt32, value: 7 };

async function conformance(url: () => string, shared: boolean): Promise<void> {
  test('STATE birth: {"online":true,"timestamp":T}, QoS 1, retained, after subscribing spBv1.0/# (or the configured groups) and its own STATE topic', async () => {
    const f = await fixture(url(), shared);
    try {
      await waitFor(() => f.seen.some((m) => m.topic === `spBv1.0/STATE/${f.hostId}`), 'STATE online');
      const state = f.seen.find((m) => m.topic === `spBv1.0/STATE/${f.hostId}`) as Received;
      const body = JSON.parse(state.payload.toString());
      assert.equal(body.online, true);
      assert.equal(typeof body.timestamp, 'number');
      assert.equal(state.qos, 1);
      // A late subscriber gets it as a retained message.
      const late = await connectClient(url(), { clientId: uniqueId('late') });
      const lateSeen = await observe(late, [`spBv1.0/STATE/${f.hostId}`]);
      await waitFor(() => lateSeen.length > 0, 'retained STATE');
      assert.equal(lateSeen[0].retain, true);
      assert.deepEqual(JSON.parse(lateSeen[0].payload.toString()), body);
      await late.endAsync();
      assert.deepEqual(f.host.subscribedTopics, [...(shared ? [`spBv1.0/${f.group}/#`] : ['spBv1.0/#']), `spBv1.0/STATE/${f.hostId}`]);
      // The will was registered with the same timestamp.
      const will = f.hostClient().options.will;
      assert.equal(will?.topic, `spBv1.0/STATE/${f.hostId}`);
      assert.equal(will?.qos, 1);
      assert.equal(will?.retain, true);
      assert.deepEqual(JSON.parse(String(will?.payload)), { online: false, timestamp: body.timestamp });
    } finally {
      await f.close();
    }
  });

  test('STATE will: the broker publishes {"online":false,"timestamp":T} with the birth timestamp when the host drops', async () => {
    const f = await fixture(url(), shared);
    try {
      await waitFor(() => f.seen.some((m) => m.topic === `spBv1.0/STATE/${f.hostId}`), 'STATE online');
      const online = JSON.parse((f.seen.find((m) => m.topic === `spBv1.0/STATE/${f.hostId}`) as Received).payload.toString());
      f.hostClient().stream.destroy(); // no DISCONNECT: the broker sends the will
      await waitFor(() => f.seen.some((m) => m.topic === `spBv1.0/STATE/${f.hostId}` && JSON.parse(m.payload.toString()).online === false), 'STATE will');
      const offline = JSON.parse((f.seen.find((m) => JSON.parse(m.payload.toString() || '{}').online === false) as Received).payload.toString());
      assert.deepEqual(offline, { online: false, timestamp: online.timestamp });
      // It reconnects with a new timestamp and says online again.
      await waitFor(() => f.seen.filter((m) => m.topic === `spBv1.0/STATE/${f.hostId}` && JSON.parse(m.payload.toString()).online === true).length >= 2, 'STATE online after reconnect', 5_000);
      const again = JSON.parse(f.seen.filter((m) => JSON.parse(m.payload.toString() || '{}').online === true).at(-1)?.payload.toString() ?? '');
      assert.ok(again.timestamp >= online.timestamp);
    } finally {
      await f.close();
    }
  });

  test('re-publishes STATE online when it sees its own STATE offline', async () => {
    const f = await fixture(url(), shared);
    try {
      await waitFor(() => f.seen.length > 0, 'STATE online');
      await f.observer.publishAsync(`spBv1.0/STATE/${f.hostId}`, JSON.stringify({ online: false, timestamp: 1 }), { qos: 1, retain: true });
      await waitFor(() => f.seen.filter((m) => m.topic.endsWith(f.hostId)).at(-1)?.payload.toString().includes('"online":true') === true && f.seen.length >= 3, 'STATE online again');
      assert.equal(f.host.health().counters?.statePublished, 2);
    } finally {
      await f.close();
    }
  });

  test('NBIRTH registers every metric as a tag (type, unit, range from the birth) under <root>/<group>/<node>; NDATA by alias reaches publish', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'Edge 1', nbirth(0, [TEMPERATURE, COUNT]));
      await f.send('NDATA', 'Edge 1', { timestamp: T0 + 1_000, seq: 1, metrics: [{ alias: 10, value: 22.25, datatype: DataTypes.Double }, { alias: 11, value: 8, datatype: DataTypes.UInt32 }] });
      const base = `plant/${f.group.toLowerCase()}/edge_1`;
      await waitFor(() => f.ctx.samples.some((s) => s.ts === T0 + 1_000 && s.tag === `${base}/motor/temperature`), 'NDATA sample');
      const temp = f.ctx.registry.get(`${base}/motor/temperature`);
      assert.equal(temp?.type, 'number');
      assert.equal(temp?.unit, 'degC');
      assert.equal(temp?.max, 150);
      assert.equal(temp?.source, 'sparkplug');
      assert.equal(f.ctx.registry.get(`${base}/node_control/rebirth`)?.type, 'boolean');
      assert.equal(f.ctx.registry.get(`${base}/good_count`)?.type, 'number');
      const values = f.ctx.samples.filter((s) => s.tag === `${base}/motor/temperature`).map((s) => [s.ts, s.value, s.quality]);
      assert.deepEqual(values, [[T0, 21.5, 'good'], [T0 + 1_000, 22.25, 'good']]);
      await waitFor(() => f.ctx.samples.some((s) => s.tag === `${base}/good_count` && s.value === 8), 'count');
      assert.equal(f.rebirths('Edge 1'), 0);
      assert.deepEqual(f.dead, []);
    } finally {
      await f.close();
    }
  });

  test('DBIRTH/DDATA: device metrics map through the configured {group, node, device} -> asset mapping', async () => {
    const group = uniqueId('g');
    const f = await fixture(url(), shared, shared ? { groups: [group], mappings: [{ group, node: 'line-1', asset: 'acme/berlin/machining/line-1' }] } : { mappings: [{ group, node: 'line-1', asset: 'acme/berlin/machining/line-1' }] });
    try {
      const send = (type: string, payload: Parameters<typeof encodePayload>[0], device?: string) => publishAndFlush(f.edge, `spBv1.0/${group}/${type}/line-1${device ? `/${device}` : ''}`, encodePayload(payload));
      await send('NBIRTH', nbirth(3, []));
      await send('DBIRTH', { timestamp: T0, seq: 1, metrics: [{ name: 'vibration', alias: 20, datatype: DataTypes.Float, value: 0.5 }] }, 'Press 1');
      await send('DDATA', { timestamp: T0 + 500, seq: 2, metrics: [{ alias: 20, datatype: DataTypes.Float, value: 1.1 }] }, 'Press 1');
      await waitFor(() => f.ctx.samples.some((s) => s.ts === T0 + 500), 'DDATA');
      assert.deepEqual(
        f.ctx.samples.filter((s) => s.tag === 'acme/berlin/machining/line-1/press_1/vibration').map((s) => s.value),
        [0.5, 1.1], // Float decoded to its shortest decimal
      );
    } finally {
      await f.close();
    }
  });

  test('seq: a message that arrives early waits for the missing one (within the reorder timeout): processed in order, no rebirth', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('NDATA', 'n1', { timestamp: T0 + 2, seq: 2, metrics: [{ alias: 10, value: 2 }] });
      await f.send('NDATA', 'n1', { timestamp: T0 + 1, seq: 1, metrics: [{ alias: 10, value: 1 }] });
      await waitFor(() => f.ctx.samples.length >= 4, 'both NDATA');
      assert.deepEqual(f.ctx.samples.filter((s) => s.tag.endsWith('/temperature')).map((s) => s.value), [21.5, 1, 2]);
      await new Promise((resolve) => setTimeout(resolve, REORDER_MS + 150));
      assert.equal(f.rebirths('n1'), 0);
      assert.equal(f.host.health().counters?.outOfOrder, 1);
    } finally {
      await f.close();
    }
  });

  test('seq: a gap not filled within the reorder timeout sends NCMD Node Control/Rebirth = true (not before the timeout)', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      const sent = Date.now();
      await f.send('NDATA', 'n1', { timestamp: T0 + 2, seq: 2, metrics: [{ alias: 10, value: 2 }] });
      await new Promise((resolve) => setTimeout(resolve, REORDER_MS / 2));
      assert.equal(f.rebirths('n1'), 0, 'no rebirth before the reorder timeout');
      await waitFor(() => f.rebirths('n1') === 1, 'NCMD rebirth');
      assert.ok(Date.now() - sent >= REORDER_MS);
      // The held message is not lost: it is processed when the gap is given up.
      assert.ok(f.ctx.samples.some((s) => s.value === 2));
      assert.equal(f.host.health().counters?.reorderTimeouts, 1);
    } finally {
      await f.close();
    }
  });

  test('rebirth on DATA before BIRTH (node and device)', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NDATA', 'ghost', { timestamp: T0, seq: 5, metrics: [{ alias: 10, value: 1 }] });
      await waitFor(() => f.rebirths('ghost') === 1, 'rebirth for NDATA before NBIRTH');
      await f.send('NBIRTH', 'n2', nbirth(0, []));
      await f.send('DDATA', 'n2', { timestamp: T0, seq: 1, metrics: [{ alias: 30, value: 1 }] }, 'unborn');
      await waitFor(() => f.rebirths('n2') === 1, 'rebirth for DDATA before DBIRTH');
      assert.deepEqual(f.dead.map((d) => d.reason), ['data_before_birth', 'data_before_birth']);
      assert.equal(f.ctx.samples.filter((s) => s.tag.includes('ghost')).length, 0);
    } finally {
      await f.close();
    }
  });

  test('rebirth on an unknown alias, dead-lettered; the other metrics of the message still count', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('NDATA', 'n1', { timestamp: T0 + 1, seq: 1, metrics: [{ alias: 99, datatype: DataTypes.Double, value: 1 }, { alias: 10, value: 30 }] });
      await waitFor(() => f.rebirths('n1') === 1, 'rebirth');
      assert.deepEqual(f.dead.map((d) => d.reason), ['unknown_alias']);
      assert.ok(f.ctx.samples.some((s) => s.value === 30));
      assert.equal(f.host.health().counters?.rejected_unknown_alias, 1);
    } finally {
      await f.close();
    }
  });

  test('rebirth on a metric name the BIRTH did not declare', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('NDATA', 'n1', { timestamp: T0 + 1, seq: 1, metrics: [{ name: 'Surprise', datatype: DataTypes.Int32, value: 1 }] });
      await waitFor(() => f.rebirths('n1') === 1, 'rebirth');
      assert.deepEqual(f.dead.map((d) => d.reason), ['undeclared_metric']);
    } finally {
      await f.close();
    }
  });

  test('rebirth on a payload that cannot be decoded, dead-lettered as malformed_payload', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('NDATA', 'n1', Uint8Array.from([0x12, 0xff, 0xff, 0x01])); // a metrics field longer than the payload
      await waitFor(() => f.rebirths('n1') === 1, 'rebirth');
      assert.deepEqual(f.dead.map((d) => d.reason), ['malformed_payload']);
    } finally {
      await f.close();
    }
  });

  test('NDEATH: ignored with another bdSeq; with the NBIRTH bdSeq the node and its devices go stale (quality bad) at host receive time', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(7, [TEMPERATURE]));
      await f.send('DBIRTH', 'n1', { timestamp: T0, seq: 1, metrics: [{ name: 'speed', alias: 40, datatype: DataTypes.Int16, value: -3 }] }, 'd1');
      await waitFor(() => f.ctx.samples.length === 4, 'births (bdSeq, rebirth, temperature, speed)');
      await f.send('NDEATH', 'n1', { timestamp: T0 + 9, metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: 6 }] });
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(f.ctx.samples.filter((s) => s.quality === 'bad').length, 0, 'a stale bdSeq must not kill the node');
      assert.equal(f.host.health().counters?.deathsIgnored, 1);
      const before = Date.now();
      await f.send('NDEATH', 'n1', { timestamp: T0 + 10, metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: 7 }] });
      await waitFor(() => f.ctx.samples.filter((s) => s.quality === 'bad').length === 4, 'stale samples');
      const stale = f.ctx.samples.filter((s) => s.quality === 'bad');
      assert.deepEqual(stale.map((s) => s.value).sort(), [-3, 21.5, false, 7].sort());
      for (const s of stale) assert.ok((s.ts as number) >= before && (s.ts as number) <= Date.now(), 'host receive time, not the payload time');
      assert.equal(f.host.health().counters?.nodesOnline, 0);
      // Data after the death is data before a birth.
      await f.send('NDATA', 'n1', { timestamp: T0 + 11, seq: 2, metrics: [{ alias: 10, value: 1 }] });
      await waitFor(() => f.rebirths('n1') === 1, 'rebirth after death');
    } finally {
      await f.close();
    }
  });

  test('DDEATH marks only that device stale, at the payload time', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('DBIRTH', 'n1', { timestamp: T0, seq: 1, metrics: [{ name: 'speed', alias: 40, datatype: DataTypes.Int16, value: 12 }] }, 'd1');
      await f.send('DDEATH', 'n1', { timestamp: T0 + 5_000, seq: 2, metrics: [] }, 'd1');
      await waitFor(() => f.ctx.samples.some((s) => s.quality === 'bad'), 'stale');
      const stale = f.ctx.samples.filter((s) => s.quality === 'bad');
      assert.deepEqual(stale.map((s) => [s.tag.split('/').slice(-2).join('/'), s.ts, s.value]), [['d1/speed', T0 + 5_000, 12]]);
      assert.equal(f.host.health().counters?.devicesOnline, 0);
      assert.equal(f.host.health().counters?.nodesOnline, 1);
    } finally {
      await f.close();
    }
  });

  test('historical metrics are stored flagged historical: true and do not become the live value', async () => {
    const f = await fixture(url(), shared);
    try {
      await f.send('NBIRTH', 'n1', nbirth(0, [TEMPERATURE]));
      await f.send('NDATA', 'n1', { timestamp: T0 + 2, seq: 1, metrics: [{ alias: 10, value: 5, timestamp: T0 - 60_000, isHistorical: true }] });
      await f.send('NDEATH', 'n1', { timestamp: T0 + 3, metrics: [{ name: 'bdSeq', datatype: DataTypes.UInt64, value: 0 }] });
      await waitFor(() => f.ctx.samples.some((s) => s.quality === 'bad' && s.tag.endsWith('temperature')), 'stale');
      const temp = f.ctx.samples.filter((s) => s.tag.endsWith('temperature'));
      assert.deepEqual(temp.map((s) => [s.ts === T0 - 60_000 ? 'old' : 'now', s.value, s.historical ?? false]).slice(0, 2), [['now', 21.5, false], ['old', 5, true]]);
      assert.equal(temp.at(-1)?.value, 21.5, 'stale marking re-sends the last live value, not the historical one');
    } finally {
      await f.close();
    }
  });

  test('DataSet metrics are stored as JSON; Template instances are flattened into one tag per member', async () => {
    const f = await fixture(url(), shared);
    try {
      const dataset = { columns: ['step', 'ok'], types: [DataTypes.Int32, DataTypes.Boolean], rows: [[1, true], [2, false]] };
      const motorDef: SparkplugMetric = { name: 'MotorType', datatype: DataTypes.Template, value: { isDefinition: true, version: '1', metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 0 }, { name: 'amps', datatype: DataTypes.Float, value: 0 }] } };
      const motor: SparkplugMetric = { name: 'Motor A', alias: 50, datatype: DataTypes.Template, value: { templateRef: 'MotorType', metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 1450 }, { name: 'amps', datatype: DataTypes.Float, value: 3.5 }] } };
      await f.send('NBIRTH', 'n1', nbirth(0, [motorDef, motor, { name: 'Recipe', alias: 51, datatype: DataTypes.DataSet, value: dataset }]));
      await f.send('NDATA', 'n1', { timestamp: T0 + 1, seq: 1, metrics: [{ alias: 50, datatype: DataTypes.Template, value: { templateRef: 'MotorType', metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 1500 }] } }] });
      await waitFor(() => f.ctx.samples.some((s) => s.value === 1500), 'template member update');
      const base = `plant/${f.group.toLowerCase()}/n1`;
      assert.equal(f.ctx.registry.get(`${base}/recipe`)?.type, 'json');
      assert.equal(f.ctx.samples.find((s) => s.tag === `${base}/recipe`)?.value, JSON.stringify(dataset));
      assert.equal(f.ctx.registry.get(`${base}/motor_a/rpm`)?.type, 'number');
      assert.deepEqual(f.ctx.samples.filter((s) => s.tag.startsWith(`${base}/motor_a/`)).map((s) => [s.tag.slice(base.length + 1), s.value]), [['motor_a/rpm', 1450], ['motor_a/amps', 3.5], ['motor_a/rpm', 1500]]);
      assert.equal(f.ctx.registry.get(`${base}/motortype`), undefined, 'definitions are not tags');
    } finally {
      await f.close();
    }
  });

  test('write-back: NCMD/DCMD by alias with the BIRTH datatype, and an audit record per write (sent or refused)', async () => {
    const f = await fixture(url(), shared);
    try {
      const commands = await observe(f.edge, [`spBv1.0/${f.group}/DCMD/n1/d1`, `spBv1.0/${f.group}/NCMD/n1`]);
      await f.send('NBIRTH', 'n1', nbirth(0, [{ name: 'Mode', datatype: DataTypes.String, value: 'auto' }]));
      await f.send('DBIRTH', 'n1', { timestamp: T0, seq: 1, metrics: [{ name: 'Setpoint', alias: 60, datatype: DataTypes.Int16, value: 100 }] }, 'd1');
      const base = `plant/${f.group.toLowerCase()}/n1`;
      await waitFor(() => f.ctx.registry.has(`${base}/d1/setpoint`), 'birth');
      await f.host.write(`${base}/d1/setpoint`, -250, 'alice');
      await f.host.write(`${base}/mode`, 'manual');
      await waitFor(() => commands.length === 2, 'commands');
      const dcmd = decodePayload(commands.find((c) => c.topic.includes('DCMD'))?.payload as Buffer).metrics;
      assert.deepEqual(dcmd.map((m) => [m.alias, m.name, m.datatype, m.value]), [[60, undefined, DataTypes.Int16, -250]]);
      const ncmd = decodePayload(commands.find((c) => c.topic.includes('NCMD'))?.payload as Buffer).metrics;
      assert.deepEqual(ncmd.map((m) => [m.name, m.datatype, m.value]), [['Mode', DataTypes.String, 'manual']]);
      await assert.rejects(f.host.write(`${base}/d1/setpoint`, 40_000), /does not fit/);
      await assert.rejects(f.host.write('plant/nowhere/x', 1), /not a metric/);
      const audit = f.host.audit().map((a) => [a.tag.slice(base.length + 1), a.value, a.user, a.topic.split('/').slice(2).join('/'), a.result.split(':')[0]]);
      assert.deepEqual(audit, [
        ['d1/setpoint', -250, 'alice', 'DCMD/n1/d1', 'sent'],
        ['mode', 'manual', undefined, 'NCMD/n1', 'sent'],
        ['d1/setpoint', 40_000, undefined, 'DCMD/n1/d1', 'refused'],
        ['', 1, undefined, '', 'refused'],
      ]);
    } finally {
      await f.close();
    }
  });

  test('write-back to a template member: the command carries its template metric (alias) with an instance holding only that member; Tahu decodes it', async () => {
    const f = await fixture(url(), shared);
    try {
      const commands = await observe(f.edge, [`spBv1.0/${f.group}/DCMD/n1/d1`, `spBv1.0/${f.group}/NCMD/n1`]);
      const motorMembers: SparkplugMetric[] = [{ name: 'rpm', datatype: DataTypes.Double, value: 0 }, { name: 'amps', datatype: DataTypes.Float, value: 0 }];
      const motorType: SparkplugMetric = { name: 'MotorType', datatype: DataTypes.Template, value: { isDefinition: true, metrics: motorMembers } };
      const lineType: SparkplugMetric = { name: 'LineType', datatype: DataTypes.Template, value: { isDefinition: true, metrics: [{ name: 'speed', datatype: DataTypes.Int32, value: 0 }, { name: 'Drive', datatype: DataTypes.Template, value: { templateRef: 'MotorType', isDefinition: false, metrics: motorMembers } }] } };
      const motor: SparkplugMetric = { name: 'Motor A', alias: 50, datatype: DataTypes.Template, value: { templateRef: 'MotorType', isDefinition: false, metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 1450 }, { name: 'amps', datatype: DataTypes.Float, value: 3.5 }] } };
      const line: SparkplugMetric = { name: 'Line', alias: 70, datatype: DataTypes.Template, value: { templateRef: 'LineType', isDefinition: false, metrics: [{ name: 'speed', datatype: DataTypes.Int32, value: 12 }, { name: 'Drive', datatype: DataTypes.Template, value: { templateRef: 'MotorType', isDefinition: false, metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 900 }, { name: 'amps', datatype: DataTypes.Float, value: 2 }] } }] } };
      await f.send('NBIRTH', 'n1', nbirth(0, [motorType, lineType, motor]));
      await f.send('DBIRTH', 'n1', { timestamp: T0, seq: 1, metrics: [line] }, 'd1');
      const base = `plant/${f.group.toLowerCase()}/n1`;
      await waitFor(() => f.ctx.registry.has(`${base}/d1/line/drive/amps`), 'births');
      await f.host.write(`${base}/motor_a/rpm`, 1600, 'alice');
      await f.host.write(`${base}/d1/line/drive/amps`, 4.25, 'bob');
      await assert.rejects(f.host.write(`${base}/d1/line/speed`, 2.5), /does not fit the metric's datatype Int32/);
      await waitFor(() => commands.length === 2, 'commands');

      const template = (m: Record<string, unknown> | undefined) => m?.value as { templateRef?: string; isDefinition?: boolean; metrics: Array<Record<string, unknown>> };
      const plain = (v: unknown): unknown => (v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v);
      const ncmd = tahu.decodePayload(commands.find((c) => c.topic.endsWith('/NCMD/n1'))?.payload as Buffer).metrics;
      assert.equal(ncmd.length, 1);
      assert.deepEqual([plain(ncmd[0].alias), ncmd[0].name, ncmd[0].type], [50, undefined, 'Template']);
      const motorCmd = template(ncmd[0]);
      assert.deepEqual([motorCmd.templateRef, motorCmd.isDefinition], ['MotorType', false]);
      assert.deepEqual(motorCmd.metrics.map((m) => [m.name, m.type, m.value]), [['rpm', 'Double', 1600]]);

      const dcmd = tahu.decodePayload(commands.find((c) => c.topic.endsWith('/DCMD/n1/d1'))?.payload as Buffer).metrics;
      assert.deepEqual([plain(dcmd[0].alias), dcmd[0].type, template(dcmd[0]).templateRef], [70, 'Template', 'LineType']);
      const drive = template(dcmd[0]).metrics;
      assert.deepEqual(drive.map((m) => [m.name, m.type, template(m).templateRef]), [['Drive', 'Template', 'MotorType']]);
      assert.deepEqual(template(drive[0]).metrics.map((m) => [m.name, m.type, m.value]), [['amps', 'Float', 4.25]]);

      const audit = f.host.audit().map((a) => [a.tag.slice(base.length + 1), a.value, a.user, a.topic.split('/').slice(2).join('/'), a.result.split(':')[0]]);
      assert.deepEqual(audit, [
        ['motor_a/rpm', 1600, 'alice', 'NCMD/n1', 'sent'],
        ['d1/line/drive/amps', 4.25, 'bob', 'DCMD/n1/d1', 'sent'],
        ['d1/line/speed', 2.5, undefined, 'DCMD/n1/d1', 'refused'],
      ]);
    } finally {
      await f.close();
    }
  });

  test('rebirth requests to one node are spaced by rebirthInterval; a new NBIRTH allows the next one at once', async () => {
    const f = await fixture(url(), shared, { rebirthInterval: 60_000 });
    try {
      await f.send('NDATA', 'n9', { timestamp: T0, seq: 1, metrics: [] });
      await f.send('NDATA', 'n9', { timestamp: T0, seq: 2, metrics: [] });
      await waitFor(() => f.host.health().counters?.rebirthsSuppressed === 1, 'suppressed');
      await f.send('NBIRTH', 'n9', nbirth(0, []));
      await f.send('NDATA', 'n9', { timestamp: T0, seq: 1, metrics: [{ alias: 77, value: 1, datatype: DataTypes.Int32 }] });
      await waitFor(() => f.rebirths('n9') === 2, 'second rebirth');
    } finally {
      await f.close();
    }
  });
}

describe('Sparkplug host conformance over embedded aedes', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startAedes();
  });
  after(async () => {
    await broker.close();
  });
  void conformance(() => broker.url, false);
});

describe('Sparkplug host conformance over Mosquitto (127.0.0.1:1883)', { skip: await mosquittoSkip() }, () => {
  void conformance(() => MOSQUITTO_URL, true);
});
