// Secure channels against a real node-opcua server: untrusted server certificate, trust flow,
// Sign and SignAndEncrypt with the default policies on Node 20 (no --security-revert flag).
import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OpcUaConnector } from './opcua-connector.js';
import { startTestServer, type TestServer } from './test-server.js';
import { quietOpcUa, recordingContext, waitFor } from './testing.js';

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-opcua-sec-'));
let server: TestServer;
const open: OpcUaConnector[] = [];
const clientPki = join(dir, 'loom-data', 'pki', 'opcua');

function secure(id: string, securityMode: 'Sign' | 'SignAndEncrypt', securityPolicy: 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss') {
  const c = new OpcUaConnector({
    pkiDir: clientPki,
    config: {
      id,
      endpoint: server.endpointUrl,
      securityMode,
      securityPolicy,
      auth: { type: 'username', username: 'operator', password: 'secret' },
      subscription: { publishingInterval: 100, samplingInterval: 100 },
      reconnect: { initialDelay: 200, maxDelay: 400 },
      mappings: [{ nodeId: 'ns=1;s=v0', tag: `test/sec/${id}/v0` }],
    },
  });
  open.push(c);
  return c;
}

before(async () => {
  server = await startTestServer({ port: 0, pkiDir: join(dir, 'server-pki'), variables: 2, intervalMs: 100, users: { operator: 'secret' } });
});
after(async () => {
  for (const c of open) await c.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opcua security', () => {
  it('refuses an untrusted server certificate, records it, and connects once it is trusted', async () => {
    const c = secure('sign-encrypt', 'SignAndEncrypt', 'Basic256Sha256');
    const { context, samples } = recordingContext();
    await c.start(context);
    await waitFor('the refusal', () => /not trusted/.test(c.health().lastError ?? ''), 15_000);
    assert.notEqual(c.health().state, 'connected');
    assert.equal(samples.length, 0, 'no data over an untrusted channel');
    const rejected = await c.rejectedCertificates();
    assert.equal(rejected.length, 1);
    const serverCert = new X509Certificate(server.server.getCertificate());
    assert.equal(rejected[0].thumbprint, serverCert.fingerprint.replace(/:/g, '').toLowerCase());
    assert.match(rejected[0].subject, /CN=/);
    assert.match(c.health().lastError ?? '', new RegExp(`thumbprint ${rejected[0].thumbprint}`));
    // Loom's own certificate and trust list live under the given folder, not the home folder.
    assert.ok(existsSync(join(clientPki, 'own', 'certs')), 'own certificate folder in pkiDir');
    await assert.rejects(c.trustCertificate('00'.repeat(20)), /no rejected certificate/);
    await c.trustCertificate(rejected[0].thumbprint.toUpperCase().match(/../g)!.join(':'));
    assert.equal((await c.rejectedCertificates()).length, 0);
    assert.equal((await c.pki.trusted()).length, 1);
    await waitFor('data over SignAndEncrypt', () => samples.some((s) => s.quality === 'good'), 15_000);
    assert.equal(c.health().state, 'connected');
    assert.ok((c.health().counters?.certificatesRejected ?? 0) >= 1);
    await c.stop();
  });

  for (const [mode, policy] of [
    ['Sign', 'Basic256Sha256'],
    ['SignAndEncrypt', 'Aes128_Sha256_RsaOaep'],
    ['SignAndEncrypt', 'Aes256_Sha256_RsaPss'],
  ] as const) {
    it(`${mode} with ${policy} and a user name (server already trusted)`, async () => {
      const c = secure(`${mode}-${policy}`.toLowerCase().replace(/_/g, '-'), mode, policy);
      const { context, samples } = recordingContext();
      await c.start(context);
      await waitFor(`data over ${mode}/${policy}`, () => samples.some((s) => s.quality === 'good'), 15_000);
      assert.equal(c.health().lastError, undefined);
      await c.stop();
    });
  }
});
