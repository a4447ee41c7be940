// OPC UA engineering through the API against real node-opcua servers: browse, map to UNS tags (saved
// into the config file with its comments), and trust a refused server certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, loadDemoConfig, parseConfig } from '../src/model/index.js';
import { startTestServer, type TestServer } from '../src/connectors/opcua/test-server.js';
import { quietOpcUa } from '../src/connectors/opcua/testing.js';
import { eventually, startTestLoom } from './helpers.js';

quietOpcUa();
const PRESS = 'acme/berlin/machining/line-1/press-1';
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-api-'));
let server: TestServer;

before(async () => {
  server = await startTestServer({ port: 0, pkiDir: join(dir, 'server-pki'), variables: 2, intervalMs: 100 });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function plantFile(opcuaBlock: string): string {
  const file = join(dir, `plant-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `# Test plant: one press, read over OPC UA
simulator:
  enabled: false   # no virtual factory here
opcua:
${opcuaBlock}
plant:
  enterprise: { id: acme }
  sites:
    - id: berlin
      timezone: Europe/Berlin
      areas:
        - id: machining
          lines:
            - id: line-1
              machines:
                - { id: press-1 }   # no kind: no simulated tags
`,
  );
  return file;
}

describe('OPC UA browse and mapping API', () => {
  test('browses the address space, maps two variables to UNS tags, data flows and the config file keeps its comments', async () => {
    const file = plantFile(`  - id: plc            # the press PLC
    endpoint: ${server.endpointUrl}
    subscription: { publishingInterval: 100ms, samplingInterval: 100ms }
    mappings: []       # filled from the dashboard
`);
    const loom = await startTestLoom({ configFile: file });
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const response = await loom.api.inject({ method, url, payload });
      return { status: response.statusCode, body: response.json() };
    };
    try {
      await eventually(() => loom.connectors[0].health().state === 'connected', 15_000, 'the connector connected');
      const list = await api('GET', '/api/v1/connectors/opcua');
      assert.deepEqual(list.body.items.map((i: { id: string; saveToConfig: boolean; endpoint: string }) => [i.id, i.saveToConfig, i.endpoint]), [['plc', true, server.endpointUrl]]);

      const root = await api('GET', '/api/v1/connectors/opcua/plc/browse');
      assert.equal(root.status, 200);
      const plantFolder = root.body.children.find((c: { browseName: string }) => c.browseName === '1:Plant');
      assert.deepEqual([plantFolder.nodeId, plantFolder.nodeClass], ['ns=1;s=Plant', 'Object']);
      const press = await api('GET', `/api/v1/connectors/opcua/plc/browse?node=${encodeURIComponent('ns=1;s=Plant.Line1.Press1')}`);
      const temperature = press.body.children.find((c: { displayName: string }) => c.displayName === 'Temperature');
      assert.deepEqual(temperature, { nodeId: 'ns=1;s=Plant.Line1.Press1.Temperature', browseName: '1:Temperature', displayName: 'Temperature', nodeClass: 'Variable', dataType: 'Double', access: { read: true, write: true } });
      const testFolder = (await api('GET', `/api/v1/connectors/opcua/plc/browse?node=${encodeURIComponent('ns=1;s=Test')}`)).body.children;
      const variable = (name: string) => testFolder.find((c: { displayName: string }) => c.displayName === name);
      assert.deepEqual([variable('readonly').access, variable('int16').dataType, variable('flag').dataType], [{ read: true, write: false }, 'Int16', 'Boolean']);
      const badNode = await api('GET', `/api/v1/connectors/opcua/plc/browse?node=${encodeURIComponent('ns=1;s=NoSuchNode')}`);
      assert.equal(badNode.status, 400);
      assert.equal(badNode.body.error.code, 'LOOM_BAD_REQUEST');
      assert.equal((await api('GET', '/api/v1/connectors/opcua/nope/browse')).body.error.code, 'LOOM_UNKNOWN_CONNECTOR');

      const before = readFileSync(file, 'utf8');
      const outside = await api('POST', '/api/v1/connectors/opcua/plc/mappings', { mappings: [{ nodeId: temperature.nodeId, tag: 'acme/berlin/painting/line-9/temperature' }] });
      assert.equal(outside.status, 400);
      assert.equal(outside.body.error.code, 'LOOM_BAD_MAPPING');
      assert.match(outside.body.error.message, /'acme\/berlin\/painting\/line-9' is not an asset/);
      const badName = await api('POST', '/api/v1/connectors/opcua/plc/mappings', { mappings: [{ nodeId: temperature.nodeId, tag: `${PRESS}/Oil Temp` }] });
      assert.equal(badName.body.error.code, 'LOOM_BAD_MAPPING');
      assert.equal(readFileSync(file, 'utf8'), before, 'refused mappings leave the file alone');

      const added = await api('POST', '/api/v1/connectors/opcua/plc/mappings', {
        mappings: [
          { nodeId: temperature.nodeId, tag: `${PRESS}/temperature`, unit: 'degC' },
          { nodeId: 'ns=1;s=Plant.Line1.Press1.Running', tag: `${PRESS}/running`, type: 'boolean' },
        ],
      });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      assert.deepEqual(added.body, { connector: 'plc', tags: [`${PRESS}/temperature`, `${PRESS}/running`], monitored: true, refused: [], saved: true, configFile: file });
      // Data flows at once, without a restart.
      const latest = await eventually(() => loom.historian.latest(`${PRESS}/temperature`)[0], 10_000, 'the mapped temperature stored');
      assert.deepEqual([latest.value, latest.quality], [48.5, 'good']);
      await eventually(() => loom.historian.latest(`${PRESS}/running`)[0]?.value === true, 10_000, 'the mapped running flag');
      assert.equal(loom.registry.get(`${PRESS}/temperature`)?.unit, 'degC');
      assert.equal(loom.registry.get(`${PRESS}/temperature`)?.source, 'plc');

      const saved = readFileSync(file, 'utf8');
      for (const comment of ['# Test plant: one press, read over OPC UA', '# no virtual factory here', '# the press PLC', '# no kind: no simulated tags']) assert.ok(saved.includes(comment), `kept: ${comment}\n${saved}`);
      assert.deepEqual(
        loadConfigFile(file).config.opcua[0].mappings.map((m) => [m.nodeId, m.tag, m.type, m.unit]),
        [
          ['ns=1;s=Plant.Line1.Press1.Temperature', `${PRESS}/temperature`, 'number', 'degC'],
          ['ns=1;s=Plant.Line1.Press1.Running', `${PRESS}/running`, 'boolean', undefined],
        ],
      );
      const again = await api('POST', '/api/v1/connectors/opcua/plc/mappings', { mappings: [{ nodeId: temperature.nodeId, tag: `${PRESS}/temperature` }] });
      assert.equal(again.body.error.code, 'LOOM_BAD_MAPPING');
      assert.match(again.body.error.message, /exists already \(fed by plc\)/);
    } finally {
      await loom.stop();
    }
  });

  test('without a config file: saving is refused with 409, save: false adds the mapping for this run', async () => {
    const base = loadDemoConfig();
    const config = parseConfig(JSON.stringify({ plant: base.config.plant, simulator: { enabled: false }, opcua: [{ id: 'plc', endpoint: server.endpointUrl, subscription: { publishingInterval: 100, samplingInterval: 100 } }] }));
    const loom = await startTestLoom({ loaded: { ...base, config } });
    try {
      await eventually(() => loom.connectors[0].health().state === 'connected', 15_000, 'the connector connected');
      const mapping = { nodeId: 'ns=1;s=v1', tag: `${PRESS}/counter` };
      const refused = await loom.api.inject({ method: 'POST', url: '/api/v1/connectors/opcua/plc/mappings', payload: { mappings: [mapping] } });
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error.code, 'LOOM_CONFIG_NOT_WRITABLE');
      assert.match(refused.json().error.message, /without a config file/);
      assert.equal(loom.registry.get(mapping.tag), undefined, 'nothing added');
      const ok = await loom.api.inject({ method: 'POST', url: '/api/v1/connectors/opcua/plc/mappings', payload: { mappings: [mapping], save: false } });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().saved, false);
      await eventually(() => loom.historian.latest(mapping.tag)[0], 10_000, 'the counter stored');
    } finally {
      await loom.stop();
    }
  });

  test('an unreachable server: browse answers 502 with the reason', async () => {
    const file = plantFile(`  - id: gone
    endpoint: opc.tcp://127.0.0.1:1
    reconnect: { initialDelay: 5s, maxDelay: 5s }
`);
    const loom = await startTestLoom({ configFile: file });
    try {
      const response = await loom.api.inject({ method: 'GET', url: '/api/v1/connectors/opcua/gone/browse' });
      assert.equal(response.statusCode, 502);
      assert.equal(response.json().error.code, 'LOOM_CONNECTOR_UNAVAILABLE');
      assert.match(response.json().error.message, /opc\.tcp:\/\/127\.0\.0\.1:1/);
    } finally {
      await loom.stop();
    }
  });
});

describe('OPC UA certificate trust API', () => {
  test('a refused server certificate is listed with its endpoint; trusting it connects at once and data flows', async () => {
    const file = plantFile(`  - id: secure
    endpoint: ${server.endpointUrl}
    securityMode: SignAndEncrypt
    subscription: { publishingInterval: 100ms, samplingInterval: 100ms }
    reconnect: { initialDelay: 30s, maxDelay: 60s }   # only the trust can make it retry within the test
    mappings:
      - { nodeId: ns=1;s=v0, tag: ${PRESS}/v0 }
`);
    const loom = await startTestLoom({ configFile: file });
    try {
      const health = () => loom.connectors[0].health();
      await eventually(() => /not trusted/.test(health().lastError ?? ''), 20_000, 'the refusal');
      assert.equal(health().state, 'disconnected');
      const listed = await loom.api.inject({ method: 'GET', url: '/api/v1/connectors/opcua/secure/certificates' });
      assert.equal(listed.statusCode, 200);
      const { rejected, trusted } = listed.json();
      const thumbprint = new X509Certificate(server.server.getCertificate()).fingerprint.replace(/:/g, '').toLowerCase();
      assert.equal(rejected.length, 1);
      assert.equal(rejected[0].thumbprint, thumbprint);
      assert.equal(rejected[0].endpoint, server.endpointUrl);
      assert.match(rejected[0].subject, /CN=/);
      assert.ok(Date.parse(rejected[0].validTo) > Date.now());
      assert.equal(rejected[0].file, undefined, 'no file paths in the API');
      assert.deepEqual(trusted, []);
      const overview = (await loom.api.inject({ method: 'GET', url: '/api/v1/connectors/opcua' })).json();
      assert.equal(overview.items[0].rejectedCertificates, 1);

      const unknown = await loom.api.inject({ method: 'POST', url: `/api/v1/connectors/opcua/secure/certificates/${'00'.repeat(20)}/trust` });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'LOOM_UNKNOWN_CERTIFICATE');
      assert.equal(loom.historian.latest(`${PRESS}/v0`).length, 0, 'no data over an untrusted channel');

      const trustedAt = Date.now();
      const trust = await loom.api.inject({ method: 'POST', url: `/api/v1/connectors/opcua/secure/certificates/${thumbprint}/trust` });
      assert.equal(trust.statusCode, 200);
      assert.equal(trust.json().trusted.thumbprint, thumbprint);
      await eventually(() => health().state === 'connected', 20_000, 'connected after the trust');
      assert.ok(Date.now() - trustedAt < 20_000, 'reconnected before the 30 s backoff');
      await eventually(() => loom.historian.latest(`${PRESS}/v0`)[0]?.quality === 'good', 10_000, 'data over SignAndEncrypt');
      const after = (await loom.api.inject({ method: 'GET', url: '/api/v1/connectors/opcua/secure/certificates' })).json();
      assert.deepEqual([after.rejected.length, after.trusted.length], [0, 1]);
    } finally {
      await loom.stop();
    }
  });
});
