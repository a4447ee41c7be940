// Integration tests of the embedded historian against real DuckDB files in a fresh temp folder.
// Expected values are computed by hand, or by the small reference implementation below (step
// interpolation, good samples only), which the hand-computed cases pin down first.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Quality, Sample, TagDefinition } from '../model/index.js';
import { random, reference, type RefSample } from './conformance/reference.js';
import { DuckDbHistorian, type Aggregate, type DuckDbHistorianOptions, type WriteReport } from './index.js';

const T0 = Date.UTC(2026, 0, 5); // hour- and day-aligned
const S = 1_000;
const M = 60_000;
const H = 3_600_000;
const TEMP = 'acme/berlin/assembly/line-1/press-1/temperature';
const RUNNING = 'acme/berlin/assembly/line-1/press-1/running';
const STATE = 'acme/berlin/assembly/line-1/press-1/state-text';
const RECIPE = 'acme/berlin/assembly/line-1/press-1/recipe';
const OTHER = 'acme/berlin/assembly/line-2/press-7/temperature';

const TAGS: Array<TagDefinition & { id: number }> = [
  { id: 1, path: TEMP, asset: 'acme/berlin/assembly/line-1/press-1', name: 'temperature', type: 'number' },
  { id: 2, path: RUNNING, asset: 'acme/berlin/assembly/line-1/press-1', name: 'running', type: 'boolean' },
  { id: 3, path: STATE, asset: 'acme/berlin/assembly/line-1/press-1', name: 'state-text', type: 'string' },
  { id: 4, path: RECIPE, asset: 'acme/berlin/assembly/line-1/press-1', name: 'recipe', type: 'json' },
  { id: 5, path: OTHER, asset: 'acme/berlin/assembly/line-2/press-7', name: 'temperature', type: 'number' },
];

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-historian-test-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

// A failed assertion must not leave a worker running (it would keep the test process alive).
const opened: DuckDbHistorian[] = [];
afterEach(async () => {
  for (const historian of opened.splice(0)) await historian.close().catch(() => undefined);
});

let fileNo = 0;
function dbPath(): string {
  return join(root, `h${++fileNo}.duckdb`);
}

/** Opens a historian whose compaction runs only on flush(), so tests decide when rollups are built. */
async function openHistorian(path = dbPath(), options: Partial<DuckDbHistorianOptions> = {}): Promise<DuckDbHistorian> {
  const historian = new DuckDbHistorian({ path, compactAfterMs: 3_600_000, compactRows: 100_000_000, ...options });
  opened.push(historian);
  await historian.open();
  await historian.defineTags(TAGS);
  return historian;
}

function s(tag: string, ts: number, value: Sample['value'], quality: Quality = 'good'): Sample {
  return { tag, ts, value, quality };
}

function values(points: Array<{ ts: number; value: unknown }>): Array<[number, unknown]> {
  return points.map((p) => [p.ts - T0, p.value]);
}

function assertClose(actual: unknown, expected: number | null, message: string): void {
  if (expected === null) return assert.equal(actual, null, message);
  assert.equal(typeof actual, 'number', `${message}: got ${String(actual)}`);
  const diff = Math.abs((actual as number) - expected);
  assert.ok(diff <= 1e-9 * Math.max(1, Math.abs(expected)), `${message}: expected ${expected}, got ${String(actual)}`);
}

// The reference implementation (the semantics the README promises) is shared with the conformance suite.

