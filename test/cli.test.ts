import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './helpers.js';

const LOOM = new URL('../bin/loom.js', import.meta.url).pathname;

function loom(args: string[], timeout = 120_000) {
  const result = spawnSync(process.execPath, [LOOM, ...args], { encoding: 'utf8', timeout });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('loom check accepts the demo and summarises it', () => {
  const { code, stdout } = loom(['check', 'examples/demo-plant.yaml']);
  assert.equal(code, 0);
  assert.match(stdout, /ok — enterprise 'acme', 1 site\(s\), 3 area\(s\), 3 line\(s\), 9 machine\(s\)/);
});

test('loom check refuses a bad file with file:line:column and exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-cli-'));
  try {
    const file = join(dir, 'plant.yaml');
    writeFileSync(file, 'plant:\n  enterprise: { id: acme }\n  sites:\n    - id: Berlin Plant\n');
    const { code, stderr } = loom(['check', file]);
    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`${file}:4:11 plant\\.sites\\[0\\]\\.id: 'Berlin Plant' is not a valid site id`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown commands and options print usage and exit 64', () => {
  assert.equal(loom(['frobnicate']).code, 64);
  const bad = loom(['start', '--colour', 'red']);
  assert.equal(bad.code, 64);
  assert.match(bad.stderr, /Unknown option '--colour'/);
});

test('loom simulate backfills history with progress and reports bytes per sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-sim-'));
  try {
    const { code, stdout, stderr } = loom(['simulate', '--days', '0.1', '--data', dir]);
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Simulating 0\.1 day\(s\) \[#+\] 100\.0%/);
    assert.match(stdout, /Stored [\d,]+ samples of 119 tags/);
    assert.match(stdout, /bytes per stored sample/);
    assert.match(stdout, /Rejected: none\./);
    assert.ok(existsSync(join(dir, 'loom.duckdb')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loom start serves the demo, then stops cleanly on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-start-'));
  const child = spawn(process.execPath, [LOOM, 'start', '--port', '0', '--mqtt-port', '0', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    const url = await eventually(() => /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1], 60_000, 'the dashboard URL');
    const health = (await (await fetch(`${url}/api/v1/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const page = await (await fetch(url)).text();
    assert.match(page, /<div id="app"|<script/);
    assert.match(output, /MQTT\s+mqtt:\/\/127\.0\.0\.1:\d+ \(embedded broker\)/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(output, /Stopping Loom/);
    assert.ok(readFileSync(join(dir, 'loom.duckdb')).length > 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
