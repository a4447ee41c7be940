// The virtual factory as Sparkplug edge nodes, end to end over embedded aedes: edge nodes -> broker
// -> host -> the same tag paths the built-in simulator uses; rebirth, DCMD write-back, NDEATH, bdSeq.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadDemoConfig } from '../../model/index.js';
import { simulatorTagDefinitions } from '../simulator/index.js';
import { SparkplugHost } from './host.js';
import { lineNodeId, sparkplugMappingsForPlant, startSparkplugEdge, type SparkplugEdgeHandle } from './simulator-edge.js';
import { encodePayload } from './codec.js';
import { DataTypes } from './datatypes.js';
import { connectClient, recordingContext, startAedes, uniqueId, waitFor, type TestBroker } from './testing.js';

const plant = loadDemoConfig().config.plant;

describe('simulator as Sparkplug edge nodes (aedes)', () => {
  let broker: TestBroker;
  let edge: SparkplugEdgeHandle;
  let host: SparkplugHost;
  const ctx = recordingContext();
  const group = uniqueId('sim');

  before(async () => {
    broker = await startAedes();
    host = new SparkplugHost({ config: { url: broker.url, hostId: uniqueId('h'), groups: [group], mappings: sparkplugMappingsForPlant(plant, group), rebirthInterval: 0 } });
    await host.start(ctx);
    edge = await startSparkplugEdge({ plant, options: { seed: 7, speed: 30, faults: false }, url: broker.url, groupId: group });
  });
  after(async () => {
    await edge.stop();
    await host.stop();
    await broker.close();
  });

  test('one edge node per line, one device per machine; the host registers exactly the simulator tag paths and types', async () => {
    const expected = simulatorTagDefinitions(plant, {});
    await waitFor(() => expected.every((t) => ctx.registry.has(t.path)), 'every simulator tag registered', 5_000);
    for (const t of expected) {
      const got = ctx.registry.get(t.path);
      assert.equal(got?.type, t.type, t.path);
      assert.equal(got?.unit, t.unit, t.path);
    }
    const lines = new Set(expected.map((t) => t.asset.slice(0, t.asset.lastIndexOf('/'))));
    assert.deepEqual([...edge.nodes.keys()].sort(), [...lines].map(lineNodeId).sort());
    assert.equal(host.health().counters?.nodesOnline, lines.size);
    assert.equal(host.health().counters?.devicesOnline, new Set(expected.map((t) => t.asset)).size);
  });

  test('DDATA keeps flowing on change: signals advance, with no rejects', async () => {
    const temperature = simulatorTagDefinitions(plant, {}).find((t) => t.name === 'temperature')?.path as string;
    const before = ctx.samples.filter((s) => s.tag === temperature).length;
    await waitFor(() => ctx.samples.filter((s) => s.tag === temperature).length >= before + 3, 'three more temperature samples', 5_000);
    assert.equal(host.health().counters?.rejected, 0);
    assert.equal(edge.counters().publishErrors, 0);
  });

  test('NCMD Node Control/Rebirth makes the node send NBIRTH and DBIRTHs again', async () => {
    const [nodeId, node] = [...edge.nodes.entries()][0];
    const births = node.counters.births;
    const hostBirths = host.health().counters?.nodeBirths ?? 0;
    const deviceBirths = host.health().counters?.deviceBirths ?? 0;
    const operator = await connectClient(broker.url);
    await operator.publishAsync(`spBv1.0/${group}/NCMD/${nodeId}`, Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', datatype: DataTypes.Boolean, value: true }] })), { qos: 1 });
    await operator.endAsync();
    await waitFor(() => node.counters.rebirthCommands === 1 && node.counters.births === births + 1, 'rebirth command handled');
    await waitFor(() => host.health().counters?.nodeBirths === hostBirths + 1, 'host saw the new NBIRTH');
    const devices = plant.sites.flatMap((s) => s.areas.flatMap((a) => a.lines.filter((l) => lineNodeId([plant.enterprise.id, s.id, a.id, l.id].join('/')) === nodeId).flatMap((l) => l.machines)));
    await waitFor(() => host.health().counters?.deviceBirths === deviceBirths + devices.length, 'host saw the DBIRTHs');
  });

  test('DCMD on the writable Control/Note is accepted and echoed in DDATA; the host audits the write', async () => {
    const machine = plant.sites[0].areas[0].lines[0].machines[1] ?? plant.sites[0].areas[0].lines[0].machines[0];
    const tag = `${[plant.enterprise.id, plant.sites[0].id, plant.sites[0].areas[0].id, plant.sites[0].areas[0].lines[0].id, machine.id].join('/')}/control/note`;
    await waitFor(() => ctx.registry.has(tag), 'note tag');
    await host.write(tag, 'check the guard', 'bob');
    await waitFor(() => ctx.samples.some((s) => s.tag === tag && s.value === 'check the guard'), 'echoed note');
    assert.equal(host.audit().at(-1)?.result, 'sent');
    assert.equal(host.audit().at(-1)?.user, 'bob');
    // A measured value is not writable: the edge refuses it (counted), nothing changes.
    const refusedBefore = edge.counters().commandsRefused;
    await host.write(tag.replace(/control\/note$/, 'temperature'), 99);
    await waitFor(() => edge.counters().commandsRefused === refusedBefore + 1, 'refused command');
  });

  test('a lost connection: the will NDEATH carries that connection\'s bdSeq; the next NBIRTH the next bdSeq', async () => {
    const [nodeId, node] = [...edge.nodes.entries()][0];
    const bdSeq = node.currentBdSeq;
    const deaths = host.health().counters?.nodeDeaths ?? 0;
    (node as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await waitFor(() => host.health().counters?.nodeDeaths === deaths + 1, 'host honoured the will NDEATH');
    await waitFor(() => node.connected && node.currentBdSeq === (bdSeq + 1) % 256, 'reconnected with the next bdSeq', 5_000);
    await waitFor(() => host.health().counters?.nodesOnline === edge.nodes.size, 'node online again', 5_000);
    assert.ok(ctx.samples.some((s) => s.quality === 'bad' && s.tag.includes(nodeId.split(':').at(-1) as string)));
  });

  test('stop(): a clean NDEATH per node; the host marks every simulated tag stale', async () => {
    const stale = () => new Set(ctx.samples.filter((s) => s.quality === 'bad').map((s) => s.tag));
    const before = host.health().counters?.nodeDeaths ?? 0;
    await edge.stop();
    await waitFor(() => host.health().counters?.nodeDeaths === before + edge.nodes.size, 'NDEATH from every node');
    // Every tag that had a value goes stale (a tag with none yet, such as the cycle time of a machine
    // that has not finished a cycle, has nothing to mark).
    const valued = new Set(ctx.samples.filter((s) => s.quality === 'good').map((s) => s.tag));
    const paths = simulatorTagDefinitions(plant, {}).map((t) => t.path).filter((p) => valued.has(p));
    assert.ok(paths.length >= simulatorTagDefinitions(plant, {}).length * 0.9, `${paths.length} simulator tags had a value`);
    const missed = paths.filter((p) => !stale().has(p));
    assert.deepEqual(missed, [], 'every tag with a value stale');
    assert.equal(host.health().counters?.nodesOnline, 0);
  });
});
