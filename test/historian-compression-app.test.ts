// Compression and retention classes configured in YAML, through the running app: samples posted over
// HTTP are stored compressed, GET /api/v1/historian/stats reports it, latest values stay exact.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviation } from '../src/historian/compression/index.js';
import { loadDemoConfig, parseConfig } from '../src/model/index.js';
import { startTestLoom } from './helpers.js';

const PRESS = 'acme/berlin/machining/line-1/press-1';
const TEMP = `${PRESS}/oil-temperature`;
const FLOW = `${PRESS}/coolant-flow`;

test('historian.compression from the config: stored compressed within the bound, reported by /api/v1/historian/stats', async () => {
  const base = loadDemoConfig();
  const config = parseConfig(
    JSON.stringify({
      plant: base.config.plant,
      simulator: { enabled: false },
      historian: {
        compression: { enabled: true, classes: [{ tags: `${PRESS}/oil-temperature`, compDev: 0.25 }] },
        retention: { raw: '30d', classes: [{ tags: `${PRESS}/#`, raw: '7d' }] },
      },
    }),
  );
  assert.equal(config.historian.retention.classes[0].raw, 7 * 86_400_000);
  const loom = await startTestLoom({ loaded: { ...base, config } });
  try {
    // Connector-style tags: one with an explicit bound, one with the default percentage but no span.
    loom.registry.upsert({ path: TEMP, asset: PRESS, name: 'oil-temperature', type: 'number', unit: 'degC' });
    loom.registry.upsert({ path: FLOW, asset: PRESS, name: 'coolant-flow', type: 'number', unit: 'l/min' });
    await loom.historian.defineTags(loom.registry.all());
    const t0 = Date.now() - 3_600_000;
    const samples = Array.from({ length: 600 }, (_, i) => ({ tag: TEMP, ts: t0 + i * 1_000, value: 40 + Math.round(10 * Math.sin(i / 60) * 100) / 100 }));
    const flow = Array.from({ length: 50 }, (_, i) => ({ tag: FLOW, ts: t0 + i * 1_000, value: 12 }));
    const post = await loom.api.inject({ method: 'POST', url: '/api/v1/samples', payload: { samples: [...samples, ...flow] } });
    assert.deepEqual(post.json(), { accepted: 650, rejected: 0 });
    await loom.bus.idle();

    const latest = (await loom.api.inject({ method: 'GET', url: `/api/v1/tags?path=${encodeURIComponent(TEMP)}` })).json();
    assert.equal(latest.tags[0].ts, samples.at(-1)!.ts, 'latest is the newest received sample, stored or not');
    await loom.historian.flush();

    const stats = (await loom.api.inject({ method: 'GET', url: '/api/v1/historian/stats' })).json();
    assert.equal(stats.engine, 'duckdb');
    assert.equal(stats.samplesReceived, 650);
    assert.equal(stats.samplesStored, stats.rawRows);
    assert.ok(stats.compressionRatio > 3, `ratio ${stats.compressionRatio}`);
    assert.equal(stats.compression.compressedTags, 1);
    assert.deepEqual(
      stats.compression.unresolvedTags.map((u: { tag: string }) => u.tag),
      [FLOW],
      'a percentage without the tag span is named',
    );
    assert.match(stats.compression.unresolvedTags[0].reason, /min and max/);

    const history = (await loom.api.inject({ method: 'GET', url: `/api/v1/history?tag=${TEMP}&from=${t0}&to=${t0 + 600_000}&maxPoints=10000` })).json();
    assert.ok(history.points.length < 200, `${history.points.length} points stored`);
    assert.ok(deviation(samples, history.points).max <= 0.25 + 1e-9);
    const flowHistory = (await loom.api.inject({ method: 'GET', url: `/api/v1/history?tag=${FLOW}&from=${t0}&to=${t0 + 600_000}` })).json();
    assert.equal(flowHistory.points.length, 50, 'the unresolved tag is stored uncompressed');
  } finally {
    await loom.stop();
  }
});
