import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../../bus/index.js';
import type { ApiDeps } from '../../api/index.js';
import { spcConfigSchema, startSpcMonitors, type SpcEvent, type SpcRouteDeps } from './index.js';

const TAG = 'acme/berlin/machining/line-1/cnc-1/bore';

// Compile-time check: the API's deps fit spcRoutes, so wiring is `await spcRoutes(scope, deps)`.
const _fits = (deps: ApiDeps): SpcRouteDeps => deps;
void _fits;

test('the spc block defaults to no monitors and fills monitor defaults', () => {
  assert.deepEqual(spcConfigSchema.parse({}), { monitors: [] });
  const [monitor] = spcConfigSchema.parse({ monitors: [{ tag: TAG }] }).monitors;
  assert.deepEqual(monitor, { tag: TAG, chart: 'imr', n: 5, phaseI: 25, rules: 'nelson', constants: 'exact' });
});

test('bad monitor config is refused with a precise message', () => {
  const result = spcConfigSchema.safeParse({ monitors: [{ tag: TAG, rules: 'we-9' }] });
  assert.equal(result.success, false);
  assert.match(JSON.stringify(result.error?.issues), /rules: use 'nelson'/);
  assert.equal(spcConfigSchema.safeParse({ monitors: [{ tag: TAG, chart: 'p' }] }).success, false);
  assert.equal(spcConfigSchema.safeParse({ monitors: [{ tag: TAG, colour: 'red' }] }).success, false);
});

test('startSpcMonitors runs each configured monitor on the bus, with frozen limits when given', async () => {
  const bus = new Bus<unknown>();
  const events: SpcEvent[] = [];
  bus.subscribe('$events/spc/#', (messages) => void events.push(...(messages as SpcEvent[])), { name: 'test' });
  const config = spcConfigSchema.parse({
    monitors: [{ tag: TAG, rules: '1', limits: { location: { center: 10, lower: 7, upper: 13, sigma: 1 }, dispersion: { center: 1, lower: 0, upper: 3.3, sigma: 0.8 }, sigmaWithin: 1 } }],
  });
  const running = startSpcMonitors(config, { source: bus, sink: bus });
  assert.equal(running.monitors.length, 1);
  bus.publish(TAG, { tag: TAG, ts: 1, value: 10, quality: 'good' });
  bus.publish(TAG, { tag: TAG, ts: 2, value: 13.5, quality: 'good' });
  await bus.idle();
  assert.deepEqual(events.map((e) => [e.chart, e.value]), [['location', 13.5], ['dispersion', 3.5]]);
  running.stop();
  bus.publish(TAG, { tag: TAG, ts: 3, value: 100, quality: 'good' });
  await bus.idle();
  assert.equal(events.length, 2);
});
