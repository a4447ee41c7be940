// The degraded state: connected, but some monitored items refused, or the server's publish answers late.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OpcUaConnector } from './opcua-connector.js';
import { startTestServer } from './test-server.js';
import { quietOpcUa, recordingContext, spawnTestServer, waitFor } from './testing.js';

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-health-'));
const cleanups: Array<() => Promise<void>> = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('opcua health: degraded', () => {
  it('is degraded while the server refuses some monitored items, and says which', async () => {
    const server = await startTestServer({ port: 0, pkiDir: join(dir, 'server-a'), variables: 2, intervalMs: 100 });
    cleanups.push(() => server.close());
    const connector = new OpcUaConnector({
      pkiDir: join(dir, 'client'),
      config: {
        endpoint: server.endpointUrl,
        subscription: { publishingInterval: 100, samplingInterval: 100 },
        mappings: [
          { nodeId: 'ns=1;s=v0', tag: 'test/h/m/v0' },
          { nodeId: 'ns=1;s=NoSuchVariable', tag: 'test/h/m/missing' },
        ],
      },
    });
    cleanups.push(() => connector.stop());
    const { context, samples } = recordingContext();
    await connector.start(context);
    await waitFor('data of the good item', () => samples.some((s) => s.tag === 'test/h/m/v0' && s.quality === 'good'), 15_000);
    const health = connector.health();
    assert.equal(health.state, 'degraded');
    assert.match(health.lastError ?? '', /refused 1 of 2 monitored items.*NoSuchVariable/);
    assert.equal(health.counters?.itemsRejected, 1);
    assert.ok(samples.some((s) => s.tag === 'test/h/m/missing' && s.quality === 'bad'));
    await connector.stop();
  });

  it('is degraded while a frozen server stops answering publishes, and connected again once it answers', async () => {
    const served = await spawnTestServer({ pkiDir: join(dir, 'server-b'), variables: 2, intervalMs: 100 });
    cleanups.push(served.kill);
    const connector = new OpcUaConnector({
      pkiDir: join(dir, 'client'),
      config: {
        endpoint: `opc.tcp://127.0.0.1:${served.port}`,
        // Keep-alive every 3 x 100 ms: late after 2 x 300 ms + 1 s of silence.
        subscription: { publishingInterval: 100, samplingInterval: 100, keepAliveCount: 3 },
        requestTimeout: '30s',
        mappings: [{ nodeId: 'ns=1;s=v0', tag: 'test/h/f/v0' }],
      },
    });
    cleanups.push(() => connector.stop());
    const { context, samples } = recordingContext();
    await connector.start(context);
    await waitFor('data', () => samples.some((s) => s.quality === 'good'), 15_000);
    assert.equal(connector.health().state, 'connected');
    // SIGSTOP freezes the server process: the socket stays open, but nothing answers.
    process.kill(served.child.pid as number, 'SIGSTOP');
    try {
      await waitFor('the degraded state', () => connector.health().state === 'degraded', 10_000);
      assert.match(connector.health().lastError ?? '', /no publish answer from opc\.tcp:\/\/127\.0\.0\.1:\d+ for \d+ s \(keep-alive every 0\.3 s\)/);
    } finally {
      process.kill(served.child.pid as number, 'SIGCONT');
    }
    await waitFor('connected again', () => connector.health().state === 'connected', 15_000);
    const n = samples.length;
    await waitFor('data again', () => samples.length > n + 5, 10_000);
    await connector.stop();
  });
});
