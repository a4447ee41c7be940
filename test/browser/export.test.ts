// The trend's download links in a real browser: picking a tag on an asset page offers CSV and Parquet
// links to GET /api/v1/export for the shown tags and window, and the CSV link downloads the samples.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import type { RunningLoom } from '../../src/app.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const UI_INDEX = fileURLToPath(new URL('../../src/ui/dist/index.html', import.meta.url));

function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const message = `chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

describe('trend download in a browser', { skip: skipReason() }, () => {
  let loom: RunningLoom | undefined;
  let browser: BrowserContext | undefined;
  const dirs: string[] = [];

  before(async () => {
    if (!existsSync(UI_INDEX)) throw new Error(`the dashboard is not built (${UI_INDEX} is missing): run 'npm run build:ui' first`);
    const dataDir = mkdtempSync(join(tmpdir(), 'loom-export-ui-'));
    const profileDir = mkdtempSync(join(tmpdir(), 'loom-export-chromium-'));
    dirs.push(dataDir, profileDir);
    const { startLoom } = await import('../../src/app.js');
    const { runBackfill } = await import('../../src/connectors/simulator/index.js');
    loom = await startLoom({ dataDir, http: { port: 0, host: '127.0.0.1' }, logger: false, mqttBroker: 0 });
    const running = loom;
    const now = Date.now();
    await runBackfill({ plant: running.config.plant, options: { seed: 7 }, from: now - 30 * 60_000, to: now - 1000, publish: (samples) => running.ingest.publish(samples, 'backfill') });
    await running.historian.flush();
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      viewport: { width: 1440, height: 960 },
      acceptDownloads: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await loom?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('the CSV link downloads the trended tag over the shown window; the Parquet link points at the same export', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${loom!.url}/#/`);
    await page.locator('.tile').first().click();
    await page.waitForURL(/#\/asset\//);
    await page.locator('.tag-chips .chip').first().waitFor();
    if ((await page.locator('.tag-chips .chip.on').count()) === 0) await page.locator('.tag-chips .chip').first().click();
    const csvLink = page.locator('a[data-export="csv"]');
    await csvLink.waitFor();
    const shown = await page.locator('.tag-chips .chip.on').evaluateAll((chips) => chips.map((chip) => chip.getAttribute('data-trend-tag')));
    const href = new URL((await csvLink.getAttribute('href'))!, loom!.url);
    assert.equal(href.pathname, '/api/v1/export');
    assert.deepEqual(href.searchParams.getAll('tag'), shown);
    assert.ok(Date.parse(href.searchParams.get('to')!) - Date.parse(href.searchParams.get('from')!) > 0);
    const parquetHref = new URL((await page.locator('a[data-export="parquet"]').getAttribute('href'))!, loom!.url);
    assert.equal(parquetHref.searchParams.get('format'), 'parquet');

    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    assert.match(download.suggestedFilename(), /^loom-export-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'ts,tag,value,quality');
    assert.ok(lines.length > 10, `the download holds samples (${lines.length - 1} rows)`);
    for (const line of lines.slice(1, 20)) assert.ok(shown.includes(line.split(',')[1]), line);
    await page.locator('.trend-panel').screenshot({ path: join(SCREENSHOTS, 'trend-download.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
