import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpcEventLog } from './event-log.js';
import type { SpcEvent } from './monitor.js';

const event = (tag: string, ts: number): SpcEvent => ({
  tag,
  ts,
  rule: 'nelson-1',
  ruleName: '1 point beyond 3 sigma',
  chart: 'location',
  value: 1,
  limits: { center: 0, lower: -0.5, upper: 0.5 },
  pointTimes: [ts],
});

test('the log lists newest first, filters by tag path, time and limit, and forwards every event', () => {
  const forwarded: string[] = [];
  const log = new SpcEventLog({ forward: [{ publish: (topic) => void forwarded.push(topic) }], monitors: ['a/b/x'] });
  log.publish('$events/spc/a/b/x', event('a/b/x', 1));
  log.publish('$events/spc/a/c/y', event('a/c/y', 2));
  log.publish('$events/spc/a/b/x', event('a/b/x', 3));
  assert.deepEqual(log.list().map((e) => e.ts), [3, 2, 1]);
  assert.deepEqual(log.list({ tag: 'a/b' }).map((e) => e.ts), [3, 1]);
  assert.deepEqual(log.list({ tag: 'a/b/x', since: 2 }).map((e) => e.ts), [3]);
  assert.deepEqual(log.list({ limit: 1 }).map((e) => e.ts), [3]);
  assert.deepEqual(log.list({ tag: 'a/bx' }), [], 'a path matches whole segments only');
  assert.deepEqual(forwarded, ['$events/spc/a/b/x', '$events/spc/a/c/y', '$events/spc/a/b/x']);
  assert.deepEqual(log.monitors, ['a/b/x']);
});

test('a full log drops its oldest events and counts them', () => {
  const log = new SpcEventLog({ capacity: 2 });
  for (let ts = 1; ts <= 5; ts++) log.publish('$events/spc/t', event('t', ts));
  assert.deepEqual(log.list().map((e) => e.ts), [5, 4]);
  assert.deepEqual(log.stats, { received: 5, dropped: 3 });
});
