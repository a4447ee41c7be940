// Integration tests against a real node-opcua server on an ephemeral loopback port (security None).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { OpcUaConnector } from './opcua-connector.js';
import { mappingsFor, renderMappingYaml } from './browse.js';
import { opcuaConnectorSchema, type OpcUaConnectorInput } from './config.js';
import { FIXED_SOURCE_TS, startTestServer, type TestServer } from './test-server.js';
import { quietOpcUa, recordingContext, waitFor } from './testing.js';

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-test-'));
let server: TestServer;
const open: OpcUaConnector[] = [];

function connector(config: Partial<OpcUaConnectorInput>): OpcUaConnector {
  const c = new OpcUaConnector({ pkiDir: join(dir, 'client-pki'), config: { endpoint: server.endpointUrl, subscription: { publishingInterval: 100, samplingInterval: 100 }, reconnect: { initialDelay: 200, maxDelay: 1000 }, ...config } });
  open.push(c);
  return c;
}

before(async () => {
  server = await startTestServer({ port: 0, pkiDir: join(dir, 'server-pki'), variables: 1000, intervalMs: 200, users: { operator: 'secret' } });
});
after(async () => {
  for (const c of open) await c.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opcua connector (security None)', () => {
  it('subscribes, maps status codes to quality and keeps source timestamps', async () => {
    const c = connector({
      mappings: [
        { nodeId: 'ns=1;s=v1', tag: 'test/line/m1/counter' },
        { nodeId: 'ns=1;s=uncertain', tag: 'test/line/m1/uncertain' },
        { nodeId: 'ns=1;s=bad', tag: 'test/line/m1/bad' },
        { nodeId: 'ns=1;s=Plant.Line1.Press1.Running', tag: 'test/line/m1/running', type: 'boolean' },
      ],
    });
    const { context, samples } = recordingContext();
    const t0 = Date.now();
    await c.start(context);
    await waitFor('two counter updates', () => samples.filter((s) => s.tag === 'test/line/m1/counter').length >= 2);
    assert.equal(c.health().state, 'connected');
    const counter = samples.filter((s) => s.tag === 'test/line/m1/counter');
    assert.ok(counter.every((s) => s.quality === 'good' && typeof s.value === 'number'));
    // Source time of a counter is the server's update time: near now, not the fixed one.
    assert.ok((counter[1].ts as number) >= t0 - 1000 && (counter[1].ts as number) <= Date.now());
    const uncertain = samples.find((s) => s.tag === 'test/line/m1/uncertain');
    assert.deepEqual(uncertain, { tag: 'test/line/m1/uncertain', ts: FIXED_SOURCE_TS, value: 1.5, quality: 'uncertain' });
    const bad = samples.find((s) => s.tag === 'test/line/m1/bad');
    assert.equal(bad?.quality, 'bad');
    assert.equal(bad?.ts, FIXED_SOURCE_TS);
    assert.deepEqual(
      samples.find((s) => s.tag === 'test/line/m1/running'),
      { tag: 'test/line/m1/running', ts: samples.find((s) => s.tag === 'test/line/m1/running')!.ts, value: true, quality: 'good' },
    );
    assert.equal(c.health().counters?.itemsMonitored, 4);
    await c.stop();
    assert.equal(c.health().state, 'stopped');
  });

  it('creates 1,000 monitored items in batches and receives all of them', async () => {
    const mappings = Array.from({ length: 1000 }, (_, i) => ({ nodeId: `ns=1;s=v${i}`, tag: `test/bulk/m/v${i}` }));
    const c = connector({ id: 'bulk', batchSize: 250, mappings });
    const { context, samples } = recordingContext();
    const t0 = Date.now();
    await c.start(context);
    const seen = new Set<string>();
    await waitFor('a value of each of the 1,000 items', () => {
      for (let i = seen.size === 0 ? 0 : 0; i < samples.length; i++) seen.add(samples[i].tag);
      return seen.size === 1000;
    }, 30_000);
    assert.equal(c.health().counters?.itemsMonitored, 1000);
    assert.equal(c.health().counters?.itemsRejected, 0);
    assert.ok(Date.now() - t0 < 30_000);
    await c.stop();
  });

  it('marks unknown nodes bad and counts them, without failing the others', async () => {
    const c = connector({ mappings: [{ nodeId: 'ns=1;s=v2', tag: 'test/x/m/ok' }, { nodeId: 'ns=1;s=does-not-exist', tag: 'test/x/m/missing' }] });
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('the good item', () => samples.some((s) => s.tag === 'test/x/m/ok'));
    assert.equal(c.health().counters?.itemsRejected, 1);
    assert.match(c.health().lastError ?? '', /does-not-exist.*BadNodeIdUnknown/);
    assert.equal(samples.find((s) => s.tag === 'test/x/m/missing')?.quality, 'bad');
    await c.stop();
  });

  it('applies deadbands: an absolute deadband above the change rate suppresses updates', async () => {
    const c = connector({ mappings: [{ nodeId: 'ns=1;s=v3', tag: 'test/db/m/filtered', deadband: { type: 'absolute', value: 1000 } }, { nodeId: 'ns=1;s=v3', tag: 'test/db/m/all' }, { nodeId: 'ns=1;s=analog', tag: 'test/db/m/analog', deadband: { type: 'percent', value: 10 } }] });
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('several unfiltered updates', () => samples.filter((s) => s.tag === 'test/db/m/all').length >= 5);
    assert.equal(samples.filter((s) => s.tag === 'test/db/m/filtered').length, 1, 'only the initial value passes a 1000 deadband');
    assert.equal(c.health().counters?.itemsRejected, 0, 'percent deadband on an AnalogItem is accepted');
    await c.stop();
  });

  it('browses the address space and renders a mapping as config YAML', async () => {
    const c = connector({ mappings: [{ nodeId: 'ns=1;s=v0', tag: 'test/b/m/v0' }] });
    const { context } = recordingContext();
    await c.start(context);
    await waitFor('connected', () => c.health().state === 'connected');
    const top = await c.browse();
    const plant = top.find((n) => n.browseName === '1:Plant');
    assert.ok(plant, `Plant folder in ${top.map((n) => n.browseName).join(', ')}`);
    assert.equal(plant.nodeClass, 'Object');
    const [line] = await c.browse(plant.nodeId);
    const [press] = await c.browse(line.nodeId);
    const variables = await c.browse(press.nodeId);
    assert.deepEqual(
      variables.map((v) => [v.nodeId, v.browseName, v.nodeClass, v.dataType]).sort(),
      [
        ['ns=1;s=Plant.Line1.Press1.Running', '1:Running', 'Variable', 'Boolean'],
        ['ns=1;s=Plant.Line1.Press1.Temperature', '1:Temperature', 'Variable', 'Double'],
      ],
    );
    const mappings = mappingsFor(variables, 'acme/berlin/line-1/press-1');
    const yaml = renderMappingYaml(mappings.map((m) => (m.tag.endsWith('temperature') ? { ...m, unit: 'degC' } : m)));
    const reparsed = opcuaConnectorSchema.parse({ endpoint: server.endpointUrl, ...parse(yaml) });
    assert.deepEqual(reparsed.mappings.map((m) => [m.tag, m.type, m.unit]).sort(), [
      ['acme/berlin/line-1/press-1/running', 'boolean', undefined],
      ['acme/berlin/line-1/press-1/temperature', 'number', 'degC'],
    ]);
    await assert.rejects(c.browse('ns=1;s=nope'), /BadNodeIdUnknown/);
    await c.stop();
  });

  it('writes with read-back verification', async () => {
    const c = connector({
      mappings: [
        { nodeId: 'ns=1;s=setpoint', tag: 'test/w/m/setpoint', writable: true },
        { nodeId: 'ns=1;s=int16', tag: 'test/w/m/int16', writable: true },
        { nodeId: 'ns=1;s=flag', tag: 'test/w/m/flag', type: 'boolean', writable: true },
        { nodeId: 'ns=1;s=text', tag: 'test/w/m/text', type: 'string', writable: true },
        { nodeId: 'ns=1;s=stuck', tag: 'test/w/m/stuck', writable: true },
        { nodeId: 'ns=1;s=readonly', tag: 'test/w/m/readonly', writable: true },
        { nodeId: 'ns=1;s=v5', tag: 'test/w/m/not-writable' },
      ],
    });
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('connected', () => c.health().state === 'connected');
    await c.write('test/w/m/setpoint', 42.5);
    await c.write('test/w/m/int16', -1234);
    await c.write('test/w/m/flag', true);
    await c.write('test/w/m/text', 'hello');
    await waitFor('the written setpoint in the subscription', () => samples.some((s) => s.tag === 'test/w/m/setpoint' && s.value === 42.5));
    await assert.rejects(c.write('test/w/m/stuck', 3), /wrote 3 to ns=1;s=stuck but read back 0/);
    await assert.rejects(c.write('test/w/m/readonly', 3), /refused the write.*BadNotWritable/);
    await assert.rejects(c.write('test/w/m/int16', 40000), /outside Int16/);
    await assert.rejects(c.write('test/w/m/flag', 'yes'), /Boolean/);
    await assert.rejects(c.write('test/w/m/not-writable', 1), /not writable/);
    await assert.rejects(c.write('test/w/m/unknown', 1), /does not map/);
    // Unknown and non-writable tags are refused before anything is sent: 4 writes reached the server and failed.
    assert.equal(c.health().counters?.writeErrors, 4);
    await c.stop();
    await assert.rejects(c.write('test/w/m/setpoint', 1), /not connected/);
  });

  it('logs in with a user name and password, and says so when they are wrong', async () => {
    const good = connector({ id: 'user-ok', auth: { type: 'username', username: 'operator', password: 'secret' }, mappings: [{ nodeId: 'ns=1;s=v0', tag: 'test/u/m/v0' }] });
    const a = recordingContext();
    await good.start(a.context);
    await waitFor('a value as operator', () => a.samples.length > 0);
    await good.stop();
    const wrong = connector({ id: 'user-bad', auth: { type: 'username', username: 'operator', password: 'nope' }, mappings: [{ nodeId: 'ns=1;s=v0', tag: 'test/u/m/v0' }] });
    const b = recordingContext();
    await wrong.start(b.context);
    await waitFor('the refusal', () => /refused the user identity/.test(wrong.health().lastError ?? ''));
    assert.equal(wrong.health().state, 'disconnected');
    assert.equal(b.samples.length, 0);
    await wrong.stop();
  });
});
