// Shared set-up of the browser tests: a real Loom on loopback with the demo plant and simulated
// history (or LOOM_URL), Debian's chromium with a fresh profile, and small helpers to open pages,
// wait for conditions and take screenshots into artifacts/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));
const UI_INDEX = fileURLToPath(new URL('../../src/ui/dist/index.html', import.meta.url));

/** False when chromium is there; else why the tests are skipped (on CI a missing chromium is an error). */
export function skipReason(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const message = `chromium not found at ${CHROMIUM}: install it with 'apt-get install chromium' (or set CHROMIUM_PATH) to run the browser tests`;
  if (process.env.CI === 'true') throw new Error(message);
  return message;
}

export interface Harness {
  baseUrl: string;
  /** Opens a page and records every console error and uncaught exception. */
  open(hash: string): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Starts Loom (unless LOOM_URL is set) with `backfillMs` of simulated history, and chromium. */
export async function startHarness(options: { backfillMs: number; viewport?: { width: number; height: number } }): Promise<Harness> {
  if (!existsSync(UI_INDEX)) throw new Error(`the dashboard is not built (${UI_INDEX} is missing): run 'npm run build:ui' first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'loom-ui-data-'));
  const profileDir = mkdtempSync(join(tmpdir(), 'loom-ui-chromium-'));
  let loom: { close(): Promise<void> } | undefined;
  let browser: BrowserContext | undefined;
  const cleanup = async () => {
    await browser?.close();
    await loom?.close();
    for (const dir of [dataDir, profileDir]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    let baseUrl: string;
    if (process.env.LOOM_URL) {
      // Against a Loom that is already running (its simulator must be on).
      baseUrl = process.env.LOOM_URL.replace(/\/$/, '');
    } else {
      const { startLoom } = await import('../../src/app.js');
      const { loadDemoConfig } = await import('../../src/model/index.js');
      // The simulator itself simulates the past first (`simulator.history`) and then runs on live with
      // the same machines: counters and states continue across the hand-over. (A separate backfill
      // would be a second factory whose counters jump at the hand-over: phantom units in the OEE.)
      const loaded = loadDemoConfig();
      loaded.config.simulator.history = options.backfillMs;
      const started = Date.now();
      const running = await startLoom({ loaded, dataDir, http: { port: 0, host: '127.0.0.1' }, logger: false, mqttBroker: 0 });
      loom = running;
      baseUrl = running.url;
      await eventually(
        'every machine sends live samples after its simulated history',
        async () => {
          const { tags } = (await (await fetch(`${baseUrl}/api/v1/tags?path=${encodeURIComponent('#')}`)).json()) as { tags: Array<{ asset: string; ts?: number }> };
          const machines = new Set(running.registry.all().filter((t) => t.role === 'state').map((t) => t.asset));
          const live = new Set(tags.filter((t) => (t.ts ?? 0) > started + 1000).map((t) => t.asset));
          return machines.size > 0 && [...machines].every((m) => live.has(m));
        },
        180_000,
      );
      await running.historian.flush();
    }
    // A fresh profile per run; Playwright takes it as the persistent context's directory (--user-data-dir).
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      viewport: options.viewport ?? { width: 1440, height: 960 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const context = browser;
    return {
      baseUrl,
      async open(hash) {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(`console: ${message.text()}`);
        });
        page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
        await page.goto(`${baseUrl}/${hash}`);
        return { page, errors };
      },
      close: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Polls a condition read through the page until it holds (the test code stays free of DOM types). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A number from an attribute of the first element matching `selector`. */
export async function numberAttr(page: Page, selector: string, name: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute(name));
}
