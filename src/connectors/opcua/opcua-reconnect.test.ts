// Kill the server process mid-stream (SIGKILL), restart it on the same port: the connector marks the
// gap and recovers session and subscription by itself, without a restart.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { OpcUaConnector } from './opcua-connector.js';
import { quietOpcUa, recordingContext, spawnTestServer, waitFor } from './testing.js';

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-reconnect-'));
const kills: Array<() => Promise<void>> = [];
let connector: OpcUaConnector | undefined;

after(async () => {
  await connector?.stop();
  for (const kill of kills) await kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('opcua reconnection', () => {
  it('marks the gap and resumes after the server is killed and restarted', async () => {
    const first = await spawnTestServer({ pkiDir: join(dir, 'server-pki'), variables: 10, intervalMs: 100 });
    kills.push(first.kill);
    const tags = Array.from({ length: 10 }, (_, i) => `test/rc/m/v${i}`);
    connector = new OpcUaConnector({
      pkiDir: join(dir, 'client-pki'),
      config: {
        endpoint: `opc.tcp://127.0.0.1:${first.port}`,
        subscription: { publishingInterval: 100, samplingInterval: 100 },
        reconnect: { initialDelay: 200, maxDelay: 500 },
        mappings: tags.map((tag, i) => ({ nodeId: `ns=1;s=v${i}`, tag })),
      },
    });
    const { context, samples } = recordingContext();
    await connector.start(context);
    await waitFor('data before the kill', () => samples.filter((s) => s.tag === tags[0]).length >= 3, 15_000);

    const killedAt = Date.now();
    await first.kill();
    // The marker is counted at once and its samples are handed on in the next turn of the event loop.
    await waitFor('the gap marker', () => connector!.health().counters?.gaps === 1 && samples.some((s) => s.quality === 'bad'), 15_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(connector.health().state, 'disconnected');
    const gap = samples.filter((s) => s.quality === 'bad');
    assert.deepEqual(gap.map((s) => s.tag).sort(), [...tags].sort(), 'one bad sample per mapped tag');
    assert.ok(gap.every((s) => (s.ts as number) >= killedAt - 50 && (s.ts as number) <= Date.now()));
    // Bad samples carry the last good value, so no invented value is stored.
    const lastGood = samples.filter((s) => s.tag === tags[3] && s.quality === 'good').at(-1);
    assert.equal(gap.find((s) => s.tag === tags[3])?.value, lastGood?.value);

    await new Promise((resolve) => setTimeout(resolve, 1000)); // down for a while
    const before = samples.length;
    const second = await spawnTestServer({ pkiDir: join(dir, 'server-pki'), port: first.port, variables: 10, intervalMs: 100 });
    kills.push(second.kill);
    const restartedAt = Date.now();
    await waitFor('fresh data from the restarted server for every tag', () => {
      const fresh = new Set(samples.slice(before).filter((s) => s.quality === 'good' && (s.ts as number) >= restartedAt - 2000).map((s) => s.tag));
      return tags.every((t) => fresh.has(t));
    }, 40_000);
    assert.equal(connector.health().state, 'connected');
    assert.ok((connector.health().counters?.reconnects ?? 0) >= 1 || (connector.health().counters?.connects ?? 0) >= 2);
    // Still flowing afterwards.
    const n = samples.length;
    await waitFor('more data', () => samples.length > n + 20, 10_000);

    await second.kill();
  });
});
