// `loom simulate` with historian.compression on: the report says how many samples were kept.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const LOOM = new URL('../bin/loom.js', import.meta.url).pathname;

test('loom simulate with compression reports samples stored of received and bytes per received sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-sim-compression-'));
  try {
    const demo = readFileSync(new URL('../examples/demo-plant.yaml', import.meta.url), 'utf8');
    const anchor = '  flushInterval: 100ms\n';
    assert.ok(demo.includes(anchor), 'the demo config has a historian block');
    const file = join(dir, 'plant.yaml');
    writeFileSync(file, demo.replace(anchor, `${anchor}  compression: { enabled: true, compDevPercent: 1, classes: [{ roles: process }, { tags: '#', enabled: false }] }\n`));
    const result = spawnSync(process.execPath, [LOOM, 'simulate', '--config', file, '--days', '0.05', '--data', join(dir, 'data')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, result.stderr);
    const line = /Compression: ([\d,]+) of ([\d,]+) samples stored \(([\d.]+):1 on (\d+) tags\), ([\d.]+) bytes per received sample\./.exec(result.stdout);
    assert.ok(line, result.stdout);
    const [stored, received] = [Number(line[1].replaceAll(',', '')), Number(line[2].replaceAll(',', ''))];
    assert.ok(stored < received, `${stored} of ${received}`);
    assert.equal(Number(line[4]), 38, 'the demo plant has 38 process signals');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
