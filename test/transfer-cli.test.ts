// `loom import` and `loom export` as a user runs them (bin/loom.js in a child process, a real data
// folder), and GET /api/v1/export through the whole app: exit codes, the printed report, error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestLoom } from './helpers.js';

const LOOM = new URL('../bin/loom.js', import.meta.url).pathname;
const TEMP = 'acme/berlin/machining/line-1/press-1/temperature';
const RUNNING = 'acme/berlin/machining/line-1/press-1/running';

function loom(args: string[]) {
  const result = spawnSync(process.execPath, [LOOM, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('loom import and export: report, rejects file, exit codes, idempotent re-import, round trip to a fresh data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-transfer-cli-'));
  try {
    const data = join(dir, 'data');
    const file = join(dir, 'history.csv');
    writeFileSync(file, ['ts,tag,value', `2026-11-20T08:00:00Z,${TEMP},70.5`, `2026-11-20T08:00:01Z,${TEMP},oops`, `2026-11-20T08:00:02Z,${RUNNING},true`].join('\n'));

    const first = loom(['import', file, '--data', data]);
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /^Imported 2 of 3 values from 3 rows of .*history\.csv \(csv, long layout\) in [\d.]+ s: \d+ rows\/s\./);
    assert.match(first.stdout, /Rejected: 1 \(not stored; everything else is\):\n {2}wrong_type +1\n/);
    assert.match(first.stdout, /line 3, column value: wrong_type: '.*temperature' is a number tag but got string "oops"/);
    assert.match(first.stdout, new RegExp(`Rejected lines with reasons \\(all of them\\): ${file}\\.rejects\\.csv`));
    assert.match(readFileSync(`${file}.rejects.csv`, 'utf8'), /^line,column,reason,detail,record\n3,value,wrong_type,/);
    assert.match(first.stderr, /Importing .*history\.csv \[#+\] 100\.0%.*rows\/s/);

    const again = loom(['import', file, '--data', data]);
    assert.equal(again.code, 1);
    assert.match(again.stdout, /^Imported 2 of 3 values/);

    const out = join(dir, 'out.csv');
    const exported = loom(['export', '--data', data, '--tags', 'acme/berlin/machining/line-1/press-1/#', '--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--out', out]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /^Exported 2 samples of \d+ tag\(s\) from 2026-11-20T00:00:00.000Z to 2026-11-21T00:00:00.000Z as csv \(long layout\)/);
    // Tag by tag (in registry order for a pattern), each in time order.
    assert.equal(readFileSync(out, 'utf8'), `ts,tag,value,quality\n2026-11-20T08:00:02.000Z,${RUNNING},true,good\n2026-11-20T08:00:00.000Z,${TEMP},70.5,good\n`);

    const fresh = loom(['import', out, '--data', join(dir, 'fresh')]);
    assert.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
    assert.match(fresh.stdout, /Imported 2 of 2 values .*\nRejected: none\./);
    const back = join(dir, 'back.csv');
    assert.equal(loom(['export', '--data', join(dir, 'fresh'), '--tags', `${RUNNING},${TEMP}`, '--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--out', back]).code, 0);
    assert.equal(readFileSync(back, 'utf8'), readFileSync(out, 'utf8'));

    const dry = loom(['import', file, '--data', join(dir, 'dry'), '--dry-run', '--rejects', join(dir, 'dry.rejects.csv')]);
    assert.equal(dry.code, 1);
    assert.match(dry.stdout, /^Would import 2 of 3 values[\s\S]*Dry run: nothing was written\./);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loom import refuses junk and wrong columns with exit 3 and writes nothing; usage errors exit 64', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-transfer-cli-'));
  try {
    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, Buffer.concat([Buffer.from('ts,tag,value\n'), randomBytes(2 * 1024 * 1024)]));
    const refused = loom(['import', junk, '--data', join(dir, 'data')]);
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /loom import: refused .*junk\.csv: line \d+: binary data .*\nNothing was imported\./);
    assert.ok(!existsSync(`${junk}.rejects.csv`));

    const columns = join(dir, 'columns.csv');
    writeFileSync(columns, 'time,machine,reading\n2026-11-20T08:00:00Z,press-1,5\n');
    const wrong = loom(['import', columns, '--data', join(dir, 'data')]);
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /columns\.csv: line 1 \(header\): column\(s\) 'machine' \(column 2\), 'reading' \(column 3\) are not tags/);

    assert.equal(loom(['import']).code, 64);
    const badFlag = loom(['import', columns, '--layout', 'diagonal']);
    assert.equal(badFlag.code, 64);
    assert.match(badFlag.stderr, /--layout 'diagonal' must be one of long, wide/);
    assert.match(loom(['export', '--tags', TEMP]).stderr, /needs --out/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('GET /api/v1/export through the app: error codes from the catalogue', async () => {
  const loomApp = await startTestLoom();
  try {
    const tag = loomApp.registry.upsert({ path: TEMP, asset: 'acme/berlin/machining/line-1/press-1', name: 'temperature', type: 'number' });
    await loomApp.historian.defineTags([tag]);
    const get = (query: string) => loomApp.api.inject({ method: 'GET', url: `/api/v1/export?${query}` });
    const tooLong = await get(`tag=${TEMP}&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`);
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json().error.code, 'LOOM_EXPORT_TOO_LARGE');
    const unknown = await get('tag=acme/nowhere');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().error.code, 'LOOM_UNKNOWN_TAG');
    const badFormat = await get(`tag=${TEMP}&format=xlsx`);
    assert.equal(badFormat.statusCode, 400);
    assert.equal(badFormat.json().error.code, 'LOOM_BAD_REQUEST');
    const badTime = await get(`tag=${TEMP}&from=soon`);
    assert.equal(badTime.json().error.code, 'LOOM_BAD_TIME');
    const ok = await get(`tag=${TEMP}`);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.body, 'ts,tag,value,quality\n');
  } finally {
    await loomApp.stop();
  }
});
