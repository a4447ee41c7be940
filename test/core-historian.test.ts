// The app's core (openCore): how the bus feeds the historian.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openCore } from '../src/app.js';
import { parseConfig } from '../src/model/index.js';

test('historian writes: samples trickling in one per event-loop turn are gathered into few writes, every one stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-core-'));
  const config = parseConfig('plant:\n  enterprise: { id: acme }\n  sites: [{ id: berlin }]\n');
  const core = await openCore({ config, file: 'test', baseDir: dir }, { dataDir: dir, logger: false });
  try {
    core.registry.upsert({ path: 'acme/berlin/press-1/count', asset: 'acme/berlin/press-1', name: 'count', type: 'number' });
    await core.historian.defineTags(core.registry.all());
    const T = Date.UTC(2026, 0, 5, 8);
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      await core.ingest.publish([{ tag: 'acme/berlin/press-1/count', ts: T + i, value: i }], 'test');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await core.bus.idle();
    const elapsed = performance.now() - started;
    await core.historian.flush();
    const feed = core.historianFeed();
    assert.equal(feed.samples, 200);
    // One write per 5 ms at most (plus the first), instead of one per turn.
    assert.ok(feed.writes <= Math.ceil(elapsed / 5) + 2 && feed.writes < 100, `${feed.writes} writes in ${elapsed.toFixed(0)} ms`);
    const stored = await core.historian.query({ tag: 'acme/berlin/press-1/count', from: T, to: T + 200 });
    assert.equal(stored.points.length, 200);
    assert.equal(core.historian.latest('acme/berlin/press-1/count')[0]?.value, 199);
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
