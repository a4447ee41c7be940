// Each rule on a hand-built series with center 0 and sigma 1 (values are in sigmas): one series that
// triggers exactly that rule of its family, at the expected point, and one just short of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectViolations, parseRules, RULE_IDS, type RuleId } from './index.js';

const zones = { center: 0, sigma: 1 };
const NELSON = parseRules('nelson');
const WE = parseRules('we');
/** `rule@index` of every violation. */
const fired = (values: number[], rules: readonly RuleId[]) => detectViolations(values, zones, rules).map((v) => `${v.rule}@${v.index}`);

const cases: Array<{ rule: RuleId; hits: number[]; short: number[]; points: number[] }> = [
  { rule: 'nelson-1', hits: [0.5, -0.5, 3.5], short: [0.5, -0.5, 3], points: [2] },
  { rule: 'nelson-2', hits: [0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5], short: [0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0], points: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
  { rule: 'nelson-3', hits: [-0.5, -0.3, -0.1, 0.1, 0.3, 0.5], short: [-0.5, -0.3, -0.1, 0.1, 0.3, 0.3], points: [0, 1, 2, 3, 4, 5] },
  { rule: 'nelson-4', hits: alternating(14, 0.5), short: alternating(13, 0.5), points: range(0, 13) },
  { rule: 'nelson-5', hits: [0, 2.5, 0, 2.5], short: [0, 2.5, 0, 0, 2.5], points: [1, 3] },
  { rule: 'nelson-6', hits: [0, 1.5, 1.5, 0, 1.5, 1.5], short: [0, 1.5, 1.5, 0, 1, 1.5], points: [1, 2, 4, 5] },
  {
    rule: 'nelson-7',
    hits: [0.2, 0.5, -0.3, -0.6, 0.1, 0.4, -0.2, -0.5, 0.3, 0.6, -0.1, -0.4, 0.2, 0.5, -0.3],
    short: [0.2, 0.5, -0.3, -0.6, 0.1, 0.4, -0.2, -1, 0.3, 0.6, -0.1, -0.4, 0.2, 0.5, -0.3],
    points: range(0, 14),
  },
  { rule: 'nelson-8', hits: alternating(8, 1.5), short: [...alternating(7, 1.5), 0.5], points: range(0, 7) },
  { rule: 'we-1', hits: [0, -3.01], short: [0, -3], points: [1] },
  { rule: 'we-2', hits: [-2.5, 0, -2.1], short: [-2.5, 0, 2.1], points: [0, 2] },
  { rule: 'we-3', hits: [-1.5, -1.5, -1.5, 0, -1.5], short: [-1.5, -1.5, -1.5, 0, 1.5], points: [0, 1, 2, 4] },
  { rule: 'we-4', hits: [0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7], short: [0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, -0.7], points: range(0, 7) },
];

function alternating(length: number, size: number): number[] {
  return Array.from({ length }, (_, i) => (i % 2 === 0 ? size : -size));
}
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('each rule fires alone on its own pattern, and not one point short of it', () => {
  for (const c of cases) {
    const family = c.rule.startsWith('we-') ? WE : NELSON;
    test(c.rule, () => {
      const last = c.hits.length - 1;
      assert.deepEqual(fired(c.hits, family), [`${c.rule}@${last}`]);
      const [violation] = detectViolations(c.hits, zones, [c.rule]);
      assert.deepEqual(violation.points, c.points);
      assert.equal(violation.index, last);
      assert.ok(violation.ruleName.length > 0);
      assert.deepEqual(fired(c.short, family), []);
    });
  }
});

describe('rule details', () => {
  test('a sustained run signals at every point that completes it', () => {
    assert.deepEqual(fired(Array(11).fill(0.5), ['nelson-2']), ['nelson-2@8', 'nelson-2@9', 'nelson-2@10']);
  });

  test('a point on the center line breaks a run; equal neighbours break a trend and an alternation', () => {
    assert.deepEqual(fired([0.5, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0.5], ['nelson-2', 'we-4']), []);
    assert.deepEqual(fired([1, 2, 2, 3, 4, 5, 6], ['nelson-3']), []);
    assert.deepEqual(fired([6, 5, 4, 3, 2, 1], ['nelson-3']), ['nelson-3@5']);
    const broken = alternating(14, 0.5);
    broken[7] = broken[6];
    assert.deepEqual(fired(broken, ['nelson-4']), []);
  });

  test('2 of 3 and 4 of 5 need the completing point to be beyond, so one pattern signals once; windows start short', () => {
    assert.deepEqual(fired([2.5, 2.5, 0, 0], ['nelson-5']), ['nelson-5@1']);
    assert.deepEqual(fired([1.5, 1.5, 1.5, 1.5, 0], ['nelson-6']), ['nelson-6@3']);
  });

  test('nelson-8 needs points on both sides; all on one side is rule 6, not 8', () => {
    const oneSide = Array(8).fill(1.5);
    assert.ok(!fired(oneSide, NELSON).some((f) => f.startsWith('nelson-8')));
    assert.ok(fired(oneSide, NELSON).includes('nelson-6@7'));
  });

  test('zones follow the given center and sigma', () => {
    assert.deepEqual(detectViolations([10, 10.5, 16.1], { center: 10, sigma: 2 }, ['nelson-1']).map((v) => v.index), [2]);
    assert.deepEqual(detectViolations([10, 16.1, 15.9], { center: 10, sigma: 2 }, ['nelson-1']).map((v) => v.index), [1]);
  });

  test('`from` skips patterns completed earlier (phase II after a phase I history)', () => {
    const values = [4, 0, 0, 4];
    assert.deepEqual(detectViolations(values, zones, ['nelson-1'], 1).map((v) => v.index), [3]);
  });

  test('a non-positive sigma is refused', () => {
    assert.throws(() => detectViolations([1], { center: 0, sigma: 0 }, ['nelson-1']), /sigma must be positive/);
  });
});

describe('parseRules', () => {
  test('families, numbers and ids combine', () => {
    assert.deepEqual(parseRules('we'), ['we-1', 'we-2', 'we-3', 'we-4']);
    assert.equal(parseRules('nelson').length, 8);
    assert.deepEqual(parseRules('1,2,5'), ['nelson-1', 'nelson-2', 'nelson-5']);
    assert.deepEqual(parseRules('we-2, nelson-7,WE-1'), ['we-1', 'we-2', 'nelson-7']);
    assert.deepEqual(parseRules('we,nelson'), [...RULE_IDS]);
  });
  test('anything else is refused with the accepted forms', () => {
    assert.throws(() => parseRules('9'), /unknown rule '9'/);
    assert.throws(() => parseRules('we-5'), /unknown rule/);
    assert.throws(() => parseRules(' , '), /no rules/);
  });
});
