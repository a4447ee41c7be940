// The SPC page in a real browser against a real Loom with the demo plant and simulated history: a
// control chart of a tag with its limits, and posted measurements built to break known rules, whose
// markers, rule list and capability must match what the API computes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, numberAttr, shoot, skipReason, startHarness, type Harness } from './harness.js';

/**
 * 30 individuals around 10 with a fixed small wobble, then a point far out (index 30: Nelson 1) and
 * nine in a row above the centre (indices 31-39: Nelson 2 completes at 39).
 */
function constructed(): number[] {
  const wobble = [0.04, -0.03, 0.05, -0.06, 0.02, -0.01, 0.03, -0.05, 0.06, -0.02];
  const values = Array.from({ length: 30 }, (_, i) => 10 + wobble[i % 10] * (1 + (i % 3) / 2));
  values.push(10.6);
  for (let i = 0; i < 9; i++) values.push(10.02 + (i % 3) * 0.01);
  return values;
}

async function rulesAt(page: Page, chartIndex: number, pointIndex: number): Promise<string[]> {
  const marker = page.locator('.control-chart').nth(chartIndex).locator(`.violation[data-index="${pointIndex}"]`);
  if ((await marker.count()) === 0) return [];
  return ((await marker.getAttribute('data-rules')) ?? '').split(' ');
}

