import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { loadDemoConfig, TagRegistry } from '../../model/index.js';
import type { ConnectorContext, RawSample } from '../types.js';
import { GROUND_TRUTH_FILE, VirtualFactory, runBackfill, type GroundTruthRecord } from './index.js';
import { onePlant } from './testing.js';

const plant = loadDemoConfig().config.plant;

function context(publish: ConnectorContext['publish'] = async () => undefined): ConnectorContext {
  return { registry: new TagRegistry(), logger: pino({ level: 'silent' }), publish };
}

/** A context that records what is published, with the wall-clock time of each call. */
function recordingContext() {
  const batches: Array<{ at: number; samples: RawSample[]; source: string }> = [];
  return {
    batches,
    samples: () => batches.flatMap((b) => b.samples),
    ctx: context(async (samples, source) => {
      batches.push({ at: Date.now(), samples, source });
    }),
  };
}

test('live mode publishes with wall-clock timestamps on the tick grid and stops cleanly', async () => {
  const factory = new VirtualFactory({ plant, options: { seed: 1, tickMs: 50 } });
  assert.equal(factory.kind, 'simulator');
  assert.equal(factory.id, 'simulator');
  assert.equal(factory.health().state, 'stopped');
  const { batches, samples, ctx } = recordingContext();
  const before = Date.now();
  await factory.start(ctx);
  assert.equal(factory.health().state, 'connected');
  await sleep(400);
  await factory.stop();
  const after = Date.now();
  assert.equal(factory.health().state, 'stopped');

  const all = samples();
  const ticks = [...new Set(all.map((s) => s.ts as number))].sort((a, b) => a - b);
  assert.ok(ticks.length >= 5 && ticks.length <= 10, `${ticks.length} ticks in 400 ms at 50 ms`);
  for (const t of ticks) {
    assert.equal(t % 50, 0, 'timestamps sit on the tick grid');
    assert.ok(t >= before && t <= after, 'timestamps are wall-clock times of this run');
  }
  for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i] - ticks[i - 1], 50, 'no tick is skipped');
  for (const b of batches) {
    assert.equal(b.source, 'simulator');
    for (const s of b.samples) assert.ok((s.ts as number) <= b.at, 'never published ahead of its time');
    assert.ok(b.samples.every((s) => s.historical === false));
  }
  // The first tick carries every tag (the cycle time only while running); later ticks only signals and changes.
  const firstTick = new Set(all.filter((s) => s.ts === ticks[0]).map((s) => s.tag));
  const expected = factory.tagDefinitions().map((t) => t.path);
  assert.deepEqual(
    [...firstTick].filter((t) => !t.endsWith('/cycle_time')).sort(),
    expected.filter((t) => !t.endsWith('/cycle_time')).sort(),
  );
  const secondTick = all.filter((s) => s.ts === ticks[1]);
  assert.ok(secondTick.length < firstTick.size, 'discrete tags are sent on change');

  const health = factory.health();
  assert.equal(health.counters?.samplesEmitted, all.length);
  assert.equal(health.counters?.machinesSimulated, 9);
  assert.equal(health.counters?.machinesSkipped, 0);
  assert.equal(health.counters?.ticks, ticks.length);

  // Nothing more after stop(): no timer is left behind.
  const count = all.length;
  await sleep(150);
  assert.equal(samples().length, count);
});

test('start twice is refused; stop is idempotent and safe before start', async () => {
  const factory = new VirtualFactory({ plant, options: { tickMs: 100 } });
  await factory.stop();
  await factory.start(context());
  await assert.rejects(factory.start(context()), /already running/);
  await factory.stop();
  await factory.stop();
  assert.equal(factory.health().state, 'stopped');
});

test('live mode honours backpressure: a slow publish delays ticks, which then catch up without gaps', async () => {
  const factory = new VirtualFactory({ plant: onePlant('UTC', ['press']), options: { tickMs: 20 } });
  const received: RawSample[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  await factory.start(
    context(async (samples) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls++;
      if (calls === 2) await sleep(200); // the bus is full for a while
      received.push(...samples);
      inFlight--;
    }),
  );
  await sleep(400);
  await factory.stop();
  assert.equal(maxInFlight, 1);
  const ts = received.filter((s) => s.tag.endsWith('/vibration')).map((s) => s.ts as number);
  assert.ok(ts.length >= 15, `${ts.length} ticks`);
  for (let i = 1; i < ts.length; i++) assert.equal(ts[i] - ts[i - 1], 20, `tick ${i} follows the previous one`);
  assert.equal(factory.health().counters?.ticksSkipped, 0);
});

