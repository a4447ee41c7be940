// The pure helpers behind the OEE and SPC pages (no browser needed): routes, trend buckets, the
// Pareto's grouping, pasted measurements, chart ticks, rule markers and time formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assetHref, oeeHref, parseRoute, spcHref } from '../../src/ui/router.js';
import { trendBucket } from '../../src/ui/range.js';
import { chartableTags, parseMeasurements } from '../../src/ui/spc-input.js';
import { formatMachineTime, paretoBars } from '../../src/ui/oee-figures.js';
import { niceTicks } from '../../src/ui/chart-scale.js';
import { ruleLabel, ruleShape } from '../../src/ui/spc-rules.js';
import { formatPercent } from '../../src/ui/format.js';
import type { TagInfo } from '../../src/ui/api-types.js';

test('routes: OEE and SPC pages with an optional path; the asset page with a range from a drill-down', () => {
  assert.deepEqual(parseRoute('#/oee'), { page: 'oee' });
  assert.deepEqual(parseRoute('#/oee/acme/berlin/machining/line-1'), { page: 'oee', path: 'acme/berlin/machining/line-1' });
  assert.deepEqual(parseRoute('#/spc/acme/b/m/l/cnc-1/bore%20d'), { page: 'spc', path: 'acme/b/m/l/cnc-1/bore d' });
  assert.deepEqual(parseRoute('#/asset/a/b?from=1000&to=2000'), { page: 'asset', path: 'a/b', from: 1000, to: 2000 });
  assert.deepEqual(parseRoute('#/asset/a/b?from=3000&to=2000'), { page: 'asset', path: 'a/b' }, 'a backwards range is ignored');
  assert.deepEqual(parseRoute('#/asset/a/b?from=x&to=2000'), { page: 'asset', path: 'a/b' });
  assert.deepEqual(parseRoute('#/oeex'), { page: 'missing', hash: '#/oeex' });
  assert.equal(assetHref('a/b c', { from: 1000.4, to: 2000 }), '#/asset/a/b%20c?from=1000&to=2000');
  assert.deepEqual(parseRoute(oeeHref('a/line 1')), { page: 'oee', path: 'a/line 1' });
  assert.deepEqual(parseRoute(spcHref()), { page: 'spc' });
});

test('the OEE trend gets round buckets, at most about 48 of them', () => {
  assert.equal(trendBucket(15 * 60_000), 60_000);
  assert.equal(trendBucket(3_600_000), 5 * 60_000);
  assert.equal(trendBucket(8 * 3_600_000), 10 * 60_000);
  assert.equal(trendBucket(24 * 3_600_000), 30 * 60_000);
  assert.equal(trendBucket(7 * 24 * 3_600_000), 4 * 3_600_000);
});

test('Pareto: largest first, the tail summed into Other, cumulative share ending at 100 %', () => {
  const reasons = Array.from({ length: 10 }, (_, i) => ({ reason: `r${i}`, category: 'breakdown', ms: (i + 1) * 1000, stops: 1 }));
  const bars = paretoBars(reasons);
  assert.equal(bars.length, 8);
  assert.deepEqual(bars.slice(0, 3).map((b) => b.ms), [10_000, 9000, 8000]);
  assert.deepEqual(bars[7], { label: 'Other (3)', category: 'other', ms: 6000, stops: 3, cumulative: 1 });
  assert.ok(bars.every((b, i) => i === 0 || b.cumulative > bars[i - 1].cumulative));
  assert.deepEqual(paretoBars([]), []);
});

test('pasted measurements: a flat series, subgroups one per line, and what is not a number', () => {
  assert.deepEqual(parseMeasurements('1 2, 3;4\n5'), { values: [1, 2, 3, 4, 5], subgroups: null, bad: [] });
  assert.deepEqual(parseMeasurements('1 2 3\n4 5 6\n'), { values: [1, 2, 3, 4, 5, 6], subgroups: [[1, 2, 3], [4, 5, 6]], bad: [] });
  assert.deepEqual(parseMeasurements('1 x 2\n3'), { values: [1, 2, 3], subgroups: null, bad: ['x'] });
});

test('chart ticks are round numbers covering the range; each Nelson rule has its own marker', () => {
  assert.deepEqual(niceTicks(2.53, 2.64, 5), [2.54, 2.56, 2.58, 2.6, 2.62, 2.64]);
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  const shapes = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ruleShape(`nelson-${n}`));
  assert.equal(new Set(shapes).size, 8);
  assert.equal(ruleShape('we-2'), ruleShape('nelson-5'), 'Western Electric 2 is Nelson 5');
  assert.equal(ruleLabel('we-3'), 'WE 3');
});

test('numeric measurement tags only; machine time in hours; percentages', () => {
  const tag = (name: string, extra: Partial<TagInfo> = {}): TagInfo => ({ path: `a/m/${name}`, asset: 'a/m', name, type: 'number', ...extra });
  const tags = [tag('temperature', { role: 'process' }), tag('good_count', { role: 'good_count' }), tag('state', { role: 'state', states: { 1: 'running' } }), tag('cycle_time', { role: 'cycle_time' }), tag('note', { type: 'string' })];
  assert.deepEqual(chartableTags(tags).map((t) => t.name), ['cycle_time', 'temperature']);
  assert.equal(formatMachineTime(24 * 3_600_000), '24 h');
  assert.equal(formatMachineTime(-(90 * 60_000)), '1 h 30 min');
  assert.equal(formatMachineTime(8_000), '8 s');
  assert.equal(formatPercent(0.8123), '81.2 %');
  assert.equal(formatPercent(null), '—');
});
