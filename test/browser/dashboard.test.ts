// The dashboard in a real browser (Debian's chromium) against a real Loom with the demo plant:
// every page loads without console errors, shows live data, and leaves a screenshot in
// artifacts/screenshots/ for a human to look at. LOOM_URL=http://host:port runs them against a running Loom.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const BACKFILL_MS = 60 * 60_000;
const UI_INDEX = fileURLToPath(new URL('../../src/ui/dist/index.html', import.meta.url));

function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const message = `chromium not found at ${CHROMIUM}: install it with 'apt-get install chromium' (or set CHROMIUM_PATH) to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

describe('dashboard in a browser', { skip: skipReason() }, () => {
  let loom: { url: string; close(): Promise<void> } | undefined;
  let browser: BrowserContext | undefined;
  let baseUrl = '';
  const tmpDirs: string[] = [];

  before(async () => {
    if (!existsSync(UI_INDEX)) throw new Error(`the dashboard is not built (${UI_INDEX} is missing): run 'npm run build:ui' first`);
    const dataDir = mkdtempSync(join(tmpdir(), 'loom-ui-data-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'loom-ui-chromium-'));
    tmpDirs.push(dataDir, profileDir);
    if (process.env.LOOM_URL) {
      // Against a Loom that is already running (its simulator must be on).
      baseUrl = process.env.LOOM_URL.replace(/\/$/, '');
    } else {
      const { startLoom } = await import('../../src/app.js');
      const { runBackfill } = await import('../../src/connectors/simulator/index.js');
      const running = await startLoom({ dataDir, http: { port: 0, host: '127.0.0.1' }, logger: false, mqttBroker: 0 });
      loom = running;
      baseUrl = running.url;
      // An hour of simulated history before the live simulator's start, so trends and timelines have a past.
      const now = Date.now();
      await runBackfill({
        plant: running.config.plant,
        options: { seed: 7 },
        from: now - BACKFILL_MS,
        to: now - 1000,
        publish: (samples) => running.ingest.publish(samples, 'backfill'),
      });
      await running.historian.flush();
    }
    // A fresh profile per run; Playwright takes it as the persistent context's directory (--user-data-dir).
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      viewport: { width: 1440, height: 960 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await loom?.close();
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page of the dashboard and records every console error and uncaught exception. */
  async function open(hash: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    await page.goto(`${baseUrl}/${hash}`);
    return { page, errors };
  }

  /** Polls a condition read through the page until it holds (the test code stays free of DOM types). */
  async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const numberAttr = async (page: Page, selector: string, name: string) => Number(await page.locator(selector).first().getAttribute(name));

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

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
