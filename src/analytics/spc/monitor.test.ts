// SpcMonitor on the real in-process Bus: samples in, `$events/spc/<tag>` events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Bus } from '../../bus/index.js';
import type { Sample } from '../../model/index.js';
import { analyseChart, estimateLimits, SpcMonitor, spcEventTopic, type ChartLimits, type SpcEvent } from './index.js';

const TAG = 'acme/berlin/machining/line-1/cnc-1/bore-diameter';
const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);
const sample = (i: number, value: number, extra: Partial<Sample> = {}): Sample => ({ tag: TAG, ts: t0 + i * 1000, value, quality: 'good', ...extra });

/** A bus carrying samples and events, and the events it saw. */
function setup() {
  const bus = new Bus<unknown>();
  const events: Array<{ topic: string; event: SpcEvent }> = [];
  bus.subscribe('$events/spc/#', (messages, topics) => messages.forEach((m, i) => events.push({ topic: topics[i], event: m as SpcEvent })), { name: 'test-events' });
  return { bus, events };
}

const imrLimits: ChartLimits = estimateLimits('imr', [[9], [11], [10], [9], [11]]); // center 10, MRbar 1.5

test('with given limits, a point beyond 3 sigma is published at $events/spc/<tag> with rule, value and limits', async () => {
  const { bus, events } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, limits: imrLimits, rules: ['nelson-1'] });
  monitor.start();
  [10, 10.5, 9.5, 20, 10].forEach((v, i) => bus.publish(TAG, sample(i, v)));
  await bus.idle();
  // The value 20, the moving range 9.5 -> 20 and the moving range 20 -> 10 (MR UCL 4.9).
  assert.deepEqual(events.map((e) => `${e.event.chart}:${e.event.value}`), ['location:20', 'dispersion:10.5', 'dispersion:10']);
  const [location, dispersion] = events;
  assert.equal(location.topic, `$events/spc/${TAG}`);
  assert.equal(spcEventTopic(TAG), location.topic);
  assert.deepEqual(location.event, {
    tag: TAG,
    ts: t0 + 3000,
    rule: 'nelson-1',
    ruleName: '1 point beyond 3 sigma',
    chart: 'location',
    value: 20,
    limits: { center: imrLimits.location.center, lower: imrLimits.location.lower, upper: imrLimits.location.upper },
    pointTimes: [t0 + 3000],
  });
  assert.equal(dispersion.event.chart, 'dispersion');
  assert.equal(dispersion.event.value, 10.5);
  assert.equal(monitor.published, 3);
  monitor.stop();
});

test('estimating limits from the first 25 subgroups of 5, the piston-ring stream signals what the chart shows', async () => {
  const text = readFileSync(new URL('./fixtures/pistonrings.csv', import.meta.url), 'utf8');
  const values = text
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => Number(line.split(',')[1]));
  assert.equal(values.length, 200);
  const { bus, events } = setup();
  let estimated: ChartLimits | undefined;
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, chart: 'xbar-r', n: 5, phaseI: 25, onLimits: (l) => (estimated = l) });
  monitor.start();
  values.forEach((v, i) => bus.publish(TAG, sample(i, v)));
  await bus.idle();

  const subgroups = Array.from({ length: 40 }, (_, s) => values.slice(s * 5, s * 5 + 5));
  const batch = analyseChart({ chart: 'xbar-r', subgroups, phaseI: 25 });
  assert.deepEqual(estimated, batch.limits);
  assert.deepEqual(monitor.limits, batch.limits);
  const expected = batch.violations.filter((v) => v.index >= 25).map((v) => `${v.chart}:${v.rule}@${t0 + (v.index * 5 + 4) * 1000}`);
  const got = events.map(({ event }) => `${event.chart}:${event.rule}@${event.ts}`);
  assert.deepEqual(got, expected);
  // Samples 37, 38 and 39 (1-based) are above the X-bar UCL.
  const beyond = events.filter(({ event }) => event.rule === 'nelson-1' && event.chart === 'location').map(({ event }) => (event.ts - t0) / 5000 + 0.2);
  assert.deepEqual(beyond.map((s) => Math.round(s)), [37, 38, 39]);
  monitor.stop();
});

test('bad, uncertain, historical, non-numeric, late and other-tag samples are skipped', async () => {
  const { bus, events } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, limits: imrLimits, rules: ['nelson-1'] });
  monitor.start();
  bus.publish(TAG, sample(10, 10));
  bus.publish(TAG, sample(11, 99, { quality: 'bad' }));
  bus.publish(TAG, sample(12, 99, { quality: 'uncertain' }));
  bus.publish(TAG, sample(13, 99, { historical: true }));
  bus.publish(TAG, { ...sample(14, 0), value: 'high' });
  bus.publish(TAG, sample(5, 99)); // older than the last used sample
  bus.publish(`${TAG}-2`, { ...sample(15, 99), tag: `${TAG}-2` });
  bus.publish(TAG, { not: 'a sample' });
  bus.publish(TAG, sample(16, 10.2));
  await bus.idle();
  assert.equal(events.length, 0);
  bus.publish(TAG, sample(17, 99));
  await bus.idle();
  assert.equal(events.filter((e) => e.event.chart === 'location').length, 1);
  monitor.stop();
});