describe('DuckDbHistorian', () => {
  it('runs its writer in a worker under tsx and round-trips samples of every type', async () => {
    const historian = await openHistorian();
    await historian.write([
      s(TEMP, T0, 20.5),
      s(TEMP, T0 + S, 21, 'uncertain'),
      s(RUNNING, T0, true),
      s(RUNNING, T0 + S, false),
      s(STATE, T0, 'idle'),
      s(RECIPE, T0, '{"speed":3}'),
    ]);
    const temp = await historian.query({ tag: TEMP, from: T0, to: T0 + M });
    assert.equal(temp.resolution, 'raw');
    assert.equal(temp.bucketMs, null);
    assert.equal(temp.agg, null);
    assert.deepEqual(temp.points, [
      { ts: T0, value: 20.5, quality: 'good' },
      { ts: T0 + S, value: 21, quality: 'uncertain' },
    ]);
    assert.deepEqual(values((await historian.query({ tag: RUNNING, from: T0, to: T0 + M })).points), [[0, true], [S, false]]);
    assert.deepEqual(values((await historian.query({ tag: STATE, from: T0, to: T0 + M })).points), [[0, 'idle']]);
    assert.deepEqual(values((await historian.query({ tag: RECIPE, from: T0, to: T0 + M })).points), [[0, '{"speed":3}']]);
    await historian.close();
  });

  it('resolves write() only once the samples are durable: a killed process keeps them', async () => {
    const path = dbPath();
    const script = `
      import { DuckDbHistorian } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
      const h = new DuckDbHistorian({ path: ${JSON.stringify(path)}, compactAfterMs: 3600000 });
      await h.open();
      await h.defineTags([{ id: 9, path: ${JSON.stringify(TEMP)}, asset: 'a', name: 't', type: 'number' }]);
      await h.write([{ tag: ${JSON.stringify(TEMP)}, ts: ${T0}, value: 1.5, quality: 'good' }, { tag: ${JSON.stringify(TEMP)}, ts: ${T0 + S}, value: 2.5, quality: 'good' }]);
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.signal, 'SIGKILL', `child did not reach the kill: ${child.stderr}`);
    const historian = await openHistorian(path);
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), [[0, 1.5], [S, 2.5]]);
    // The uncompacted samples were compacted on open: rollups and latest value are there too.
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })).points), [[0, 2]]);
    assert.deepEqual(historian.latest(TEMP), [{ tag: TEMP, ts: T0 + S, value: 2.5, quality: 'good' }]);
    await historian.close();
  });

  it('is idempotent per (tag, ts): the last write wins and nothing is double counted', async () => {
    const historian = await openHistorian();
    await historian.write([s(TEMP, T0, 1), s(TEMP, T0 + 10 * S, 2), s(TEMP, T0 + 20 * S, 3)]);
    await historian.write([s(TEMP, T0 + 10 * S, 20), s(TEMP, T0 + 10 * S, 200)]); // same batch: the later one wins
    const expected = [[0, 1], [10 * S, 200], [20 * S, 3]];
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), expected, 'before compaction');
    await historian.flush();
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), expected, 'after compaction');
    // Re-send everything after compaction, with one correction.
    await historian.write([s(TEMP, T0, 1), s(TEMP, T0 + 10 * S, 200), s(TEMP, T0 + 20 * S, 30)]);
    const corrected = [[0, 1], [10 * S, 200], [20 * S, 30]];
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), corrected, 're-sent, in landing');
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M, bucketMs: M, agg: 'count' })).points), [[0, 3]]);
    await historian.flush();
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), corrected, 're-sent, compacted');
    const count = await historian.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: M, agg: 'count' });
    assert.equal(count.resolution, '1m');
    assert.deepEqual(values(count.points), [[0, 3]]);
    const sum = await historian.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'avg' });
    assert.equal(sum.resolution, '1h');
    assert.deepEqual(values(sum.points), [[0, (1 + 200 + 30) / 3]]);
    assert.equal((await historian.stats()).rawRows, 3);
    await historian.close();
  });

  it('computes minute aggregates by hand, and a late sample fixes its minute and the next minute (twa carry-in)', async () => {
    const historian = await openHistorian();
    await historian.write([
      s(TEMP, T0, 10),
      s(TEMP, T0 + 20 * S, 20),
      s(TEMP, T0 + 40 * S, 40),
      s(TEMP, T0 + 50 * S, 100, 'bad'),
      s(TEMP, T0 + 90 * S, 50),
    ]);
    await historian.flush();
    const q = async (agg: Aggregate, resolution = '1m') => {
      const result = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * M, bucketMs: M, agg });
      assert.equal(result.resolution, resolution);
      return values(result.points);
    };
    assert.deepEqual(await q('count'), [[0, 4], [M, 1]]);
    assert.deepEqual(await q('min'), [[0, 10], [M, 50]]);
    assert.deepEqual(await q('max'), [[0, 40], [M, 50]]);
    assert.deepEqual(await q('first'), [[0, 10], [M, 50]]);
    assert.deepEqual(await q('last'), [[0, 40], [M, 50]]);
    const avg = await q('avg');
    assertClose(avg[0][1], 70 / 3, 'avg of minute 0 (the bad sample is left out)');
    // Minute 0: 10 for 20 s, 20 for 20 s, 40 for 10 s; the bad sample leaves 50-60 s uncovered.
    // Minute 1: the carried-in bad sample covers nothing until 90 s, then 50 to the end.
    assert.deepEqual(await q('twa'), [[0, (10 * 20 + 20 * 20 + 40 * 10) / 50], [M, 50]]);

    // A late good sample at 55 s: minute 0 gains 5 s of 60, and it is now minute 1's carry-in.
    await historian.write([s(TEMP, T0 + 55 * S, 60)]);
    const expectedTwa = [(10 * 20 + 20 * 20 + 40 * 10 + 60 * 5) / 55, (60 * 30 + 50 * 30) / 60];
    // Before compaction the late sample sits in the landing table: answers come from samples.
    const early = await q('twa', 'raw');
    assertClose(early[0][1], expectedTwa[0], 'twa of minute 0, late sample not yet compacted');
    assertClose(early[1][1], expectedTwa[1], 'twa of minute 1, late sample not yet compacted');
    await historian.flush();
    const twa = await q('twa');
    assertClose(twa[0][1], expectedTwa[0], 'twa of minute 0 after the late sample');
    assertClose(twa[1][1], expectedTwa[1], 'twa of minute 1 after the late sample changed its carry-in');
    assert.deepEqual(await q('count'), [[0, 5], [M, 1]]);
    assertClose((await q('avg'))[0][1], (10 + 20 + 40 + 60) / 4, 'avg after the late sample');
    await historian.close();
  });

  it('keeps hour rollups exact when late data changes an hour and the carry-in of the next hour', async () => {
    const historian = await openHistorian();
    // Hour 0: 10 from 0 to 30 min, then 20. Nothing in 40 min-2 h except one sample at 1 h 30 min.
    await historian.write([s(TEMP, T0, 10), s(TEMP, T0 + 30 * M, 20), s(TEMP, T0 + H + 30 * M, 40)]);
    await historian.flush();
    const hours = async (agg: Aggregate) => {
      const result = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: H, agg });
      assert.equal(result.resolution, '1h');
      return values(result.points);
    };
    assert.deepEqual(await hours('twa'), [[0, 15], [H, 30]]);
    assert.deepEqual(await hours('count'), [[0, 2], [H, 1]]);
    // Late: 100 at 0 h 45 min. Hour 0: 10 for 30 min, 20 for 15 min, 100 for 15 min. Hour 1 starts at 100.
    await historian.write([s(TEMP, T0 + 45 * M, 100)]);
    await historian.flush();
    const twa = await hours('twa');
    assertClose(twa[0][1], (10 * 30 + 20 * 15 + 100 * 15) / 60, 'hour 0');
    assertClose(twa[1][1], (100 * 30 + 40 * 30) / 60, 'hour 1 (carry-in from the late sample)');
    assert.deepEqual(await hours('max'), [[0, 100], [H, 40]]);
    // Two-hour buckets combine hour rows with the same result as the samples.
    const two = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: 2 * H, agg: 'twa' });
    assert.equal(two.resolution, '1h');
    assertClose(two.points[0].value, (10 * 30 + 20 * 15 + 100 * 45 + 40 * 30) / 120, 'two-hour bucket');
    await historian.close();
  });

  it('answers every aggregate at every level exactly as the samples do, before and after compaction', async () => {
    const historian = await openHistorian();
    const next = random(42);
    const truth = new Map<number, RefSample>();
    const samples: Sample[] = [];
    let ts = T0 - 7 * M; // some history before the queried range, for carry-in
    while (ts < T0 + 3 * H) {
      ts += Math.floor(1 + next() * 90) * S;
      if (ts > T0 + 70 * M && ts < T0 + 95 * M) continue; // a 25-minute hole: empty minutes held by carry-in
      const value = Math.round(next() * 10_000) / 100;
      const good = next() > 0.1;
      samples.push(s(TEMP, ts, value, good ? 'good' : next() > 0.5 ? 'bad' : 'uncertain'));
    }
    // Re-send a quarter of them with new values, some in the same write, in shuffled order.
    for (let i = 0; i < samples.length; i += 4) {
      const value = Math.round(next() * 10_000) / 100;
      samples.push(s(TEMP, samples[i].ts, value));
    }
    const firstHalf = samples.slice(0, samples.length / 2);
    const secondHalf = samples.slice(samples.length / 2).reverse();
    await historian.write(firstHalf);
    await historian.flush(); // part compacted, part in landing: queries must merge both
    await historian.write(secondHalf);
    for (const x of [...firstHalf, ...secondHalf]) truth.set(x.ts, { ts: x.ts, value: x.value as number, good: x.quality === 'good' });
    const ref = [...truth.values()];
    const check = async (label: string, widths: number[], from: number, to: number) => {
      for (const width of widths) {
        for (const agg of ['avg', 'min', 'max', 'first', 'last', 'count', 'twa'] as Aggregate[]) {
          const result = await historian.query({ tag: TEMP, from, to, bucketMs: width, agg });
          const expected = reference(ref, width, from, to, agg);
          assert.deepEqual(result.points.map((p) => p.ts), [...expected.keys()], `${label} ${agg}/${width}: bucket starts`);
          for (const point of result.points) assertClose(point.value, expected.get(point.ts)!, `${label} ${agg}/${width} at +${point.ts - T0}`);
        }
      }
    };
    await check('mixed', [30 * S, M, 5 * M, H], T0, T0 + 3 * H);
    await historian.flush();
    await check('compacted', [30 * S, M, 5 * M, H, 2 * H], T0, T0 + 3 * H);
    // An unaligned range widens to whole buckets.
    await check('unaligned', [M, H], T0 + 17 * M + 5 * S, T0 + 2 * H + 3 * M);
    const minuteRows = await historian.query({ tag: TEMP, from: T0, to: T0 + 3 * H, bucketMs: 5 * M, agg: 'twa' });
    assert.equal(minuteRows.resolution, '1m');
    await historian.close();
  });

  it('stays exact under background compactions of closed minutes, in-order streams and re-sends', async () => {
    // Small compactRows: the writer compacts closed minutes on its own while samples keep coming.
    const historian = await openHistorian(dbPath(), { compactRows: 300, flushIntervalMs: 0 });
    const next = random(7);
    const truth = new Map<number, RefSample>();
    const write = async (batch: Sample[]) => {
      await historian.write(batch);
      for (const x of batch) truth.set(x.ts, { ts: x.ts, value: x.value as number, good: x.quality === 'good' });
    };
    let ts = T0;
    for (let w = 0; w < 40; w++) {
      const batch: Sample[] = [];
      for (let i = 0; i < 60; i++) {
        ts += Math.floor(1 + next() * 8) * S;
        batch.push(s(TEMP, ts, Math.round(next() * 10_000) / 100, next() > 0.05 ? 'good' : 'bad'));
      }
      await write(batch);
      if (w === 25) {
        // Re-send and correct a few samples that are compacted by now, and one still in landing.
        const older = [...truth.values()].filter((_, i) => i % 97 === 3).map((x) => s(TEMP, x.ts, x.value + 1000));
        await write([...older, s(TEMP, ts, -5)]);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // let background compactions finish
    const stats = await historian.stats();
    assert.ok(stats.minuteRows > 0, 'background compaction built minute rollups');
    const ref = [...truth.values()];
    const from = T0;
    const to = ts + 1;
    for (const width of [M, 5 * M, H]) {
      for (const agg of ['avg', 'count', 'twa', 'last'] as Aggregate[]) {
        const result = await historian.query({ tag: TEMP, from, to, bucketMs: width, agg });
        const expected = reference(ref, width, from, to, agg);
        assert.deepEqual(result.points.map((p) => p.ts), [...expected.keys()], `${agg}/${width}: bucket starts`);
        for (const point of result.points) assertClose(point.value, expected.get(point.ts)!, `${agg}/${width} at +${point.ts - T0}`);
      }
    }
    await historian.flush();
    assert.equal((await historian.stats()).rawRows, truth.size, 'one row per (tag, ts) after compaction');
    const twa = await historian.query({ tag: TEMP, from, to, bucketMs: H, agg: 'twa' });
    const expected = reference(ref, H, from, to, 'twa');
    for (const point of twa.points) assertClose(point.value, expected.get(point.ts)!, `hour twa at +${point.ts - T0}`);
    await historian.close();
  });

  it('chooses raw samples when they fit maxPoints, else buckets sized to fit, from the fitting rollup', async () => {
    const historian = await openHistorian();
    const samples: Sample[] = [];
    for (let t = 0; t < 2 * H; t += 10 * S) samples.push(s(TEMP, T0 + t, t / S));
    await historian.write(samples); // 720 samples
    await historian.flush();
    const raw = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H });
    assert.equal(raw.resolution, 'raw');
    assert.equal(raw.points.length, 720);
    const fit = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, maxPoints: 100 });
    assert.equal(fit.bucketMs, 2 * M); // 60 one-minute... no: 120 > 100, so 2-minute buckets
    assert.equal(fit.resolution, '1m');
    assert.equal(fit.agg, 'avg');
    assert.equal(fit.points.length, 60);
    const few = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, maxPoints: 2 });
    assert.equal(few.bucketMs, H);
    assert.equal(few.resolution, '1h');
    assert.deepEqual(values(few.points), [[0, 1795], [H, 5395]]);
    const fine = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: 30 * S, agg: 'max' });
    assert.equal(fine.resolution, 'raw');
    assert.equal(fine.points.length, 240);
    assert.deepEqual(fine.points[1], { ts: T0 + 30 * S, value: 50 });
    // Samples still in landing are merged into rollup answers.
    await historian.write([s(TEMP, T0 + 2 * H - S, 100_000)]);
    const merged = await historian.query({ tag: TEMP, from: T0, to: T0 + 2 * H, bucketMs: H, agg: 'max' });
    assert.equal(merged.resolution, '1h');
    assert.deepEqual(values(merged.points), [[0, 3590], [H, 100_000]]);
    await historian.close();
  });

  it('aggregates boolean tags as 0/1 and keeps booleans for first, last, min and max', async () => {
    const historian = await openHistorian();
    await historian.write([s(RUNNING, T0, true), s(RUNNING, T0 + 15 * S, false), s(RUNNING, T0 + 45 * S, true)]);
    await historian.flush();
    const q = async (agg: Aggregate) => values((await historian.query({ tag: RUNNING, from: T0, to: T0 + M, bucketMs: M, agg })).points);
    assert.deepEqual(await q('twa'), [[0, 0.5]]); // true 15 s + 15 s of 60
    assertClose((await q('avg'))[0][1], 2 / 3, 'share of true samples');
    assert.deepEqual(await q('first'), [[0, true]]);
    assert.deepEqual(await q('min'), [[0, false]]);
    assert.deepEqual(await q('count'), [[0, 3]]);
    await historian.close();
  });

  it('answers first, last and count for text tags and refuses numeric aggregates on them', async () => {
    const historian = await openHistorian();
    await historian.write([s(STATE, T0, 'idle'), s(STATE, T0 + 10 * S, 'run'), s(STATE, T0 + 70 * S, 'fault', 'bad'), s(STATE, T0 + 80 * S, 'stop')]);
    const q = async (agg: Aggregate) => values((await historian.query({ tag: STATE, from: T0, to: T0 + 2 * M, bucketMs: M, agg })).points);
    assert.deepEqual(await q('first'), [[0, 'idle'], [M, 'stop']]);
    assert.deepEqual(await q('last'), [[0, 'run'], [M, 'stop']]);
    assert.deepEqual(await q('count'), [[0, 2], [M, 2]]);
    await assert.rejects(historian.query({ tag: STATE, from: T0, to: T0 + M, bucketMs: M, agg: 'twa' }), /'twa' needs numbers but '.*state-text' holds text/);
    await historian.close();
  });

  it('rejects bad queries with errors that name the problem', async () => {
    const historian = await openHistorian();
    await assert.rejects(historian.query({ tag: 'acme/nowhere/x', from: T0, to: T0 + M }), /unknown tag 'acme\/nowhere\/x'/);
    await assert.rejects(historian.query({ tag: TEMP, from: T0 + M, to: T0 }), /reversed/);
    await assert.rejects(historian.query({ tag: TEMP, from: T0, to: T0 + 30 * 24 * H, bucketMs: S }), /exceed the limit of 10000/);
    await assert.rejects(historian.write([s('acme/undefined/tag', T0, 1), s(TEMP, T0, 1)]), /1 sample\(s\) of undefined tags .*'acme\/undefined\/tag'/);
    // The defined sample of that write was still stored.
    assert.equal((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points.length, 1);
    await historian.close();
  });

  it('fails to open with an error naming the file, and stops its worker', async () => {
    const historian = new DuckDbHistorian({ path: join(root, 'missing-folder', 'x.duckdb') });
    await assert.rejects(historian.open(), /cannot open historian database '.*missing-folder\/x\.duckdb'/);
    await assert.rejects(historian.write([s(TEMP, T0, 1)]), /not open/);
  });

  it('keeps latest values in memory, filters them with MQTT wildcards and restores them on reopen', async () => {
    const path = dbPath();
    let historian = await openHistorian(path);
    await historian.write([s(TEMP, T0 + 5 * S, 30), s(TEMP, T0, 10), s(RUNNING, T0, true), s(STATE, T0, 'run'), s(OTHER, T0, 7, 'uncertain')]);
    assert.deepEqual(historian.latest(TEMP), [{ tag: TEMP, ts: T0 + 5 * S, value: 30, quality: 'good' }], 'an older sample does not replace the latest');
    assert.equal(historian.latest().length, 4);
    assert.deepEqual(historian.latest('acme/+/assembly/line-2/#').map((l) => l.tag), [OTHER]);
    assert.deepEqual(historian.latest('acme/berlin/assembly/line-1/press-1/+').map((l) => l.tag).sort(), [RUNNING, STATE, TEMP].sort());
    await historian.close();
    historian = await openHistorian(path);
    const byTag = (a: { tag: string }, b: { tag: string }) => (a.tag < b.tag ? -1 : 1);
    assert.deepEqual(historian.latest().sort(byTag), [
      { tag: OTHER, ts: T0, value: 7, quality: 'uncertain' },
      { tag: RUNNING, ts: T0, value: true, quality: 'good' },
      { tag: STATE, ts: T0, value: 'run', quality: 'good' },
      { tag: TEMP, ts: T0 + 5 * S, value: 30, quality: 'good' },
    ].sort(byTag));
    await historian.close();
  });

  it('keeps storage ids stable by path when the registry numbers tags differently', async () => {
    const path = dbPath();
    let historian = await openHistorian(path);
    await historian.write([s(TEMP, T0, 1), s(OTHER, T0, 2)]);
    await historian.close();
    historian = new DuckDbHistorian({ path });
    opened.push(historian);
    await historian.open();
    await historian.defineTags(TAGS.map((t, i) => ({ ...t, id: 100 - i }))); // other ids this time
    assert.deepEqual(values((await historian.query({ tag: TEMP, from: T0, to: T0 + M })).points), [[0, 1]]);
    assert.deepEqual(values((await historian.query({ tag: OTHER, from: T0, to: T0 + M })).points), [[0, 2]]);
    await historian.close();
  });

  it('applies retention to raw samples, minute and hour rollups separately', async () => {
    const historian = await openHistorian();
    const samples: Sample[] = [];
    for (let t = 0; t < 3 * H; t += 10 * M) samples.push(s(TEMP, T0 + t, t / M));
    await historian.write(samples); // 18 samples, 18 minute rows, 3 hour rows
    await historian.flush();
    const now = T0 + 3 * H;
    const deleted = await historian.applyRetention({ rawMs: H, minuteMs: 2 * H, hourMs: 2 * H }, now);
    assert.deepEqual(deleted, { raw: 12, minute: 6, hour: 1 });
    const stats = await historian.stats();
    assert.equal(stats.rawRows, 6);
    assert.equal(stats.minuteRows, 12);
    assert.equal(stats.hourRows, 2);
    assert.equal((await historian.query({ tag: TEMP, from: T0, to: now })).points.length, 6);
    await historian.close();
  });

  it('reports stats and one write report per durable commit', async () => {
    const path = dbPath();
    const historian = await openHistorian(path, { flushIntervalMs: 0 });
    const reports: WriteReport[] = [];
    historian.onWrite((report) => reports.push(report));
    const samples: Sample[] = [];
    for (let i = 0; i < 5_000; i++) samples.push(s(TEMP, T0 + i * S, Math.round(Math.sin(i / 100) * 1000) / 100));
    await historian.write(samples);
    assert.equal(reports.reduce((sum, r) => sum + r.rows, 0), 5_000);
    assert.ok(reports.every((r) => r.latencyMs >= 0 && r.latencyMs < 10_000));
    await historian.flush();
    const stats = await historian.stats();
    assert.equal(stats.tags, TAGS.length);
    assert.equal(stats.rawRows, 5_000);
    assert.equal(stats.minuteRows, Math.ceil(5_000 / 60));
    assert.equal(stats.hourRows, 2);
    assert.equal(stats.pendingSamples, 0);
    assert.equal(stats.samplesWritten, 5_000);
    assert.ok(stats.bytes > 0);
    assert.equal(stats.bytesPerSample, stats.bytes / 5_000);
    await historian.close();
  });

  it('bounds pending samples: writers wait for room instead of queueing without limit', async () => {
    const historian = await openHistorian(dbPath(), { maxPendingSamples: 1_000, flushIntervalMs: 20 });
    const writes: Array<Promise<void>> = [];
    let maxPending = 0;
    for (let w = 0; w < 10; w++) {
      const batch: Sample[] = [];
      for (let i = 0; i < 600; i++) batch.push(s(TEMP, T0 + (w * 600 + i) * S, i));
      writes.push(historian.write(batch));
      maxPending = Math.max(maxPending, (await historian.stats()).pendingSamples);
    }
    await Promise.all(writes);
    assert.ok(maxPending <= 1_200, `pending reached ${maxPending}`);
    assert.equal((await historian.stats()).rawRows, 6_000);
    await historian.close();
  });

  it('survives reopen: data, rollups and tags persist and close() flushes what is pending', async () => {
    const path = dbPath();
    let historian = await openHistorian(path);
    const pending = historian.write([s(TEMP, T0, 1), s(TEMP, T0 + M, 3)]);
    await historian.close();
    await pending;
    historian = new DuckDbHistorian({ path });
    opened.push(historian);
    await historian.open(); // no defineTags: the file knows its tags
    const hour = await historian.query({ tag: TEMP, from: T0, to: T0 + H, bucketMs: H, agg: 'twa' });
    assert.equal(hour.resolution, '1h');
    assertClose(hour.points[0].value, (1 * 1 + 3 * 59) / 60, 'twa after reopen');
    await historian.close();
    await assert.rejects(historian.write([s(TEMP, T0, 1)]), /closed/);
  });
});
