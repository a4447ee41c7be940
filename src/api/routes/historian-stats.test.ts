// GET /api/v1/historian/stats through inject(), on a real DuckDB historian with compression in front.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import Fastify from 'fastify';
import { tagRoleSchema } from '../../model/config-schema.js';
import type { Sample } from '../../model/index.js';
import { compressionSchema, withCompression } from '../../historian/compression/index.js';
import { DuckDbHistorian } from '../../historian/index.js';
import type { ApiDeps } from '../deps.js';
import { historianStatsRoutes } from './historian-stats.js';

const dir = mkdtempSync(join(tmpdir(), 'loom-historian-stats-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TEMP = 'acme/berlin/assembly/line-1/press-1/temperature';
const FLAG = 'acme/berlin/assembly/line-1/press-1/running';

it('reports rows, bytes, bytes per stored row and per received sample, and the compression ratio', async () => {
  const config = compressionSchema(tagRoleSchema).parse({ enabled: true, compDev: 0.5 });
  const historian = withCompression(new DuckDbHistorian({ path: join(dir, 'h.duckdb') }), config);
  await historian.open();
  const app = Fastify();
  try {
    await historian.defineTags([
      { id: 1, path: TEMP, asset: 'a', name: 'temperature', type: 'number' },
      { id: 2, path: FLAG, asset: 'a', name: 'running', type: 'boolean' },
    ]);
    const t0 = Date.UTC(2026, 0, 5);
    const samples: Sample[] = [];
    for (let i = 0; i < 1_000; i++) samples.push({ tag: TEMP, ts: t0 + i * 1_000, value: 20 + (i % 100) * 0.01, quality: 'good' });
    for (let i = 0; i < 100; i++) samples.push({ tag: FLAG, ts: t0 + i * 10_000, value: i % 2 === 0, quality: 'good' });
    await historian.write(samples);
    await historian.flush();
    await historianStatsRoutes(app, { historian, historianEngine: 'duckdb' } as unknown as ApiDeps);
    const response = await app.inject({ method: 'GET', url: '/api/v1/historian/stats' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.engine, 'duckdb');
    assert.equal(body.samplesReceived, 1_100);
    assert.equal(body.samplesStored, body.rawRows, 'every stored sample is a raw row');
    assert.ok(body.samplesStored < 200, `stored ${body.samplesStored}: a sawtooth of 100 steps of 0.01 within 0.5 keeps its corners`);
    assert.ok(body.compressionRatio > 5);
    assert.ok(body.bytes > 0);
    assert.ok(Math.abs(body.bytesPerStoredRow - body.bytes / body.rawRows) < 1e-9);
    assert.ok(Math.abs(body.bytesPerReceivedSample - body.bytes / 1_100) < 1e-9);
    assert.equal(body.compression.compressedTags, 1, 'the boolean tag is stored as received');
    assert.deepEqual(body.compression.unresolvedTags, []);
  } finally {
    await app.close();
    await historian.close();
  }
});