test('stop() unsubscribes: later samples are not seen', async () => {
  const { bus, events } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, limits: imrLimits, rules: ['nelson-1'] });
  monitor.start();
  monitor.stop();
  bus.publish(TAG, sample(0, 99));
  await bus.idle();
  assert.deepEqual(events, []);
  assert.equal(bus.stats().subscribers.some((s) => s.name.startsWith('spc:')), false);
});

test('samples and events can travel on separate buses (Bus<Sample> in, Bus<SpcEvent> out)', async () => {
  const samples = new Bus<Sample>();
  const out = new Bus<SpcEvent>();
  const seen: SpcEvent[] = [];
  out.subscribe('$events/spc/#', (messages) => void seen.push(...messages), { name: 'test' });
  const monitor = new SpcMonitor({ tag: TAG, source: samples, sink: out, limits: imrLimits, rules: ['we-1'] });
  monitor.start();
  samples.publish(TAG, sample(0, -10));
  await samples.idle();
  await out.idle();
  assert.deepEqual(seen.map((e) => [e.rule, e.value]), [['we-1', -10]]);
  monitor.stop();
});

test('an individuals monitor estimates its limits from the first k values, waiting while they show no variation', async () => {
  const { bus, events } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, phaseI: 4, rules: ['nelson-1'] });
  monitor.start();
  [5, 5, 5, 5].forEach((v, i) => bus.publish(TAG, sample(i, v)));
  await bus.idle();
  const limitsOf = (m: SpcMonitor) => m.limits;
  assert.equal(limitsOf(monitor), undefined);
  [6, 5, 6, 40].forEach((v, i) => bus.publish(TAG, sample(10 + i, v)));
  await bus.idle();
  assert.equal(limitsOf(monitor)?.phaseISize, 4);
  assert.deepEqual(events.filter((e) => e.event.chart === 'location').map((e) => e.event.value), [40]);
  monitor.stop();
});

test('limits for another chart are refused', () => {
  const { bus } = setup();
  assert.throws(() => new SpcMonitor({ tag: TAG, source: bus, sink: bus, chart: 'xbar-r', limits: imrLimits }), /given limits are for imr/);
});

test('long patterns span the monitor history: 15 in a row within 1 sigma, 9 on one side', async () => {
  const { bus, events } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, limits: imrLimits, rules: ['nelson-2', 'nelson-7'] });
  monitor.start();
  // sigma = MRbar/d2 = 1.33: values within 0.5 of the center, the first 9 above it, then alternating sides.
  const values = [10.2, 10.4, 10.3, 10.1, 10.2, 10.4, 10.3, 10.1, 10.2, 9.8, 10.2, 9.8, 10.2, 9.8, 10.2];
  // Led by 8 points 1.5 sigma out on alternating sides, so the history has been trimmed before.
  const lead = [12, 8, 12, 8, 12, 8, 12, 8];
  [...lead, ...values].forEach((v, i) => bus.publish(TAG, sample(i, v)));
  await bus.idle();
  assert.deepEqual(events.map((e) => `${e.event.rule}@${(e.event.ts - t0) / 1000}`), ['nelson-2@16', 'nelson-7@22']);
  assert.equal(events[0].event.pointTimes.length, 9);
  assert.deepEqual(events[1].event.pointTimes, values.map((_, i) => t0 + (i + 8) * 1000));
  monitor.stop();
});

test('status shows phase I progress, then phase II with the estimated limits, points and events', async () => {
  const { bus } = setup();
  const monitor = new SpcMonitor({ tag: TAG, source: bus, sink: bus, chart: 'xbar-r', n: 2, phaseI: 3, rules: ['nelson-1'] });
  monitor.start();
  assert.deepEqual(monitor.status(), { tag: TAG, chart: 'xbar-r', n: 2, rules: ['nelson-1'], phase: 'I', phaseI: { collected: 0, needed: 3 }, limits: null, points: 0, published: 0, lastTs: null });
  [10, 11, 9, 10].forEach((v, i) => bus.publish(TAG, sample(i, v)));
  await bus.idle();
  assert.deepEqual({ ...monitor.status(), limits: undefined }, { tag: TAG, chart: 'xbar-r', n: 2, rules: ['nelson-1'], phase: 'I', phaseI: { collected: 2, needed: 3 }, limits: undefined, points: 2, published: 0, lastTs: t0 + 3000 });
  [11, 10, 30, 31].forEach((v, i) => bus.publish(TAG, sample(4 + i, v)));
  await bus.idle();
  const status = monitor.status();
  assert.equal(status.phase, 'II');
  assert.deepEqual(status.phaseI, { collected: 3, needed: 3 });
  assert.deepEqual(status.limits, monitor.limits);
  assert.equal(status.points, 4);
  assert.ok(status.published >= 1, 'the subgroup (30, 31) is beyond the limits');
  const frozen = new SpcMonitor({ tag: TAG, source: bus, sink: bus, limits: imrLimits });
  assert.deepEqual([frozen.status().phase, frozen.status().phaseI], ['II', { collected: 0, needed: 0 }]);
});
