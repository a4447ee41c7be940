// `loom import` and `loom export` as a user runs them (bin/loom.js in a child process, a real data
// folder), GET /api/v1/export and POST /api/v1/import through the whole app (a running Loom on an
// ephemeral port): exit codes, the printed report, error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemoConfig } from '../src/model/index.js';
import { eventually, startTestLoom } from './helpers.js';

const LOOM = new URL('../bin/loom.js', import.meta.url).pathname;
const TEMP = 'acme/berlin/machining/line-1/press-1/temperature';
const RUNNING = 'acme/berlin/machining/line-1/press-1/running';

function loom(args: string[]) {
  const result = spawnSync(process.execPath, [LOOM, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** As `loom`, without blocking this process: a Loom running in it must answer the child's requests. */
function loomAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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

type TestLoom = Awaited<ReturnType<typeof startTestLoom>>;

/** The two tags the files below use, as the demo plant declares them (startTestLoom runs no simulator). */
async function declareTags(running: TestLoom): Promise<void> {
  const asset = 'acme/berlin/machining/line-1/press-1';
  const temp = running.registry.upsert({ path: TEMP, asset, name: 'temperature', type: 'number', unit: 'degC' });
  const on = running.registry.upsert({ path: RUNNING, asset, name: 'running', type: 'boolean' });
  await running.historian.defineTags([temp, on]);
}

/** Runs `body` with a running Loom that knows the two tags, and a temp folder; both are removed afterwards. */
async function withRunningLoom(body: (running: TestLoom, dir: string) => Promise<void>, options: Parameters<typeof startTestLoom>[0] = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'loom-transfer-cli-'));
  const running = await startTestLoom(options);
  try {
    await declareTags(running);
    await body(running, dir);
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function history(running: TestLoom, tag: string) {
  const response = await fetch(`${running.url}/api/v1/history?tag=${tag}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { points: Array<{ ts: number; value: unknown; quality: string }> }).points;
}

function postImport(running: TestLoom, query: string, body: string | Buffer, type = 'text/csv') {
  return fetch(`${running.url}/api/v1/import?${query}`, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

/** The report without its timing, which differs from run to run. */
const untimed = (text: string) => text.replace(/ in [\d.]+ s: [\d.,]+[kM]? rows\/s\./, ' in T s.');

// Rows for each reject reason that does not depend on the tag's unit, plus two good ones.
const MIXED_FILE = [
  'ts,tag,value,quality',
  `2026-11-20T08:00:00Z,${TEMP},70.5,good`,
  `2026-11-20T08:00:01Z,${TEMP},oops,good`,
  `yesterday,${TEMP},1,good`,
  `2026-11-20T08:00:03Z,acme/nowhere/x,1,good`,
  `2026-11-20T08:00:04Z,${TEMP},2,excellent`,
  `2026-11-20T08:00:00Z,${TEMP},99,good`,
  `2026-11-20T08:00:05Z,${TEMP},1`,
  `2026-11-20T08:00:06Z,${RUNNING},true,good`,
].join('\n');

test('POST /api/v1/import: a running Loom imports CSV (streamed) and Parquet, queryable at once, idempotent', async () => {
  await withRunningLoom(async (running) => {
    const csv = ['ts,tag,value', `2026-11-20T08:00:00Z,${TEMP},70.5`, `2026-11-20T08:00:01Z,${TEMP},71.25`, `2026-11-20T08:00:02Z,${RUNNING},true`].join('\n');
    const first = await postImport(running, 'name=history.csv', csv);
    assert.equal(first.status, 200);
    const report = await first.json();
    assert.deepEqual(
      { file: report.file, format: report.format, layout: report.layout, rows: report.rows, imported: report.imported, rejected: report.rejected, rejects: report.rejects },
      { file: 'history.csv', format: 'csv', layout: 'long', rows: 3, imported: 3, rejected: 0, rejects: [] },
    );
    const stored = await history(running, TEMP);
    assert.deepEqual(
      stored.map((p) => [new Date(p.ts).toISOString(), p.value, p.quality]),
      [
        ['2026-11-20T08:00:00.000Z', 70.5, 'good'],
        ['2026-11-20T08:00:01.000Z', 71.25, 'good'],
      ],
    );

    // Again: same report, nothing changes (one value per tag and time), no correction recorded.
    const again = await (await postImport(running, 'name=history.csv', csv)).json();
    assert.equal(again.imported, 3);
    assert.deepEqual(await history(running, TEMP), stored);
    assert.deepEqual((await history(running, RUNNING)).map((p) => p.value), [true]);

    // Parquet (as GET /api/v1/export writes it) is spooled in the data folder and the copy removed.
    const parquet = Buffer.from(await (await fetch(`${running.url}/api/v1/export?tag=${TEMP}&from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z&format=parquet`)).arrayBuffer());
    const fromParquet = await postImport(running, 'name=day.parquet', parquet, 'application/vnd.apache.parquet');
    assert.equal(fromParquet.status, 200);
    assert.deepEqual(await fromParquet.json().then((r) => [r.format, r.rows, r.imported, r.rejected, r.position]), ['parquet', 2, 2, 0, 'row']);
    assert.deepEqual(readdirSync(running.dataDir).filter((name) => name.startsWith('import-upload-')), []);
    assert.deepEqual(await history(running, TEMP), stored);

    // Rejects come back with their line and the row as read; the mapping may be given as JSON.
    const wide = await postImport(running, `name=wide.csv&mapping=${encodeURIComponent(JSON.stringify({ ts: 'Zeit', columns: { Temp: TEMP } }))}`, 'Zeit,Temp\n2026-11-20T09:00:00Z,80\n2026-11-20T09:00:01Z,hot\n');
    const wideReport = await wide.json();
    assert.deepEqual([wideReport.layout, wideReport.imported, wideReport.byReason], ['wide', 1, { wrong_type: 1 }]);
    assert.deepEqual(wideReport.rejects.map((r: { line: number; column: string; record: string }) => [r.line, r.column, r.record]), [[3, 'Temp', '2026-11-20T09:00:01Z,hot']]);

    const junk = await postImport(running, 'name=junk.csv', Buffer.concat([Buffer.from('ts,tag,value\n'), Buffer.alloc(64, 0)]));
    assert.equal(junk.status, 400);
    const refused = (await junk.json()).error;
    assert.equal(refused.code, 'LOOM_IMPORT_REFUSED');
    assert.match(refused.message, /^refused junk\.csv: line 2: binary data/);
    // What `curl --data-binary @file.csv` sends without a -H 'content-type': still a CSV import.
    const curlDefault = await postImport(running, 'name=curl.csv', csv, 'application/x-www-form-urlencoded');
    assert.equal(curlDefault.status, 200);
    assert.deepEqual(await curlDefault.json().then((r) => [r.format, r.imported]), ['csv', 3]);
    const badMapping = await postImport(running, 'mapping=%7Bnope', csv);
    assert.equal((await badMapping.json()).error.code, 'LOOM_BAD_REQUEST');
  });
});

test('loom import --url sends the file to a running Loom: the same report, rejects file and exit codes as a local import', async () => {
  await withRunningLoom(async (running, dir) => {
    const file = join(dir, 'mixed.csv');
    writeFileSync(file, MIXED_FILE);
    const local = await loomAsync(['import', file, '--data', join(dir, 'local')]);
    assert.equal(local.code, 1, local.stderr);
    const localRejects = readFileSync(`${file}.rejects.csv`, 'utf8');
    rmSync(`${file}.rejects.csv`);

    const remote = await loomAsync(['import', file, '--url', running.url]);
    assert.equal(remote.code, 1, remote.stderr);
    assert.equal(untimed(remote.stdout), untimed(local.stdout));
    assert.match(remote.stdout, /Rejected: 6 \(not stored; everything else is\):/);
    assert.equal(readFileSync(`${file}.rejects.csv`, 'utf8'), localRejects);
    assert.match(remote.stderr, /Sending .*mixed\.csv to http:\/\/127\.0\.0\.1:\d+ \[#+\] 100\.0%/);
    assert.deepEqual((await history(running, TEMP)).map((p) => p.value), [70.5]);
    assert.deepEqual((await history(running, RUNNING)).map((p) => p.value), [true]);

    const junk = join(dir, 'junk.csv');
    writeFileSync(junk, Buffer.concat([Buffer.from('ts,tag,value\n'), randomBytes(256 * 1024)]));
    const localJunk = await loomAsync(['import', junk, '--data', join(dir, 'local')]);
    const remoteJunk = await loomAsync(['import', junk, '--url', running.url]);
    assert.equal(remoteJunk.code, 3);
    assert.equal(remoteJunk.stderr.split('\n').slice(-3).join('\n'), localJunk.stderr.split('\n').slice(-3).join('\n'));
    assert.match(remoteJunk.stderr, /loom import: refused .*junk\.csv: line \d+: binary data .*\nNothing was imported\./);
    // The unread rest of the refused body is discarded, so its connection ends instead of hanging, paused,
    // until the keep-alive timeout (idle ones, such as this test's own, are closed here to tell them apart).
    const openConnections = () => {
      running.api.server.closeIdleConnections();
      return new Promise<boolean>((resolve) => running.api.server.getConnections((_error, n) => resolve(n === 0)));
    };
    await eventually(openConnections, 10_000, 'the upload connection to close');

    const wrongPlace = await loomAsync(['import', file, '--url', running.url, '--data', dir]);
    assert.equal(wrongPlace.code, 64);
    const nobody = await loomAsync(['import', file, '--url', 'http://127.0.0.1:9']);
    assert.equal(nobody.code, 1);
    assert.match(nobody.stderr, /\nloom import: cannot send .*mixed\.csv to Loom at http:\/\/127\.0\.0\.1:9: ECONNREFUSED \(is Loom running there\? check --url\)\n$/);
    assert.doesNotMatch(nobody.stderr, / {4}at /, 'a message, not a stack trace');
  });
});

test('loom import on the data folder of a running Loom imports through its API; without server.json it names --url', async () => {
  await withRunningLoom(async (running, dir) => {
    const file = join(dir, 'history.csv');
    writeFileSync(file, ['ts,tag,value', `2026-11-20T08:00:00Z,${TEMP},70.5`, `2026-11-20T08:00:02Z,${RUNNING},false`].join('\n'));
    const server = JSON.parse(readFileSync(join(running.dataDir, 'server.json'), 'utf8'));
    assert.deepEqual([server.url, server.pid], [running.url, process.pid]);

    const through = await loomAsync(['import', file, '--data', running.dataDir]);
    assert.equal(through.code, 0, through.stderr);
    assert.match(through.stderr, new RegExp(`The data folder .* is in use by the Loom running at ${running.url} \\(PID ${process.pid}\\); importing through its API`));
    assert.match(through.stdout, /^Imported 2 of 2 values from 2 rows of .*history\.csv/);
    assert.deepEqual((await history(running, RUNNING)).map((p) => p.value), [false]);

    unlinkSync(join(running.dataDir, 'server.json'));
    const busy = await loomAsync(['import', file, '--data', running.dataDir]);
    assert.equal(busy.code, 75);
    assert.match(busy.stderr, /the data folder .* is in use by another process, most likely a running Loom.*\nImport through that Loom with --url/);
    await running.close();
    assert.ok(!existsSync(join(running.dataDir, 'server.json')), 'a stopped Loom removes its server.json');
  });
});

test('POST /api/v1/import refuses a body over import.maxUploadBytes with 413, with or without Content-Length, and stores nothing', async () => {
  const loaded = loadDemoConfig();
  loaded.config.import.maxUploadBytes = 1_000;
  await withRunningLoom(async (running, dir) => {
    const rows = ['ts,tag,value'];
    for (let i = 0; i < 100; i++) rows.push(`2026-11-20T08:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,${TEMP},${i}`);
    const big = rows.join('\n');
    assert.ok(big.length > 4_000);

    const sized = await postImport(running, 'name=big.csv', big);
    assert.equal(sized.status, 413);
    const error = (await sized.json()).error;
    assert.equal(error.code, 'LOOM_UPLOAD_TOO_LARGE');
    assert.match(error.message, /^the file is [\d,]+ bytes; this Loom takes at most 1,000 per import \(import\.maxUploadBytes\)$/);

    // Sent in chunks without a length: cut off when the count passes the limit.
    const encoder = new TextEncoder();
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 500) controller.enqueue(encoder.encode(big.slice(i, i + 500)));
        controller.close();
      },
    });
    const streamed = await fetch(`${running.url}/api/v1/import?name=big.csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: chunked, duplex: 'half' } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.match((await streamed.json()).error.message, /^the file is larger than 1,000 bytes/);

    const file = join(dir, 'big.csv');
    writeFileSync(file, big);
    const cli = await loomAsync(['import', file, '--url', running.url]);
    assert.equal(cli.code, 3);
    assert.match(cli.stderr, /loom import: the file is [\d,]+ bytes; this Loom takes at most 1,000 per import.*\nNothing was imported\./);

    assert.deepEqual(await history(running, TEMP), []);

    const small = await postImport(running, 'name=small.csv', rows.slice(0, 3).join('\n'));
    assert.equal(small.status, 200);
    assert.equal((await history(running, TEMP)).length, 2);
  }, { loaded });
});
