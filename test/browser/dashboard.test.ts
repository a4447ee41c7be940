// The dashboard in a real browser (Debian's chromium) against a real Loom with the demo plant:
// every page loads without console errors, shows live data, and leaves a screenshot in
// artifacts/screenshots/ for a human to look at. LOOM_URL=http://host:port runs them against a running Loom.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, numberAttr, shoot, skipReason, startHarness, type Harness } from './harness.js';

describe('dashboard in a browser', { skip: skipReason() }, () => {
  let harness: Harness;
  let baseUrl = '';
  const open = (hash: string) => harness.open(hash);

  before(async () => {
    // An hour of simulated history before the live simulator's start, so trends and timelines have a past.
    harness = await startHarness({ backfillMs: 60 * 60_000 });
    baseUrl = harness.baseUrl;
  });

  after(async () => {
    await harness?.close();
  });

  test('plant overview: a tile per machine, coloured by state, with values that change live', async () => {
    const { page, errors } = await open('#/');
    const tiles = page.locator('.tile');
    await tiles.first().waitFor();
    assert.equal(await tiles.count(), 9, 'the demo plant has nine machines');
    assert.equal(await page.locator('.tree .level-machine').count(), 9, 'the tree lists every machine');
    // Every tile shows a state from the live stream, not "No data".
    await eventually('every tile shows a state', async () => (await page.locator('.tile.state-unknown').count()) === 0);

    const values = page.locator('.tile-values');
    const before = await values.allInnerTexts();
    await eventually('a live value changes', async () => (await values.allInnerTexts()).some((text, i) => text !== before[i]));
    assert.ok((await page.locator('.tile-values dd').count()) > 9 * 3, 'tiles show several signals each');
    assert.match(await page.locator('.clock').innerText(), /\d\d:\d\d:\d\d/);
    await shoot(page, 'overview');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('asset page: live values, a trend from the history and a state timeline', async () => {
    const { page, errors } = await open('#/');
    await page.locator('.tile').first().click();
    await page.waitForURL(/#\/asset\//);
    await page.locator('.values-table tbody tr').first().waitFor();
    assert.ok((await page.locator('.values-table tbody tr').count()) >= 5);

    // A second tag joins the trend; both are drawn on a uPlot canvas with points.
    await page.locator('.tag-chips .chip:not(.on)', { hasText: 'Power' }).click();
    await page.locator('.trend-chart canvas').waitFor();
    await eventually('the trend has points', async () => (await numberAttr(page, '.trend-chart', 'data-points')) > 2, 15_000);
    assert.equal(await page.locator('.trend-chart').getAttribute('data-series'), '2');

    await page.locator('.timeline-interval').first().waitFor({ timeout: 15_000 });
    assert.ok((await page.locator('.legend li').count()) >= 5, 'the legend lists the machine states');

    // Another range reads the history again.
    await page.locator('.segmented button', { hasText: '15 min' }).click();
    await eventually('the 15 min trend has points', async () => (await numberAttr(page, '.trend-chart', 'data-points')) > 2);
    await page.locator('.segmented button', { hasText: '1 h' }).click();
    await page.locator('.panel-foot', { hasText: /samples|per/ }).waitFor();
    await page.waitForTimeout(1000);
    await shoot(page, 'asset');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('system page: ingest, queues, historian, connectors and a dead letter', async () => {
    const badTag = `acme/berlin/nowhere/ghost-${Date.now()}/temperature`;
    const response = await fetch(`${baseUrl}/api/v1/samples`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ samples: [{ tag: badTag, ts: Date.now(), value: 42.5 }] }),
    });
    assert.ok(response.ok, `POST /api/v1/samples answered ${response.status}`);
    const result = (await response.json()) as { accepted: number; rejected: number };
    assert.equal(result.rejected, 1);

    const { page, errors } = await open('#/system');
    await page.locator('[data-subscriber]').first().waitFor();
    assert.ok((await page.locator('.queue-table .bar').count()) >= 1);
    // Long subscriber names (an SPC monitor's tag path) wrap inside the card instead of pushing it out.
    const overflow = await page.locator('.queue-table').evaluate((table) => table.getBoundingClientRect().right - table.closest('.panel')!.getBoundingClientRect().right);
    assert.ok(overflow <= 0, `the bus table sticks out of its card by ${overflow}px`);
    await page.locator('.dead-letter', { hasText: badTag }).waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('.reasons li').count()) >= 1, 'dead letters are counted by reason');
    await page.locator('[data-connector]').first().waitFor();
    // The ingest sparkline fills as the page polls.
    await eventually('the sparkline has points', async () => (await numberAttr(page, '.sparkline', 'data-points')) >= 6);
    await shoot(page, 'system');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
