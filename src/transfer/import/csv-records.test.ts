import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvParser, type CsvRecord } from './csv-records.js';

/** Parses `text` handed over in pieces of `size` characters. */
function parse(text: string, size = text.length, options = {}): CsvRecord[] {
  const parser = new CsvParser(options);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), out);
  parser.end(out);
  return out;
}

const SAMPLE = 'ts,tag,value\r\n1,a/b,"x, ""y"""\n2,a/b,"two\nlines"\n3,a/b,\n"4",a/b,plain"quote\n5,a/b,last';

test('RFC 4180: quotes, doubled quotes, a delimiter and a newline inside quotes, CRLF, empty fields, no final newline', () => {
  assert.deepEqual(parse(SAMPLE), [
    { line: 1, fields: ['ts', 'tag', 'value'] },
    { line: 2, fields: ['1', 'a/b', 'x, "y"'] },
    { line: 3, fields: ['2', 'a/b', 'two\nlines'] },
    { line: 5, fields: ['3', 'a/b', ''] },
    { line: 6, fields: ['4', 'a/b', 'plain"quote'] },
    { line: 7, fields: ['5', 'a/b', 'last'] },
  ]);
});

test('the same records whatever the chunk boundaries (down to one character at a time)', () => {
  const whole = parse(SAMPLE);
  for (const size of [1, 2, 3, 5, 7, 11]) assert.deepEqual(parse(SAMPLE, size), whole, `chunks of ${size}`);
});

test('another delimiter', () => {
  assert.deepEqual(parse('a;b\n"1;2";3\n', undefined, { delimiter: ';' }), [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['1;2', '3'] },
  ]);
  assert.throws(() => new CsvParser({ delimiter: '"' }), /delimiter/);
});

test('an unterminated quote at the end is reported at the line it starts on', () => {
  const records = parse('a,b\n1,"open\n2,3\n');
  assert.deepEqual(records[0], { line: 1, fields: ['a', 'b'] });
  assert.equal(records[1].line, 2);
  assert.match(records[1].problem!, /unterminated quote/);
  assert.equal(records.length, 2);
});

test('an overlong record is reported and skipped to the next line; memory stays bounded', () => {
  const long = 'x'.repeat(5_000);
  const records = parse(`a,b\n${long}\n1,2\n"${long}\n3,4\n`, 512, { maxRecordChars: 1_000 });
  assert.deepEqual(records[0], { line: 1, fields: ['a', 'b'] });
  assert.equal(records[1].line, 2);
  assert.match(records[1].problem!, /longer than 1000 characters/);
  assert.deepEqual(records[2], { line: 3, fields: ['1', '2'] });
  assert.equal(records[3].line, 4);
  assert.match(records[3].problem!, /longer than 1000/);
  assert.deepEqual(records[4], { line: 5, fields: ['3', '4'] });

  const multiLine = parse(`a\n"${'y\n'.repeat(800)}\nz\n`, 256, { maxRecordChars: 1_000 });
  assert.match(multiLine[1].problem!, /longer than 1000/);
  assert.deepEqual(multiLine.at(-1), { line: 2 + 801, fields: ['z'] }, 'lines inside the skipped record are still counted');
});
