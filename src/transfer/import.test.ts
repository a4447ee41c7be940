// `importFile` against real files in a temp folder and a real DuckDB historian: the layouts, Parquet,
// idempotent re-import, and every kind of bad input the issue names (wrong columns, bad timestamps,
// mixed types, duplicated rows, binary junk), each refused as a whole or reported row by row.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { FileRefused, importFile, ImportStopped, loadMappingFile, type ImportOptions } from './index.js';
import { openTestStore, PRESSURE, PRODUCT, rawHistory, RUNNING, TEMP, type TestStore } from './testing.js';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const FROM = T0 - 86_400_000;
const TO = T0 + 86_400_000;

describe('importFile', () => {
  let store: TestStore;
  let n = 0;
  before(async () => {
    store = await openTestStore();
  });
  after(async () => {
    await store.close();
  });

  /** Writes a file into the temp folder; returns its path. */
  const file = (name: string, content: string | Buffer) => {
    const path = join(store.dir, `${++n}-${name}`);
    writeFileSync(path, content);
    return path;
  };
  const run = (options: ImportOptions) => importFile(store, options);
  const rows = async () => (await store.historian.stats()).rawRows;

  test('long CSV: every type, quality, ISO and epoch timestamps; re-importing changes nothing', async () => {
    const path = file(
      'long.csv',
      [
        'ts,tag,value,quality',
        `2026-11-20T08:00:00Z,${TEMP},71.5,good`,
        `2026-11-20T09:00:01+01:00,${TEMP},71.75,uncertain`,
        `${(T0 + 2000) / 1000},${TEMP},-3e2,`,
        `${T0 + 3000},${TEMP},72,bad`,
        `2026-11-20T08:00:00.250Z,${RUNNING},true,good`,
        `2026-11-20T08:00:00.500Z,${RUNNING},0,good`,
        `2026-11-20T08:00:00Z,${PRODUCT},"gear, 12"" ""A""",good`,
      ].join('\r\n'),
    );
    const first = await run({ file: path });
    assert.equal(first.layout, 'long');
    assert.deepEqual([first.rows, first.imported, first.rejected], [7, 7, 0]);
    assert.deepEqual(await rawHistory(store.historian, TEMP, FROM, TO), [
      [T0, 71.5, 'good'],
      [T0 + 1000, 71.75, 'uncertain'],
      [T0 + 2000, -300, 'good'],
      [T0 + 3000, 72, 'bad'],
    ]);
    assert.deepEqual(await rawHistory(store.historian, RUNNING, FROM, TO), [
      [T0 + 250, true, 'good'],
      [T0 + 500, false, 'good'],
    ]);
    assert.deepEqual(await rawHistory(store.historian, PRODUCT, FROM, TO), [[T0, 'gear, 12" "A"', 'good']]);

    const before = await rows();
    const again = await run({ file: path });
    assert.equal(again.imported, 7);
    assert.equal(await rows(), before, 'the same rows again add nothing');
    assert.deepEqual(await rawHistory(store.historian, TEMP, FROM, TO), [
      [T0, 71.5, 'good'],
      [T0 + 1000, 71.75, 'uncertain'],
      [T0 + 2000, -300, 'good'],
      [T0 + 3000, 72, 'bad'],
    ]);
  });

  test('wide CSV with a mapping file: semicolons, local time in a zone (across the DST change), empty cells', async () => {
    const mapping = file(
      'mapping.yaml',
      ['layout: wide', 'ts: Zeit', 'delimiter: ";"', 'timezone: Europe/Berlin', 'columns:', `  Druck: { tag: ${PRESSURE}, unit: bar }`, `  Temp: ${TEMP}`, 'ignore: [Bemerkung]'].join('\n'),
    );
    const path = file(
      'wide.csv',
      ['Zeit;Druck;Temp;Bemerkung', '2026-10-25 01:30:00;5.5;;ok', '2026-10-25 02:30:00;5.6;60;first 02:30 is summer time', '2026-10-25 04:00:00;;61;', '2026-07-01 12:00:00;4.0;;'].join('\n'),
    );
    const report = await run({ file: path, mapping: loadMappingFile(mapping) });
    assert.equal(report.layout, 'wide');
    assert.deepEqual([report.rows, report.values, report.imported, report.rejected], [4, 5, 5, 0]);
    assert.deepEqual(await rawHistory(store.historian, PRESSURE, Date.UTC(2026, 5, 1), Date.UTC(2026, 11, 1)), [
      [Date.UTC(2026, 6, 1, 10, 0), 4, 'good'],
      [Date.UTC(2026, 9, 24, 23, 30), 5.5, 'good'],
      [Date.UTC(2026, 9, 25, 0, 30), 5.6, 'good'],
    ]);
    assert.deepEqual(await rawHistory(store.historian, TEMP, Date.UTC(2026, 9, 25), Date.UTC(2026, 9, 26)), [
      [Date.UTC(2026, 9, 25, 0, 30), 60, 'good'],
      [Date.UTC(2026, 9, 25, 3, 0), 61, 'good'],
    ]);
  });

  test('Parquet written by DuckDB: instants, text values and a naive timestamp column read with --timezone', async () => {
    const path = join(store.dir, 'fixture.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT * FROM (VALUES
         (make_timestamptz(${(T0 + 10_000) * 1000}), '${TEMP}', 80.5, NULL, 'good'),
         (make_timestamptz(${(T0 + 11_000) * 1000}), '${TEMP}', 81.0, NULL, 'uncertain'),
         (make_timestamptz(${(T0 + 10_000) * 1000}), '${PRODUCT}', NULL, 'bolt', 'good'),
         (make_timestamptz(${(T0 + 12_000) * 1000}), '${PRODUCT}', NULL, '', 'good'),
         (make_timestamptz(${(T0 + 10_000) * 1000}), '${RUNNING}', 1.0, NULL, 'good')
       ) AS t(ts, tag, value, value_text, quality)) TO '${path}' (FORMAT parquet)`,
    );
    const naive = join(store.dir, 'naive.parquet');
    await connection.run(`COPY (SELECT TIMESTAMP '2026-11-20 09:00:20' AS "time", 90.0 AS "${PRESSURE}") TO '${naive}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();

    const report = await run({ file: path });
    assert.deepEqual([report.format, report.position, report.rows, report.imported, report.rejected], ['parquet', 'row', 5, 5, 0]);
    assert.deepEqual(await rawHistory(store.historian, TEMP, T0 + 10_000, T0 + 20_000), [
      [T0 + 10_000, 80.5, 'good'],
      [T0 + 11_000, 81, 'uncertain'],
    ]);
    assert.deepEqual(await rawHistory(store.historian, PRODUCT, T0 + 10_000, T0 + 20_000), [
      [T0 + 10_000, 'bolt', 'good'],
      [T0 + 12_000, '', 'good'],
    ], 'Parquet tells an empty text (kept) from no value');
    assert.deepEqual(await rawHistory(store.historian, RUNNING, T0 + 10_000, T0 + 20_000), [[T0 + 10_000, true, 'good']]);

    const withoutZone = await run({ file: naive, rejectsFile: null });
    assert.deepEqual([withoutZone.imported, withoutZone.byReason.bad_timestamp], [0, 1]);
    assert.match(withoutZone.firstRejects[0].detail, /'2026-11-20T09:00:20.000' has no time zone/);
    const inBerlin = await run({ file: naive, mapping: { timezone: 'Europe/Berlin' } });
    assert.deepEqual([inBerlin.layout, inBerlin.imported], ['wide', 1]);
    assert.deepEqual(await rawHistory(store.historian, PRESSURE, T0, T0 + 60_000), [[T0 + 20_000, 90, 'good']]);
  });

  test('dry run checks every row and writes nothing', async () => {
    const before = await rows();
    const path = file('dry.csv', `ts,tag,value\n2026-11-21T00:00:00Z,${TEMP},1\n2026-11-21T00:00:01Z,${TEMP},x\n`);
    const report = await run({ file: path, dryRun: true });
    assert.deepEqual([report.imported, report.rejected, report.byReason.wrong_type], [1, 1, 1]);
    assert.equal(await rows(), before);
  });

  test('wrong columns: the file is refused before anything is written, naming the file and the header line', async () => {
    const before = await rows();
    const noValue = file('no-value.csv', `ts,tag,reading\n2026-11-21T00:00:00Z,${TEMP},1\n`);
    await assert.rejects(run({ file: noValue }), (error: Error) => {
      assert.ok(error instanceof FileRefused);
      assert.match(error.message, /no-value\.csv: line 1 \(header\): column\(s\) 'tag' \(column 2\), 'reading' \(column 3\) are not tags/);
      return true;
    });
    const forcedLong = file('forced-long.csv', `ts,tag,reading\n2026-11-21T00:00:00Z,${TEMP},1\n`);
    await assert.rejects(run({ file: forcedLong, mapping: { layout: 'long' } }), /no column 'value' .*--value-column/);
    const noTs = file('no-ts.csv', `when,${TEMP}\n2026-11-21T00:00:00Z,1\n`);
    await assert.rejects(run({ file: noTs }), /no timestamp column .*'when'.*--ts-column/);
    const twice = file('twice.csv', `ts,${TEMP},${TEMP}\n2026-11-21T00:00:00Z,1,2\n`);
    await assert.rejects(run({ file: twice }), /names column '.*temperature' twice/);
    const badMap = file('bad-map.csv', `ts,a\n2026-11-21T00:00:00Z,1\n`);
    await assert.rejects(run({ file: badMap, mapping: { columns: { b: TEMP } } }), /the mapping names column 'b', which is not in the file \(the header has: 'ts', 'a'\)/);
    assert.equal(await rows(), before);
  });

  test('bad timestamps, mixed types, duplicated rows and ragged rows are rejected row by row with line and reason', async () => {
    const path = file(
      'bad-rows.csv',
      [
        'ts,tag,value,quality',
        `2026-11-22T00:00:00Z,${TEMP},10,good`, // line 2: fine
        `2026-11-22T00:00:00Z,${TEMP},11,good`, // 3: duplicate (tag, ts): the first is kept
        `2026-11-22T00:00:00Z,${TEMP},10,good`, // 4: exact duplicate
        `yesterday,${TEMP},12,good`, // 5: not a time
        `2026-11-22 00:00:05,${TEMP},12,good`, // 6: no zone, no --timezone
        `2026-02-30T00:00:00Z,${TEMP},12,good`, // 7: no such date
        `1200,${TEMP},12,good`, // 8: 1970: out of range
        `2026-11-22T00:00:06Z,${TEMP},warm,good`, // 9: text in a number tag
        `2026-11-22T00:00:07Z,${RUNNING},maybe,good`, // 10: not a boolean
        `2026-11-22T00:00:08Z,${TEMP},12,excellent`, // 11: quality
        `2026-11-22T00:00:09Z,${TEMP},,good`, // 12: no value
        `2026-11-22T00:00:10Z,acme/berlin/nowhere/x,1,good`, // 13: unknown tag
        `2026-11-22T00:00:11Z,${TEMP},13`, // 14: too few fields
        `2026-11-22T00:00:12Z,${TEMP},NaN,good`, // 15: cannot be stored
        `2026-11-22T00:00:13Z,${TEMP},14,good`, // 16: fine
      ].join('\n'),
    );
    const rejectsFile = join(store.dir, 'bad-rows.rejects.csv');
    const report = await run({ file: path, rejectsFile });
    assert.deepEqual([report.rows, report.imported, report.rejected], [15, 2, 13]);
    assert.deepEqual(report.byReason, {
      duplicate_row: 2,
      bad_timestamp: 4,
      wrong_type: 2,
      bad_quality: 1,
      missing_value: 1,
      unknown_tag: 1,
      column_count: 1,
      bad_value: 1,
    });
    assert.deepEqual(await rawHistory(store.historian, TEMP, Date.UTC(2026, 10, 22), Date.UTC(2026, 10, 23)), [
      [Date.UTC(2026, 10, 22), 10, 'good'],
      [Date.UTC(2026, 10, 22, 0, 0, 13), 14, 'good'],
    ]);
    assert.equal(report.rejectsFile, rejectsFile);
    const lines = readFileSync(rejectsFile, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'line,column,reason,detail,record');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',').slice(0, 3).join(',')),
      ['3,value,duplicate_row', '4,value,duplicate_row', '5,ts,bad_timestamp', '6,ts,bad_timestamp', '7,ts,bad_timestamp', '8,ts,bad_timestamp', '9,value,wrong_type', '10,value,wrong_type', '11,value,bad_quality', '12,value,missing_value', '13,value,unknown_tag', '14,,column_count', '15,value,bad_value'],
    );
    assert.match(lines[4], /has no time zone: add Z or an offset/);
    assert.match(lines[6], /1970-01-01T00:20:00.000Z, outside 1990–2200/);
    assert.match(lines[7], /"2026-11-22T00:00:06Z,acme\/berlin\/machining\/line-1\/press-1\/temperature,warm,good"$/);
  });

  test('mixed types in a created tag: the first value decides the type, later values of another type are rejected', async () => {
    const tag = 'acme/berlin/machining/line-1/press-1/new-sensor';
    const path = file('create.csv', `ts,tag,value\n2026-11-23T00:00:00Z,${tag},1.5\n2026-11-23T00:00:01Z,${tag},high\n2026-11-23T00:00:02Z,${tag},2\n2026-11-23T00:00:03Z,Not A Path,2\n`);
    const refusedWithout = await run({ file: path, rejectsFile: null });
    assert.deepEqual([refusedWithout.imported, refusedWithout.byReason.unknown_tag], [0, 4]);
    const report = await run({ file: path, createTags: true, rejectsFile: null });
    assert.deepEqual(report.createdTags, [{ path: tag, type: 'number' }]);
    assert.deepEqual([report.imported, report.byReason.wrong_type, report.byReason.unknown_tag], [2, 1, 1]);
    assert.deepEqual(await rawHistory(store.historian, tag, Date.UTC(2026, 10, 23), Date.UTC(2026, 10, 24)), [
      [Date.UTC(2026, 10, 23), 1.5, 'good'],
      [Date.UTC(2026, 10, 23, 0, 0, 2), 2, 'good'],
    ]);
  });

  test('a rejects file that cannot be written is reported, and the import still completes', async () => {
    const path = file('unwritable.csv', `ts,tag,value\n2026-11-24T01:00:00Z,${TEMP},1\n2026-11-24T01:00:01Z,${TEMP},x\n`);
    const report = await run({ file: path, rejectsFile: join(store.dir, 'no-such-folder', 'r.csv') });
    assert.deepEqual([report.imported, report.rejected, report.rejectsFile], [1, 1, undefined]);
    assert.match(report.rejectsError!, /no-such-folder\/r\.csv: ENOENT/);
  });

  test('a historian failure part-way stops the import saying which lines are stored; running it again completes it', async () => {
    const day = Date.UTC(2026, 10, 26);
    const lines = ['ts,tag,value'];
    for (let i = 0; i < 30_000; i++) lines.push(`${new Date(day + i * 1000).toISOString()},${TEMP},${i}`);
    const path = file('long-run.csv', `${lines.join('\n')}\n`);
    let writes = 0;
    // The real historian, except that its third write fails as a dropped connection would.
    const flaky = new Proxy(store.historian, {
      get(target, prop) {
        if (prop === 'write') return (samples: Parameters<typeof target.write>[0]) => (++writes === 3 ? Promise.reject(new Error('connection lost')) : target.write(samples));
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const stopped = await importFile({ registry: store.registry, historian: flaky }, { file: path, batchSize: 2_000, rejectsFile: null }).catch((error: Error) => error);
    assert.ok(stopped instanceof ImportStopped, String(stopped));
    const through = Number(/rows up to line (\d+) are stored/.exec(stopped.message)?.[1]);
    assert.match(stopped.message, /long-run\.csv stopped: connection lost; rows up to line \d+ are stored\. Running the import again is safe/);
    const stored = await rawHistory(store.historian, TEMP, day, day + 86_400_000);
    assert.ok(stored.length >= through - 1, `${stored.length} stored, the message says lines 2..${through}`);
    assert.ok(stored.length < 30_000);

    const again = await run({ file: path, rejectsFile: null });
    assert.deepEqual([again.imported, again.rejected], [30_000, 0]);
    assert.equal((await rawHistory(store.historian, TEMP, day, day + 86_400_000)).length, 30_000);
  });

  test('a unit column that disagrees with the tag is rejected rather than stored in the wrong unit', async () => {
    const path = file('units.csv', `ts,tag,value,unit\n2026-11-24T00:00:00Z,${PRESSURE},5,bar\n2026-11-24T00:00:01Z,${PRESSURE},500,kPa\n`);
    const report = await run({ file: path, rejectsFile: null });
    assert.deepEqual([report.imported, report.byReason.wrong_unit], [1, 1]);
    assert.match(report.firstRejects[0].detail, /in kPa but the tag is in bar/);
  });

  test('random binary junk of a few MB is refused at once, naming the file and line; nothing is written', async () => {
    const before = await rows();
    const junk = randomBytes(4 * 1024 * 1024);
    junk[100] = 0; // random bytes hold NULs anyway; this one makes the place certain
    const path = file('junk.csv', junk);
    await assert.rejects(run({ file: path }), (error: Error) => {
      assert.ok(error instanceof FileRefused);
      assert.match(error.message, /junk\.csv: line \d+: binary data \(a NUL byte at byte \d+\): this is not a CSV text file/);
      return true;
    });
    const gz = file('data.csv', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await assert.rejects(run({ file: gz }), /gzip-compressed/);
    const empty = file('empty.csv', '');
    await assert.rejects(run({ file: empty }), /the file is empty/);
    await assert.rejects(run({ file: join(store.dir, 'missing.csv') }), /missing\.csv: cannot be read \(ENOENT\)/);
    assert.equal(await rows(), before);
  });

  test('a header over thousands of junk lines is refused before writing; junk after good rows is reported row by row', async () => {
    const before = await rows();
    const noise = Array.from({ length: 3_000 }, (_, i) => `${randomBytes(12).toString('base64')},${i},??`).join('\n');
    const allJunk = file('all-junk.csv', `ts,tag,value\n${noise}\n`);
    await assert.rejects(run({ file: allJunk, rejectsFile: null }), (error: Error) => {
      assert.ok(error instanceof FileRefused);
      assert.match(error.message, /none of the first \d+ rows is a valid sample.*first problem, line 2: bad_timestamp/);
      return true;
    });
    assert.equal(await rows(), before);

    const mixed = file('good-then-junk.csv', `ts,tag,value\n2026-11-25T00:00:00Z,${TEMP},1\n2026-11-25T00:00:01Z,${TEMP},2\n${noise}\n"unterminated,${TEMP},3\n`);
    const report = await run({ file: mixed, rejectsFile: null });
    assert.equal(report.imported, 2);
    assert.equal(report.rows, 2 + 3_000 + 1);
    assert.equal(report.rejected, 3_001);
    assert.equal(report.byReason.malformed_row, 1, 'the unterminated quote at the end');
  });
});
