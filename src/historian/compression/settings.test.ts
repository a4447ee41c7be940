import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TagDefinition } from '../../model/index.js';
import { tagRoleSchema } from '../../model/config-schema.js';
import { compressionSchema } from './config.js';
import { resolveCompression } from './settings.js';

const schema = compressionSchema(tagRoleSchema);
const tag = (path: string, extra: Partial<TagDefinition> = {}): TagDefinition => ({ path, asset: 'a', name: path.split('/').pop()!, type: 'number', ...extra });
const TEMP = tag('acme/berlin/assembly/line-1/press-1/temperature', { min: 0, max: 200, role: 'process' });
const COUNT = tag('acme/berlin/assembly/line-1/press-1/good_count', { min: 0, max: 65_535, role: 'good_count' });

describe('compression settings per tag', () => {
  it('is off unless enabled, and never applies to tags that are not numbers', () => {
    assert.equal(resolveCompression(schema.parse({}), TEMP).compress, false);
    const on = schema.parse({ enabled: true });
    assert.equal(resolveCompression(on, { ...TEMP, type: 'boolean' }).compress, false);
    assert.equal(resolveCompression(on, { ...TEMP, type: 'string' }).compress, false);
  });

  it('turns percentages of the span into engineering units, with 0.2 % as the default error bound', () => {
    const resolved = resolveCompression(schema.parse({ enabled: true, excDevPercent: 0.05 }), TEMP);
    assert.ok(resolved.compress);
    assert.ok(Math.abs(resolved.settings.compDev - 0.4) < 1e-12);
    assert.ok(Math.abs(resolved.settings.excDev - 0.1) < 1e-12);
    assert.equal(resolved.settings.excMax, 60_000);
    assert.equal(resolved.settings.compMax, 60_000);
  });

  it('takes the first matching class by role or path pattern; a class may turn compression off', () => {
    const config = schema.parse({
      enabled: true,
      compDev: 1,
      classes: [
        { roles: ['good_count', 'scrap_count'], enabled: false },
        { tags: 'acme/+/+/+/+/temperature', compDev: 0.05, compMax: '1h' },
      ],
    });
    const temp = resolveCompression(config, TEMP);
    assert.ok(temp.compress && temp.className === 'classes[1]');
    assert.equal(temp.settings.compDev, 0.05);
    assert.equal(temp.settings.compMax, 3_600_000);
    const count = resolveCompression(config, COUNT);
    assert.ok(!count.compress && !count.problem && /classes\[0\] turns compression off/.test(count.reason));
    const other = resolveCompression(config, tag('acme/berlin/assembly/line-1/press-1/pressure'));
    assert.ok(other.compress && other.className === 'defaults' && other.settings.compDev === 1);
  });

  it('the defaults leave the tags OEE reads sample by sample alone; a class naming them decides', () => {
    const on = schema.parse({ enabled: true });
    const count = resolveCompression(on, COUNT);
    assert.ok(!count.compress && !count.problem && /good_count tags are stored as received/.test(count.reason));
    assert.equal(resolveCompression(on, tag('acme/x/state', { role: 'state', min: 0, max: 9 })).compress, false);
    assert.ok(resolveCompression(on, TEMP).compress);
    const named = resolveCompression(schema.parse({ enabled: true, classes: [{ roles: ['good_count'], compDev: 1 }] }), COUNT);
    assert.ok(named.compress && named.settings.compDev === 1);
  });

  it('a class that sets compDev in units replaces the default percentage', () => {
    const config = schema.parse({ enabled: true, compDevPercent: 1, classes: [{ tags: '#', compDev: 0.3 }] });
    const resolved = resolveCompression(config, tag('x/y', {}));
    assert.ok(resolved.compress && resolved.settings.compDev === 0.3);
  });

  it('names the fix when a percentage meets a tag without min and max', () => {
    const resolved = resolveCompression(schema.parse({ enabled: true }), tag('acme/x/flow'));
    assert.ok(!resolved.compress && resolved.problem);
    assert.match(resolved.reason, /compDevPercent needs the tag's min and max.*set compDev in engineering units/);
  });

  it('refuses both a value and a percentage, and classes that match nothing', () => {
    const both = schema.safeParse({ enabled: true, compDev: 1, compDevPercent: 1 });
    assert.ok(!both.success && /set compDev or compDevPercent, not both/.test(both.error.message));
    const empty = schema.safeParse({ enabled: true, classes: [{ compDev: 1 }] });
    assert.ok(!empty.success && /needs tags \(path patterns\) or roles/.test(empty.error.message));
    const pattern = schema.safeParse({ enabled: true, classes: [{ tags: 'acme/#/x', compDev: 1 }] });
    assert.ok(!pattern.success && /not a valid tag pattern/.test(pattern.error.message));
    const role = schema.safeParse({ enabled: true, classes: [{ roles: 'nonsense' }] });
    assert.ok(!role.success);
  });
});
