// The OPC UA connector page in a real browser against a real Loom and a real node-opcua server whose
// certificate is not trusted yet: trust it, browse the address space, map two variables to UNS tags,
// see their live values, and find the mappings in the config file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startLoom, type RunningLoom } from '../../src/app.js';
import { loadConfigFile } from '../../src/model/index.js';
import { startTestServer, type TestServer } from '../../src/connectors/opcua/test-server.js';
import { quietOpcUa } from '../../src/connectors/opcua/testing.js';
import { SCREENSHOTS, eventually, shoot, skipReason } from './harness.js';

const PRESS = 'acme/berlin/machining/line-1/press-1';

describe('OPC UA page in a browser', { skip: skipReason() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-ui-opcua-'));
  const file = join(dir, 'plant.yaml');
  let server: TestServer;
  let loom: RunningLoom;
  let browser: BrowserContext;

  before(async () => {
    quietOpcUa();
    server = await startTestServer({ port: 0, pkiDir: join(dir, 'server-pki'), variables: 2, intervalMs: 200 });
    writeFileSync(
      file,
      `# A press read over OPC UA (secured; its certificate is trusted from the dashboard)
simulator: { enabled: false }
opcua:
  - id: press-plc
    endpoint: ${server.endpointUrl}
    securityMode: SignAndEncrypt
    subscription: { publishingInterval: 200ms, samplingInterval: 200ms }
    reconnect: { initialDelay: 30s, maxDelay: 60s }
plant:
  enterprise: { id: acme, name: ACME }
  sites:
    - id: berlin
      timezone: Europe/Berlin
      areas:
        - id: machining
          lines:
            - id: line-1
              machines:
                - { id: press-1, name: Stamping press 1 }
`,
    );
    loom = await startLoom({ configFile: file, dataDir: join(dir, 'data'), http: { port: 0, host: '127.0.0.1' }, logger: false, mqttBroker: 0 });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      viewport: { width: 1440, height: 960 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close();
    await loom?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('trust the server certificate, browse, tick two variables, add them to Loom and see their live values', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await eventually('the connector refused the certificate', async () => /not trusted/.test(loom.connectors[0].health().lastError ?? ''), 20_000);

    await page.goto(`${loom.url}/#/system`);
    await page.locator('tr[data-connector="press-plc"] a', { hasText: 'Browse, map, certificates' }).click();
    await page.waitForURL(/#\/connectors\/opcua\/press-plc$/);
    const certificates = page.locator('[data-panel="certificates"]');
    await certificates.locator('tr[data-thumbprint]').waitFor();
    assert.match(await certificates.innerText(), new RegExp(server.endpointUrl.replace(/[.]/g, '\\.')));
    await shoot(page, 'opcua-untrusted');

    await certificates.locator('button', { hasText: 'Trust' }).click();
    await eventually('the page shows the connector connected', async () => (await page.locator('h1 .pill').innerText()) === 'connected', 20_000);
    const tree = page.locator('[data-panel="browser"]');
    await tree.locator('li[data-node="ns=1;s=Plant"] button.opcua-twisty').click();
    await tree.locator('li[data-node="ns=1;s=Plant.Line1"] button.opcua-twisty').click();
    await tree.locator('li[data-node="ns=1;s=Plant.Line1.Press1"] button.opcua-twisty').click();
    await tree.locator('li[data-node="ns=1;s=Plant.Line1.Press1.Temperature"]').waitFor();
    assert.match(await tree.locator('li[data-node="ns=1;s=Plant.Line1.Press1.Temperature"]').innerText(), /Double/);
    await tree.locator('li[data-node="ns=1;s=Plant.Line1.Press1.Temperature"] input[type=checkbox]').check();
    await tree.locator('li[data-node="ns=1;s=Plant.Line1.Press1.Running"] input[type=checkbox]').check();

    const mapping = page.locator('[data-panel="mapping"]');
    await mapping.locator('select').selectOption(PRESS);
    const pathOf = (node: string) => mapping.locator(`tr[data-mapping="${node}"] input`).inputValue();
    assert.equal(await pathOf('ns=1;s=Plant.Line1.Press1.Temperature'), `${PRESS}/temperature`);
    assert.equal(await pathOf('ns=1;s=Plant.Line1.Press1.Running'), `${PRESS}/running`);
    await mapping.locator('tr[data-mapping="ns=1;s=Plant.Line1.Press1.Temperature"] input').fill(`${PRESS}/oil_temperature`);
    assert.ok(await mapping.locator('input[type=checkbox]').isChecked(), 'save to the config file is on');
    await shoot(page, 'opcua-mapping');
    await mapping.locator('button', { hasText: 'Add to Loom' }).click();

    await mapping.locator('.ok-text', { hasText: 'Added 2 tags and saved them' }).waitFor({ timeout: 10_000 });
    const liveOf = (tag: string) => mapping.locator(`tr[data-tag="${tag}"] td.num`).innerText();
    await eventually('live values of the new tags', async () => /^48\.50?$/.test(await liveOf(`${PRESS}/oil_temperature`)) && (await liveOf(`${PRESS}/running`)) === 'yes', 15_000).catch(async (error: unknown) => {
      await shoot(page, 'opcua-added-failed');
      throw new Error(`${(error as Error).message}; health ${JSON.stringify(loom.connectors[0].health())}; stored ${JSON.stringify(loom.historian.latest(`${PRESS}/oil_temperature`))}`);
    });
    await shoot(page, 'opcua-added');

    const saved = loadConfigFile(file).config.opcua[0].mappings.map((m) => [m.nodeId, m.tag, m.type]);
    assert.deepEqual(saved, [
      ['ns=1;s=Plant.Line1.Press1.Temperature', `${PRESS}/oil_temperature`, 'number'],
      ['ns=1;s=Plant.Line1.Press1.Running', `${PRESS}/running`, 'boolean'],
    ]);
    assert.match(readFileSync(file, 'utf8'), /^# A press read over OPC UA/);
    assert.deepEqual(errors, []);
  });
});
