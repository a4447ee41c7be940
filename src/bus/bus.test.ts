import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from './index.js';

test('delivers to wildcard subscribers in publish order', async () => {
  const bus = new Bus<number>();
  const all: number[] = [];
  const line1: string[] = [];
  const temps: string[] = [];
  bus.subscribe('#', (messages) => void all.push(...messages), { name: 'all' });
  bus.subscribe('acme/berlin/line-1/#', (_m, topics) => void line1.push(...topics), { name: 'line1' });
  bus.subscribe('acme/+/+/+/temperature', (_m, topics) => void temps.push(...topics), { name: 'temps' });
  bus.publish('acme/berlin/line-1/press-1/temperature', 1);
  bus.publish('acme/berlin/line-2/oven-1/temperature', 2);
  bus.publish('acme/berlin/line-1/press-1/vibration', 3);
  bus.publish('acme/berlin/line-1', 4);
  await bus.idle();
  assert.deepEqual(all, [1, 2, 3, 4]);
  assert.deepEqual(line1, ['acme/berlin/line-1/press-1/temperature', 'acme/berlin/line-1/press-1/vibration', 'acme/berlin/line-1']);
  assert.deepEqual(temps, ['acme/berlin/line-1/press-1/temperature', 'acme/berlin/line-2/oven-1/temperature']);
});

test('counts messages that match no subscriber', async () => {
  const bus = new Bus<number>();
  bus.subscribe('a/#', () => undefined, { name: 'a' });
  bus.publish('b/c', 1);
  assert.equal(bus.stats().unrouted, 1);
});

test('rejects invalid patterns with a reason', () => {
  const bus = new Bus<number>();
  assert.throws(() => bus.subscribe('a/#/b', () => undefined, { name: 'x' }), /'#' must be the last level/);
});

test('a full queue drops the newest and counts it, without touching other subscribers', async () => {
  const bus = new Bus<number>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: number[] = [];
  const fast: number[] = [];
  bus.subscribe('#', async (m) => { await gate; slow.push(...m); }, { name: 'slow', queueLimit: 5, maxBatch: 1 });
  bus.subscribe('#', (m) => void fast.push(...m), { name: 'fast', queueLimit: 1000 });
  bus.publish('t', 0);
  await new Promise((resolve) => setImmediate(resolve)); // slow takes message 0 and blocks on the gate
  for (let i = 1; i <= 20; i++) bus.publish('t', i);
  const during = bus.stats().subscribers.find((s) => s.name === 'slow')!;
  assert.equal(during.depth, 5);
  assert.equal(during.dropped, 15);
  release();
  await bus.idle();
  assert.deepEqual(slow, [0, 1, 2, 3, 4, 5]);
  assert.equal(fast.length, 21);
  assert.equal(bus.stats().dropped, 15);
});

test('drop-oldest keeps the most recent messages', async () => {
  const bus = new Bus<number>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const got: number[] = [];
  bus.subscribe('#', async (m) => { await gate; got.push(...m); }, { name: 'ui', queueLimit: 3, maxBatch: 1, overflow: 'drop-oldest' });
  bus.publish('t', 0);
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 1; i <= 10; i++) bus.publish('t', i);
  release();
  await bus.idle();
  assert.deepEqual(got, [0, 8, 9, 10]);
});

test('waitForRoom holds a producer back until the slow subscriber catches up: nothing is dropped', async () => {
  const bus = new Bus<number>();
  const got: number[] = [];
  bus.subscribe('#', async (m) => { await new Promise((r) => setTimeout(r, 1)); got.push(...m); }, { name: 'slow', queueLimit: 100, maxBatch: 10 });
  for (let i = 0; i < 2_000; i++) {
    await bus.waitForRoom(0.5);
    bus.publish('t', i);
  }
  await bus.idle();
  assert.equal(got.length, 2_000);
  assert.equal(bus.stats().dropped, 0);
  assert.deepEqual(got.slice(0, 5), [0, 1, 2, 3, 4]);
});

test('a throwing handler is counted and reported, and delivery goes on', async () => {
  const errors: string[] = [];
  const bus = new Bus<number>({ onHandlerError: (e, name) => errors.push(`${name}: ${(e as Error).message}`) });
  const got: number[] = [];
  bus.subscribe('#', (m) => { if (m.includes(2)) throw new Error('boom'); got.push(...m); }, { name: 'flaky', maxBatch: 1 });
  for (let i = 1; i <= 3; i++) bus.publish('t', i);
  await bus.idle();
  assert.deepEqual(got, [1, 3]);
  assert.deepEqual(errors, ['flaky: boom']);
  assert.equal(bus.stats().subscribers[0].errors, 1);
});

test('unsubscribe stops delivery and new subscribers see new topics', async () => {
  const bus = new Bus<number>();
  const a: number[] = [];
  const sub = bus.subscribe('x', (m) => void a.push(...m), { name: 'a' });
  bus.publish('x', 1);
  await bus.idle();
  sub.unsubscribe();
  bus.publish('x', 2);
  const b: number[] = [];
  bus.subscribe('+', (m) => void b.push(...m), { name: 'b' });
  bus.publish('x', 3);
  await bus.idle();
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [3]);
});

test('every dropped message is handed to onDrop with its subscriber', async () => {
  const dropped: string[] = [];
  const bus = new Bus<number>({ onDrop: (name, topic, m) => dropped.push(`${name}:${topic}:${String(m)}`) });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  bus.subscribe('#', async () => { await gate; }, { name: 'newest', queueLimit: 1, maxBatch: 1 });
  bus.subscribe('#', async () => { await gate; }, { name: 'oldest', queueLimit: 1, maxBatch: 1, overflow: 'drop-oldest' });
  bus.publish('t', 0);
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 1; i <= 3; i++) bus.publish('t', i);
  release();
  await bus.idle();
  assert.deepEqual(dropped.filter((d) => d.startsWith('newest')), ['newest:t:2', 'newest:t:3']);
  assert.deepEqual(dropped.filter((d) => d.startsWith('oldest')), ['oldest:t:1', 'oldest:t:2']);
});
