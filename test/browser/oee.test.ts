// The OEE page in a real browser against a real Loom with the demo plant and eight hours of simulated
// history: gauges in both conventions (live and over a range, matching the API), the trend, the loss
// waterfall, the Pareto of downtime reasons, and the drill-down to a machine's state timeline.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually, numberAttr, shoot, skipReason, startHarness, type Harness } from './harness.js';

const LINE = 'acme/berlin/machining/line-1';

/** The numbers the gauges show, as percentages. */
async function gaugePercents(page: Page): Promise<number[]> {
  const texts = await page.locator('.gauges-panel .gauge-value').allInnerTexts();
  return texts.map((t) => {
    const match = /^(-?\d+(?:\.\d+)?) %$/.exec(t.trim());
    return match ? Number(match[1]) : Number.NaN;
  });
}

describe('OEE page in a browser', { skip: skipReason() }, () => {
  let harness: Harness;

  before(async () => {
    harness = await startHarness({ backfillMs: 8 * 3_600_000 });
  });

  after(async () => {
    await harness?.close();
  });

  test('live gauges of the current shift update every second; both conventions are labelled', async () => {
    const { page, errors } = await harness.open('#/');
    await page.locator('.nav a', { hasText: 'OEE' }).click();
    await page.waitForURL(/#\/oee$/);
    assert.equal(await page.locator('.nav a.active').innerText(), 'OEE');
    await page.locator('h1', { hasText: 'Machining line 1' }).waitFor();
    assert.equal(await page.locator('.gauges-panel').getAttribute('data-source'), 'live');
    // Live OEE needs the first live samples after the start; then all eight gauges show numbers.
    await eventually('the live gauges show numbers', async () => (await gaugePercents(page)).filter(Number.isFinite).length === 8, 20_000);
    // Effectiveness and performance (ideal time of the units / run time) may exceed 100 % by their
    // definition; the other ratios may not.
    const live = await gaugePercents(page);
    live.forEach((value, i) => assert.ok(value >= 0 && (i === 2 || i === 6 || value <= 100), `live gauge ${i} shows ${value} %`));
    assert.match(await page.locator('.gauge-row[data-convention="iso"] .gauge-row-label').innerText(), /ISO 22400-2/);
    assert.match(await page.locator('.gauge-row[data-convention="nakajima"] .gauge-row-label').innerText(), /Nakajima/);
    assert.deepEqual(await page.locator('.gauge-row[data-convention="iso"] figcaption').allInnerTexts(), ['OEE', 'AVAILABILITY', 'EFFECTIVENESS', 'QUALITY RATIO']);
    // The caption carries the time of the last poll: it moves on at least once a second.
    const seen = new Set<string>();
    const started = Date.now();
    while (Date.now() - started < 3_500) {
      seen.add(await page.locator('.gauges-caption').innerText());
      await page.waitForTimeout(250);
    }
    assert.ok(seen.size >= 3, `${seen.size} distinct live updates in 3.5 s`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('over a range: gauges match the API, trend, waterfall, Pareto and a row per machine', async () => {
    const { page, errors } = await harness.open(`#/oee/${LINE}`);
    await page.locator('.gauges-panel .segmented button', { hasText: 'Selected range' }).click();
    await eventually('the range gauges show numbers', async () => (await gaugePercents(page)).filter(Number.isFinite).length === 8, 30_000);
    const percents = await gaugePercents(page);
    for (const value of percents) assert.ok(value >= 0 && value <= 100, `gauge ${value} % is within 0..100 %`);

    const from = await numberAttr(page, '.gauges-panel', 'data-from');
    const to = await numberAttr(page, '.gauges-panel', 'data-to');
    const api = (await (await fetch(`${harness.baseUrl}/api/v1/oee?asset=${LINE}&from=${from}&to=${to}`)).json()) as {
      total: { iso: Record<string, number>; nakajima: Record<string, number> };
    };
    const expected = [api.total.iso.oee, api.total.iso.availability, api.total.iso.effectiveness, api.total.iso.qualityRatio, api.total.nakajima.oee, api.total.nakajima.availability, api.total.nakajima.performance, api.total.nakajima.quality];
    assert.deepEqual(percents, expected.map((r) => Number((r * 100).toFixed(1))), 'gauges show the API figures');
    assert.ok(api.total.nakajima.availability >= api.total.iso.availability, 'minor stops lower ISO availability, not Nakajima');

    // The trend: uPlot with a point per bucket of the eight hours of history.
    await page.locator('.oee-trend canvas').waitFor({ timeout: 30_000 });
    await eventually('the trend has points', async () => (await numberAttr(page, '.oee-trend', 'data-points')) >= 10, 30_000);

    // Waterfall: planned operation time, eight losses with subtotals, good-parts time, bars to scale.
    const rows = page.locator('.waterfall-row');
    await rows.first().waitFor();
    assert.equal(await page.locator('.waterfall-row.loss').count(), 8);
    const msOf = async (selector: string) => Number(await page.locator(selector).getAttribute('data-ms'));
    const start = await msOf('.waterfall-row.total >> nth=0');
    const good = await msOf('.waterfall-row.total >> nth=-1');
    assert.ok(start > 0 && good > 0 && good < start, `good-parts time ${good} ms within planned time ${start} ms`);
    const widths: number[] = [];
    for (const bar of await page.locator('.waterfall-row.total .waterfall-bar').all()) widths.push((await bar.boundingBox())?.width ?? 0);
    assert.ok(Math.abs(widths[widths.length - 1] / widths[0] - good / start) < 0.02, 'bar lengths are proportional to the times');
    assert.ok((await page.locator('.waterfall-row.loss .waterfall-bar').count()) >= 2, 'some losses have bars');

    // Pareto: bars largest first, a cumulative line ending at 100 %.
    await page.locator('.pareto-bar rect').first().waitFor();
    const bars = await page.locator('.pareto-bar').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-ms'))));
    assert.ok(bars.length >= 1 && bars[0] > 0, `${bars.length} downtime reasons`);
    assert.deepEqual(bars, [...bars].sort((a, b) => b - a), 'sorted, largest first');
    assert.equal(await page.locator('.pareto .cumulative-dot').count(), bars.length);

    // A row per machine of the line.
    assert.deepEqual(await page.locator('.machine-oee tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-asset'))), [`${LINE}/cnc-1`, `${LINE}/cnc-2`, `${LINE}/press-1`]);
    await page.waitForTimeout(500);
    await shoot(page, 'oee');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a machine row opens the asset page with its state timeline over the same range', async () => {
    const { page, errors } = await harness.open(`#/oee/${LINE}`);
    const link = page.locator(`.machine-oee tr[data-asset="${LINE}/press-1"] .timeline-link`);
    await link.waitFor({ timeout: 30_000 });
    const from = await numberAttr(page, '.gauges-panel', 'data-from');
    await link.click();
    await page.waitForURL(/#\/asset\/acme\/berlin\/machining\/line-1\/press-1\?from=\d+&to=\d+$/);
    assert.equal(new URL(page.url()).hash.match(/from=(\d+)/)?.[1], String(from));
    await page.locator('.timeline-interval').first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.range-picker .segmented button.active').innerText(), 'Custom', 'the asset page shows the OEE range');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('an unknown line says so and offers the first line', async () => {
    const { page, errors } = await harness.open('#/oee/acme/berlin/nowhere');
    await page.locator('.page', { hasText: 'is not a line of the plant model' }).waitFor();
    assert.equal(await page.locator('.page a', { hasText: 'Show Machining line 1' }).count(), 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
