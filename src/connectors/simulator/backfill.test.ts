import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadDemoConfig } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, runBackfill } from './index.js';

const H = 3_600_000;
const plant = loadDemoConfig().config.plant;
const FROM = Date.UTC(2025, 3, 7, 4, 0); // Monday 7 April 2025, 06:00 in Berlin

const key = (s: RawSample) => `${s.tag}|${s.ts}|${String(s.value)}`;

test('backfill awaits publish before generating more (backpressure), and loses nothing', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  const received: RawSample[] = [];
  const result = await runBackfill({
    plant,
    options: { seed: 11 },
    from: FROM,
    to: FROM + H,
    batchSize: 2_000,
    publish: async (samples) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls++;
      // A slow consumer: every batch takes a while, and some take much longer.
      await sleep(calls % 10 === 0 ? 20 : 1);
      received.push(...samples);
      inFlight--;
    },
  });
  assert.equal(maxInFlight, 1, 'never more than one batch outstanding');
  assert.equal(result.samples, received.length);
  assert.equal(result.ticks, 3_600);
  assert.equal(result.aborted, false);
  // Exactly what the engine produces on its own for the same seed and interval.
  const sim = new FactorySimulation(plant, { seed: 11 }, FROM);
  const reference: RawSample[] = [];
  while (sim.nextTs < FROM + H) sim.step(reference, true);
  assert.equal(received.length, reference.length);
  assert.deepEqual(received.map(key), reference.map(key));
  assert.ok(received.every((s) => s.historical === true), 'backfilled samples are marked historical');
  assert.ok(received.every((s) => (s.ts as number) >= FROM && (s.ts as number) < FROM + H));
});

test('a slow consumer slows the backfill down instead of piling samples up', async () => {
  let batches = 0;
  const started = performance.now();
  await runBackfill({
    plant,
    from: FROM,
    to: FROM + H / 2,
    batchSize: 1_000,
    publish: async () => {
      batches++;
      await sleep(2);
    },
  });
  const elapsed = performance.now() - started;
  assert.ok(batches > 20);
  assert.ok(elapsed >= batches * 2, `${elapsed.toFixed(0)} ms for ${batches} batches of >= 2 ms each`);
});

test('batches hold about batchSize samples', async () => {
  const sizes: number[] = [];
  await runBackfill({ plant, from: FROM, to: FROM + H / 4, batchSize: 3_000, publish: (s) => void sizes.push(s.length) });
  assert.ok(sizes.length > 3);
  // A batch is sent once a whole tick has pushed it to batchSize or beyond, so it overshoots by under one tick.
  for (const size of sizes.slice(0, -1)) assert.ok(size >= 3_000 && size < 3_000 + 200, `batch of ${size}`);
  assert.ok(sizes.at(-1)! <= 3_200);
});

test('progress is reported, monotonic, and ends at 1 with the total', async () => {
  const progress: Array<[number, number]> = [];
  const result = await runBackfill({
    plant,
    from: FROM,
    to: FROM + 2 * H,
    batchSize: 1_000,
    progressIntervalMs: 0,
    publish: () => undefined,
    onProgress: (done, samples) => progress.push([done, samples]),
  });
  assert.ok(progress.length > 10, `${progress.length} progress calls`);
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i][0] >= progress[i - 1][0], 'fraction never goes back');
    assert.ok(progress[i][1] >= progress[i - 1][1], 'sample count never goes back');
  }
  assert.ok(progress.every(([done]) => done >= 0 && done <= 1));
  assert.ok(progress[0][0] < 0.2);
  assert.deepEqual(progress.at(-1), [1, result.samples]);
});

test('speed N runs at N times real time', async () => {
  const started = performance.now();
  // 10 simulated minutes at 3,000x: 200 ms of real time.
  const result = await runBackfill({ plant, from: FROM, to: FROM + 10 * 60_000, speed: 3_000, publish: () => undefined });
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 180 && elapsed < 1_500, `took ${elapsed.toFixed(0)} ms (expected about 200)`);
  assert.equal(result.ticks, 600);
});

test('an abort signal stops the backfill after the current batch', async () => {
  const controller = new AbortController();
  let batches = 0;
  const result = await runBackfill({
    plant,
    from: FROM,
    to: FROM + 24 * H,
    batchSize: 1_000,
    signal: controller.signal,
    publish: () => {
      if (++batches === 3) controller.abort();
    },
  });
  assert.equal(result.aborted, true);
  assert.ok(batches <= 4, `${batches} batches`);
  assert.ok(result.ticks < 200);
});

test('backfill writes the ground truth as JSON lines, one record per line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loom-sim-'));
  try {
    const file = join(dir, 'nested', 'simulator-ground-truth.jsonl');
    const result = await runBackfill({
      plant,
      options: { seed: 4, tickMs: 30_000, faultMeanIntervalHours: 12 },
      from: FROM,
      to: FROM + 3 * 24 * H,
      publish: () => undefined,
      groundTruthFile: file,
    });
    assert.ok(result.groundTruth.length >= 3, `${result.groundTruth.length} faults`);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l)),
      result.groundTruth,
    );
    for (const r of result.groundTruth) {
      assert.deepEqual(Object.keys(r).slice(0, 5), ['machine', 'fault', 'tag', 'leadUpStart', 'failureAt']);
      assert.ok(r.leadUpStart < r.failureAt && (r.repairedAt === undefined || r.failureAt < r.repairedAt));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a backfill can be continued: two halves equal one whole', async () => {
  const whole: RawSample[] = [];
  await runBackfill({ plant, options: { seed: 9 }, from: FROM, to: FROM + H, publish: (s) => void whole.push(...s) });
  const halves: RawSample[] = [];
  const first = await runBackfill({ plant, options: { seed: 9 }, from: FROM, to: FROM + H / 2, publish: (s) => void halves.push(...s) });
  const second = await runBackfill({ plant, from: FROM + H / 2, to: FROM + H, simulation: first.simulation, publish: (s) => void halves.push(...s) });
  assert.equal(second.from, FROM + H / 2);
  assert.deepEqual(halves.map(key), whole.map(key));
});

test('bad arguments are refused clearly', async () => {
  const publish = () => undefined;
  await assert.rejects(runBackfill({ plant, from: FROM + H, to: FROM, publish }), /'to' .* is before 'from'/);
  await assert.rejects(runBackfill({ plant, from: FROM, to: FROM + H, speed: -1, publish }), /speed must be 'max' or a positive number/);
  await assert.rejects(runBackfill({ plant, from: FROM, to: FROM + H, batchSize: 0, publish }), /batchSize/);
  await assert.rejects(runBackfill({ plant, from: new Date('nonsense'), to: FROM, publish }), /valid times/);
});

test('a publish failure ends the backfill with that error', async () => {
  await assert.rejects(
    runBackfill({
      plant,
      from: FROM,
      to: FROM + H,
      publish: () => Promise.reject(new Error('bus closed')),
    }),
    /bus closed/,
  );
});
