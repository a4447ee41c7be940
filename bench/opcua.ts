// OPC UA benchmark: N monitored items changing at 1 Hz on a node-opcua server in a child process,
// read by the opcua connector into the app's own core (Ingest -> bus -> DuckDB historian).
// Run: node --import tsx bench/opcua.ts [--seconds 60] [--items 5000] [--publish-ms 100]
// Prints one line per figure; the baseline (same run) is this process idle before the connector starts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore } from '../src/app.js';
import { parseConfig } from '../src/model/index.js';
import { OpcUaConnector, quietOpcUa } from '../src/connectors/opcua/index.js';
import { spawnTestServer, waitFor } from '../src/connectors/opcua/testing.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seconds = option('seconds', 60);
const items = option('items', 5_000);
const publishMs = option('publish-ms', 100);
const BASELINE_S = 5;

quietOpcUa();
const dir = mkdtempSync(join(tmpdir(), 'loom-bench-opcua-'));
const server = await spawnTestServer({ pkiDir: join(dir, 'server-pki'), variables: items, intervalMs: 1000 });
const config = parseConfig(`plant:\n  enterprise: { id: acme }\n  sites: [{ id: plant }]\nhistorian:\n  path: bench.duckdb\n`);
const core = await openCore({ config, file: 'bench', baseDir: dir }, { dataDir: dir, logger: false });
const connector = new OpcUaConnector({
  pkiDir: join(dir, 'client-pki'),
  config: {
    endpoint: `opc.tcp://127.0.0.1:${server.port}`,
    subscription: { publishingInterval: publishMs, samplingInterval: publishMs, queueSize: 2 },
    mappings: Array.from({ length: items }, (_, i) => ({ nodeId: `ns=1;s=v${i}`, tag: `acme/plant/area/line-${i % 10}/m-${Math.floor(i / 100)}/v${i}` })),
  },
});
for (const tag of connector.tagDefinitions()) core.registry.upsert(tag);
await core.historian.defineTags(core.registry.all());

let stored = 0;
let measuring = false;
const latencies: number[] = [];
core.bus.subscribe(
  '#',
  (samples) => {
    if (!measuring) return;
    const now = Date.now();
    stored += samples.length;
    for (const s of samples) latencies.push(now - s.ts);
  },
  { name: 'bench-latency', maxBatch: 5_000 },
);

const cpuShare = async (ms: number) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
};

try {
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // let the historian's start-up work finish
  const idle = await cpuShare(BASELINE_S * 1000);
  const t0 = Date.now();
  await connector.start({ registry: core.registry, logger: core.logger, publish: (samples, source) => core.ingest.publish(samples, source) });
  await waitFor(`all ${items} items monitored`, () => connector.health().counters?.itemsMonitored === items, 120_000);
  const setupMs = Date.now() - t0;
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // initial values and first changes settle
  measuring = true;
  const busy = await cpuShare(seconds * 1000);
  measuring = false;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const rate = stored / seconds;
  const h = connector.health();
  console.log(`setup        ${items} monitored items created in batches of 1000: ${setupMs} ms`);
  console.log(`baseline     expected ${items} samples/s (${items} items x 1 Hz); idle process CPU ${(idle * 100).toFixed(1)} % of one core`);
  console.log(`stored       ${rate.toFixed(0)} samples/s into Ingest -> bus -> DuckDB over ${seconds} s (ratio to expected ${(rate / items).toFixed(3)})`);
  console.log(`cpu          ${(busy * 100).toFixed(1)} % of one core (${((busy * 100) / 2).toFixed(1)} % of the 2-core machine; idle baseline ${(idle * 100).toFixed(1)} %, so +${((busy - idle) * 100).toFixed(1)} points); server in its own process`);
  console.log(`latency      source-to-stored p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${latencies.at(-1)} ms (sampling/publishing ${publishMs} ms)`);
  console.log(`health       ${h.state}, bad ${h.counters?.badSamples}, publish errors ${h.counters?.publishErrors}, rejected by normalisation ${core.ingest.rejected}`);
} finally {
  await connector.stop();
  await server.kill();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
}