test('publish errors are counted and reported, and the factory keeps going', async () => {
  const factory = new VirtualFactory({ plant: onePlant('UTC', ['oven']), options: { tickMs: 20 } });
  let calls = 0;
  await factory.start(
    context(async () => {
      calls++;
      if (calls <= 3) throw new Error('normaliser offline');
    }),
  );
  await sleep(50);
  const during = factory.health();
  await sleep(150);
  await factory.stop();
  assert.ok((factory.health().counters?.publishErrors ?? 0) === 3);
  assert.match(factory.health().lastError ?? '', /normaliser offline/);
  assert.ok(calls > 5, 'ticks continue after errors');
  assert.ok(during.state === 'degraded' || during.state === 'connected');
});

test('speed > 1 runs simulated time faster than the wall clock', async () => {
  const factory = new VirtualFactory({ plant: onePlant('UTC', ['filler']), options: { tickMs: 1000, speed: 100 } });
  const { samples, ctx } = recordingContext();
  const before = Date.now();
  await factory.start(ctx);
  await sleep(300);
  await factory.stop();
  const ticks = new Set(samples().map((s) => s.ts));
  // 300 ms at 100x = 30 simulated seconds = about 30 ticks of 1 s.
  assert.ok(ticks.size >= 20 && ticks.size <= 40, `${ticks.size} ticks`);
  assert.ok(Math.max(...[...ticks].map(Number)) > before + 15_000);
});

test('unknown kinds are skipped and reported in health before and after start', async () => {
  const factory = new VirtualFactory({ plant: onePlant('UTC', ['press', 'robot', undefined]), options: { tickMs: 50 } });
  assert.equal(factory.health().counters?.machinesSimulated, 1);
  assert.equal(factory.health().counters?.machinesSkipped, 2);
  assert.deepEqual(
    factory.skippedMachines().map((m) => m.kind),
    ['robot', undefined],
  );
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
  await factory.start({ ...context(), logger });
  await factory.stop();
  assert.equal(factory.health().counters?.machinesSkipped, 2);
  assert.ok(warnings.some((w) => /robot/.test(w)));
  assert.ok(factory.tagDefinitions().every((t) => t.asset === 'test/site/area/line/m-1'));
});

test('ground truth: repaired faults are appended to <dataDir>/simulator-ground-truth.jsonl, open ones on stop', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'loom-live-'));
  try {
    // 3,600x with 10 s ticks: ten simulated hours per real second, faults every ~2 h per machine.
    const factory = new VirtualFactory({ plant, dataDir: dir, options: { seed: 2, tickMs: 10_000, speed: 36_000, faultMeanIntervalHours: 2 } });
    await factory.start(context());
    await sleep(1_000);
    await factory.stop();
    const truth = factory.groundTruth();
    assert.ok(truth.length >= 3, `${truth.length} faults`);
    const lines = (await readFile(join(dir, GROUND_TRUTH_FILE), 'utf8')).trimEnd().split('\n');
    const written = lines.map((l) => JSON.parse(l) as GroundTruthRecord);
    const id = (r: GroundTruthRecord) => `${r.machine}@${r.failureAt}`;
    assert.deepEqual(written.map(id).sort(), truth.map(id).sort(), 'every fault is written exactly once');
    for (const r of written) assert.deepEqual(r, truth.find((t) => id(t) === id(r)));
    assert.equal(factory.health().counters?.faultsInjected, truth.length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('live mode can continue a backfill without a gap', async () => {
  const now = Date.now();
  const from = now - 60_000;
  const backfilled: RawSample[] = [];
  const result = await runBackfill({ plant: onePlant('UTC', ['cnc']), options: { tickMs: 1000 }, from, to: now - 5_000, publish: (s) => void backfilled.push(...s) });
  const factory = new VirtualFactory({ plant: onePlant('UTC', ['cnc']), options: { tickMs: 1000 }, simulation: result.simulation });
  const { samples, ctx } = recordingContext();
  await factory.start(ctx);
  await sleep(100);
  await factory.stop();
  const ts = [...backfilled, ...samples()].filter((s) => s.tag.endsWith('/power')).map((s) => s.ts as number);
  for (let i = 1; i < ts.length; i++) assert.equal(ts[i] - ts[i - 1], 1000);
  assert.ok(ts.at(-1)! >= now - 1000, 'caught up to the wall clock');
});
