import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashString, Rng } from './prng.js';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

test('the same seed gives the same stream, another seed another stream', () => {
  assert.deepEqual(draw(new Rng(42), 100), draw(new Rng(42), 100));
  assert.notDeepEqual(draw(new Rng(42), 100), draw(new Rng(43), 100));
  assert.deepEqual(draw(Rng.forKey(1, 'acme/a/b/c/press-1', 'noise'), 50), draw(Rng.forKey(1, 'acme/a/b/c/press-1', 'noise'), 50));
  assert.notDeepEqual(draw(Rng.forKey(1, 'acme/a/b/c/press-1', 'noise'), 50), draw(Rng.forKey(1, 'acme/a/b/c/press-2', 'noise'), 50));
  assert.notDeepEqual(draw(Rng.forKey(1, 'acme/a/b/c/press-1', 'noise'), 50), draw(Rng.forKey(1, 'acme/a/b/c/press-1', 'events'), 50));
  assert.notDeepEqual(draw(Rng.forKey(1, 'x', 'noise'), 50), draw(Rng.forKey(2, 'x', 'noise'), 50));
});

test('hashString is stable (seeds must not change between releases)', () => {
  assert.equal(hashString(''), 0x811c9dc5);
  assert.equal(hashString('a'), 0xe40c292c);
  assert.equal(hashString('foobar'), 0xbf9cf968);
});

test('uniform, normal and exponential draws have the right moments', () => {
  const rng = new Rng(7);
  const n = 200_000;
  let sumU = 0;
  let sumN = 0;
  let sumN2 = 0;
  let sumE = 0;
  let minU = 1;
  let maxU = 0;
  let beyond3 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    sumU += u;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
    if (Math.abs(z) > 3) beyond3++;
    sumE += rng.exp(5);
  }
  assert.ok(minU >= 0 && maxU < 1);
  assert.ok(Math.abs(sumU / n - 0.5) < 0.005, `uniform mean ${sumU / n}`);
  assert.ok(Math.abs(sumN / n) < 0.01, `normal mean ${sumN / n}`);
  assert.ok(Math.abs(Math.sqrt(sumN2 / n) - 1) < 0.01, `normal sd ${Math.sqrt(sumN2 / n)}`);
  assert.ok(beyond3 / n > 0.001 && beyond3 / n < 0.005, `share beyond 3 sigma ${beyond3 / n} (expected ~0.0027)`);
  assert.ok(Math.abs(sumE / n - 5) < 0.1, `exponential mean ${sumE / n}`);
});

test('int, between, chance and pick stay in range', () => {
  const rng = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const k = rng.int(5);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
    seen.add(k);
    const b = rng.between(-2, 3);
    assert.ok(b >= -2 && b < 3);
    assert.ok(['a', 'b'].includes(rng.pick(['a', 'b'])));
  }
  assert.equal(seen.size, 5);
  assert.equal(rng.chance(0), false);
  assert.equal(rng.chance(1), true);
});
