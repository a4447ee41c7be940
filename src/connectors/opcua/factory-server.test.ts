// The virtual factory over OPC UA, read back through the connector.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDemoConfig } from '../../model/index.js';
import { FactorySimulation } from '../simulator/index.js';
import type { RawSample } from '../types.js';
import { OpcUaConnector } from './opcua-connector.js';
import { serveFactoryOpcUa, type ServedFactoryOpcUa } from './factory-server.js';
import { quietOpcUa, recordingContext, waitFor } from './testing.js';

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-factory-'));
const plant = loadDemoConfig().config.plant;
const PRESS = 'acme/berlin/machining/line-1/press-1';
let served: ServedFactoryOpcUa | undefined;
let connector: OpcUaConnector | undefined;

after(async () => {
  await connector?.stop();
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('virtual factory over OPC UA', () => {
  it('serves every machine tag with simulation values and source timestamps, and a writable setpoint', async () => {
    const start = Date.now() - 5_000;
    const controller = new AbortController();
    served = await serveFactoryOpcUa({ plant, options: { seed: 7 }, port: 0, pkiDir: join(dir, 'server'), signal: controller.signal, start });
    assert.equal(served.machines.length, 9);
    const config = served.clientConfig({ machines: [PRESS] });
    assert.equal(config.mappings?.length, 14, 'press: 13 simulator tags + speed_setpoint');
    connector = new OpcUaConnector({ pkiDir: join(dir, 'client'), config: { ...config, subscription: { publishingInterval: 200, samplingInterval: 200 } } });
    const { context, samples } = recordingContext();
    await connector.start(context);
    await waitFor('a good value of every press tag', () => new Set(samples.filter((s) => s.quality === 'good').map((s) => s.tag)).size === 14, 20_000);

    // The same seed and start give the same values: replay the simulation to each sample's time.
    const replay = new FactorySimulation(plant, { seed: 7 }, start);
    const expected = new Map<string, RawSample>();
    const temperature = samples.filter((s) => s.tag === `${PRESS}/temperature` && s.quality === 'good').at(-1)!;
    while (replay.nextTs <= (temperature.ts as number)) {
      const out: RawSample[] = [];
      replay.step(out);
      for (const s of out) expected.set(s.tag, s);
    }
    assert.equal(temperature.value, expected.get(`${PRESS}/temperature`)?.value);
    assert.equal(temperature.ts, expected.get(`${PRESS}/temperature`)?.ts, 'source timestamp = simulated tick time');
    assert.equal((temperature.ts as number) % 1000, 0);

    // ISA-95 folder tree.
    const [enterprise] = (await connector.browse()).filter((n) => n.browseName === '1:acme');
    assert.ok(enterprise);
    let node = enterprise;
    for (const name of ['berlin', 'machining', 'line-1', 'press-1']) {
      const children = await connector.browse(node.nodeId);
      node = children.find((c) => c.browseName === `1:${name}`)!;
      assert.ok(node, `${name} under ${node?.nodeId}`);
    }
    const tags = await connector.browse(node.nodeId);
    assert.ok(tags.some((t) => t.browseName === '1:temperature' && t.dataType === 'Double'));
    assert.ok(tags.some((t) => t.browseName === '1:running' && t.dataType === 'Boolean'));
    // Measured values are read-only on the server too; only the setpoint is writable.
    assert.deepEqual(tags.find((t) => t.browseName === '1:temperature')?.access, { read: true, write: false });
    assert.deepEqual(tags.find((t) => t.browseName === '1:speed_setpoint')?.access, { read: true, write: true });

    await connector.write(`${PRESS}/speed_setpoint`, 85);
    await assert.rejects(connector.write(`${PRESS}/temperature`, 1), /not writable/);
    await connector.stop();
    controller.abort(); // the signal closes the server
  });
});