describe('SPC page in a browser', { skip: skipReason() }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ backfillMs: 60 * 60_000 });
  });

  after(async () => {
    await harness?.close();
  });

  test('posted measurements: limits, a marker per broken rule, the rule list and capability as the API computes them', async () => {
    const { page, errors } = await harness.open('#/');
    await page.locator('.nav a', { hasText: 'SPC' }).click();
    await page.waitForURL(/#\/spc$/);
    await page.locator('.segmented button', { hasText: 'Measurements' }).click();
    await page.locator('.chart-kind button', { hasText: 'Individuals / MR' }).click();
    const values = constructed();
    await page.fill('textarea[name=measurements]', values.map((v) => v.toFixed(3)).join(' '));
    await page.fill('input[name=lsl]', '9.5');
    await page.fill('input[name=usl]', '10.7');
    await page.fill('input[name=target]', '10');
    await page.fill('input[name=phase1]', '30');
    await page.locator('button[type=submit]', { hasText: 'Analyse' }).click();
    await page.locator('.control-chart').first().waitFor();

    const api = (await (
      await fetch(`${harness.baseUrl}/api/v1/spc/measurements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ measurements: values.map((v) => Number(v.toFixed(3))), chart: 'imr', rules: 'nelson', lsl: 9.5, usl: 10.7, target: 10, phase1: 30 }),
      })
    ).json()) as { limits: { location: { center: number; upper: number; lower: number } }; violations: Array<{ rule: string; index: number }>; capability: Record<string, number> };

    // Centre line and control limits at the API's values; zone lines between them.
    const location = page.locator('.control-chart').first();
    assert.equal(await numberAttr(page, '.control-chart >> nth=0', 'data-points'), 40);
    for (const [cls, key] of [['ucl', 'upper'], ['cl', 'center'], ['lcl', 'lower']] as const) {
      assert.equal(Number(await location.locator(`.limit-line.${cls}`).getAttribute('data-value')), api.limits.location[key], cls);
    }
    assert.equal(await location.locator('.zone-line').count(), 4);

    // The far point breaks Nelson 1, the run of nine Nelson 2; each with its own marker shape.
    assert.ok(api.violations.some((v) => v.rule === 'nelson-1' && v.index === 30), 'the data break Nelson 1 at point 31');
    assert.ok(api.violations.some((v) => v.rule === 'nelson-2' && v.index === 39), 'and Nelson 2 at point 40');
    assert.deepEqual((await rulesAt(page, 0, 30))[0], 'nelson-1');
    assert.ok((await rulesAt(page, 0, 39)).includes('nelson-2'));
    const shape = async (rule: string) => page.locator(`.rule-summary li[data-rule="${rule}"] .rule-marker`).getAttribute('d');
    assert.notEqual(await shape('nelson-1'), await shape('nelson-2'), 'rules have distinct markers');
    const listed = await page.locator('.violations tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-rule')));
    assert.deepEqual(listed, api.violations.map((v) => v.rule), 'the list names every violation the API reports');
    assert.match(await page.locator('.rule-summary li[data-rule="nelson-1"]').innerText(), /Nelson 1\s+1 point beyond 3 sigma/);

    // Capability: the API's numbers, shown to three decimals.
    for (const index of ['cp', 'cpk', 'pp', 'ppk', 'cpm']) {
      const cell = page.locator(`.capability-index[data-index="${index}"]`);
      assert.equal(Number(await cell.getAttribute('data-value')), api.capability[index], index);
      assert.equal(await cell.locator('b').innerText(), api.capability[index].toFixed(3), index);
    }
    assert.equal(await page.locator('.histogram rect.bin').count(), await numberAttr(page, '.histogram', 'data-bins'));
    assert.equal(await page.locator('.histogram .spec-line').count(), 3);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('subgroups pasted one per line make an X-bar / R chart', async () => {
    const { page, errors } = await harness.open('#/spc');
    await page.locator('.segmented button', { hasText: 'Measurements' }).click();
    const rows = Array.from({ length: 12 }, (_, i) => [10, 10.2, 9.9, 10.1, 9.8].map((v) => (v + ((i * 7) % 5) * 0.01).toFixed(2)).join(' '));
    await page.fill('textarea[name=measurements]', rows.join('\n'));
    await page.locator('button[type=submit]', { hasText: 'Analyse' }).click();
    await page.locator('.panel-head h2', { hasText: 'X̄ / R chart' }).waitFor();
    assert.equal(await numberAttr(page, '.control-chart >> nth=0', 'data-points'), 12);
    assert.match(await page.locator('.panel-head', { hasText: 'X̄ / R chart' }).innerText(), /12 subgroups of 5/);
    assert.equal(await page.locator('.control-chart >> nth=1').getAttribute('aria-label'), null);
    assert.equal(await page.locator('.control-chart svg >> nth=1').getAttribute('aria-label'), 'Range');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a tag from the history: chart, limits and capability for spec limits entered', async () => {
    const { page, errors } = await harness.open('#/spc');
    // The default is a per-part measurement: the cycle time of the plant's first machine.
    await eventually('the chart of the default tag is drawn', async () => (await page.locator('.control-chart').count()) === 2, 30_000);
    assert.match(await page.locator('select.tag-select').inputValue(), /\/press-1\/cycle_time$/);
    assert.ok((await numberAttr(page, '.control-chart >> nth=0', 'data-points')) >= 20, 'an hour of cycles in subgroups of 5');
    const center = Number(await page.locator('.control-chart >> nth=0').locator('.limit-line.cl').getAttribute('data-value'));
    const upper = Number(await page.locator('.control-chart >> nth=0').locator('.limit-line.ucl').getAttribute('data-value'));
    assert.ok(upper > center);
    await page.fill('input[name=lsl]', (center * 0.88).toFixed(2));
    await page.fill('input[name=usl]', (center * 1.12).toFixed(2));
    await page.locator('button[type=submit]', { hasText: 'Apply' }).click();
    await page.locator('.capability-index[data-index="cpk"]').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.capability-index[data-index="cpk"] b').innerText(), /^\d+\.\d{3}$/);
    await page.locator('.histogram rect.bin').first().waitFor({ state: 'attached', timeout: 15_000 });
    const heights = await page.locator('.histogram rect.bin').evaluateAll((bins) => bins.map((bin) => Number(bin.getAttribute('height'))));
    assert.ok(heights.filter((h) => h > 0).length >= 3, 'the histogram has bars');
    await page.waitForTimeout(500);
    await shoot(page, 'spc');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
