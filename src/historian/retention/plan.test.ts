import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tagRoleSchema } from '../../model/config-schema.js';
import { retentionSchema } from './config.js';
import { planRetention } from './plan.js';

const D = 86_400_000;
const schema = retentionSchema(tagRoleSchema);
const TEMP = { path: 'acme/berlin/a/line-1/press-1/temperature', role: 'process' as const };
const COUNT = { path: 'acme/berlin/a/line-1/press-1/good_count', role: 'good_count' as const };
const ENERGY = { path: 'acme/berlin/a/line-1/press-1/energy', role: 'energy' as const };

describe('retention plan', () => {
  it('without classes: one call for every tag with the defaults, as before classes existed', () => {
    assert.deepEqual(planRetention(schema.parse({}), [TEMP, COUNT]), [{ policy: { rawMs: 30 * D, minuteMs: 365 * D, hourMs: 3650 * D }, label: 'defaults' }]);
  });

  it('one call with the longest ages for all tags, then the classes that keep less, restricted to their tags', () => {
    const config = schema.parse({ raw: '30d', classes: [{ roles: 'process', raw: '7d' }, { roles: 'energy', raw: '2y', minute: '5y' }] });
    const steps = planRetention(config, [TEMP, COUNT, ENERGY]);
    assert.deepEqual(steps[0], { policy: { rawMs: 730 * D, minuteMs: 1825 * D, hourMs: 3650 * D }, label: 'all tags (longest ages)' });
    assert.deepEqual(steps.slice(1), [
      { policy: { rawMs: 30 * D, minuteMs: 365 * D, hourMs: 3650 * D }, tags: [COUNT.path], label: 'defaults' },
      { policy: { rawMs: 7 * D, minuteMs: 365 * D, hourMs: 3650 * D }, tags: [TEMP.path], label: 'classes[0]' },
    ]);
  });

  it('a class that matches no tag changes nothing', () => {
    const config = schema.parse({ classes: [{ tags: 'other/#', raw: '1y' }] });
    assert.deepEqual(planRetention(config, [TEMP]), [{ policy: { rawMs: 30 * D, minuteMs: 365 * D, hourMs: 3650 * D }, label: 'all tags (longest ages)' }]);
  });

  it('refuses a class whose rollups would go before its raw samples', () => {
    const result = schema.safeParse({ classes: [{ roles: 'energy', raw: '2y' }] });
    assert.ok(!result.success);
    assert.match(result.error.message, /rollups must be kept at least as long as raw samples/);
  });
});
