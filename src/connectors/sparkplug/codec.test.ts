// The codec: golden cases (testdata/golden/*.json, one loop), interop with Eclipse Tahu's
// `sparkplug-payload` both ways, every datatype round trip, topics and the naming rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodePayload, encodePayload, type SparkplugMetric } from './codec.js';
import { DataTypes, dataTypeName } from './datatypes.js';
import { AssetMapper, metricPath, sanitizeSegment } from './naming.js';
import { parseTopic } from './topic.js';

const require = createRequire(import.meta.url);
// Eclipse Tahu's JavaScript encoder (dev dependency, interop only).
const tahu = (require('sparkplug-payload') as { get(ns: string): { encodePayload(p: unknown): Uint8Array; decodePayload(b: Uint8Array): { timestamp?: unknown; seq?: unknown; metrics: Array<Record<string, unknown>> } } }).get('spBv1.0');

const GOLDEN = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata/golden');

/** JSON form of a decoded payload: bytes as {"$bytes": base64}. */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

describe('codec golden cases (testdata/golden)', () => {
  const files = readdirSync(GOLDEN).filter((f) => f.endsWith('.json')).sort();
  test('the folder holds decode and error cases', () => {
    assert.ok(files.length >= 8, `${files.length} cases`);
    assert.ok(files.some((f) => f.startsWith('error-')));
  });
  for (const file of files) {
    const golden = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')) as { description: string; payloadHex: string; expected?: unknown; expectedError?: string };
    test(`${file}: ${golden.description}`, () => {
      const bytes = Buffer.from(golden.payloadHex, 'hex');
      if (golden.expectedError) {
        assert.throws(() => decodePayload(bytes), new RegExp(golden.expectedError));
        return;
      }
      const decoded = decodePayload(bytes);
      assert.deepEqual(toJson(decoded), golden.expected);
      // Our encoding of what we decoded decodes to the same.
      assert.deepEqual(toJson(decodePayload(encodePayload(decoded))), golden.expected);
    });
  }
});

describe('interop with Eclipse Tahu sparkplug-payload 1.0.3', () => {
  const T = Date.UTC(2026, 0, 5);
  test('Tahu encodes -> our decoder reads every scalar type, DataSet, Template and properties', () => {
    const bytes = tahu.encodePayload({
      timestamp: T,
      seq: 7,
      metrics: [
        { name: 'i8', alias: 1, type: 'Int8', value: -128 },
        { name: 'i32', type: 'Int32', value: 2147483647 },
        { name: 'u16', type: 'UInt16', value: 65535 },
        { name: 'u32', type: 'UInt32', value: 4294967295 },
        { name: 'i64', type: 'Int64', value: -42 },
        { name: 'f', type: 'Float', value: 0.1 },
        { name: 'b', type: 'Boolean', value: true },
        { name: 'dt', type: 'DateTime', value: T },
        { name: 'ds', type: 'DataSet', value: { numOfColumns: 1, columns: ['x'], types: ['String'], rows: [['a'], ['b']] } },
        { name: 't', type: 'Template', value: { templateRef: 'T', isDefinition: false, metrics: [{ name: 'm', type: 'Int16', value: -7 }] } },
        { name: 'p', type: 'Double', value: 1.5, properties: { engUnit: { type: 'String', value: 'bar' } } },
      ],
    });
    const p = decodePayload(bytes);
    assert.equal(p.timestamp, T);
    assert.equal(p.seq, 7);
    assert.deepEqual(
      p.metrics.map((m) => [m.name, dataTypeName(m.datatype ?? 0), m.value]),
      [
        ['i8', 'Int8', -128],
        ['i32', 'Int32', 2147483647],
        ['u16', 'UInt16', 65535],
        ['u32', 'UInt32', 4294967295],
        ['i64', 'Int64', -42],
        ['f', 'Float', 0.1],
        ['b', 'Boolean', true],
        ['dt', 'DateTime', T],
        ['ds', 'DataSet', { columns: ['x'], types: [DataTypes.String], rows: [['a'], ['b']] }],
        ['t', 'Template', { templateRef: 'T', isDefinition: false, metrics: [{ name: 'm', datatype: DataTypes.Int16, value: -7 }] }],
        ['p', 'Double', 1.5],
      ],
    );
    assert.equal(p.metrics[0].alias, 1);
    assert.deepEqual(p.metrics[10].properties, { engUnit: { type: DataTypes.String, value: 'bar' } });
  });

  test('our encoder -> Tahu decodes the same values (UInt32 excepted: Tahu 1.0 reads it from long_value, the 3.0 spec puts it in int_value)', () => {
    const metrics: SparkplugMetric[] = [
      { name: 'bdSeq', datatype: DataTypes.UInt64, value: 255 },
      { name: 'i8', alias: 2, datatype: DataTypes.Int8, value: -1 },
      { name: 'i16', datatype: DataTypes.Int16, value: -32768 },
      { name: 'u8', datatype: DataTypes.UInt8, value: 255 },
      { name: 'i64', datatype: DataTypes.Int64, value: -5 },
      { name: 'd', datatype: DataTypes.Double, value: -0.25 },
      { name: 's', datatype: DataTypes.String, value: 'ünïcode' },
      { name: 'dt', datatype: DataTypes.DateTime, value: T },
      { name: 'bytes', datatype: DataTypes.Bytes, value: Uint8Array.from([1, 2, 3]) },
      { name: 'ds', datatype: DataTypes.DataSet, value: { columns: ['n', 'ok'], types: [DataTypes.Int64, DataTypes.Boolean], rows: [[3, true]] } }, // Tahu 1.0 reads no Int8-Int32 DataSet cells
      { name: 'null', datatype: DataTypes.Double, value: null },
      { name: 'tmpl', datatype: DataTypes.Template, value: { templateRef: 'Motor', metrics: [{ name: 'rpm', datatype: DataTypes.Double, value: 99 }] } },
    ];
    const decoded = tahu.decodePayload(encodePayload({ timestamp: T, seq: 3, metrics }));
    const plain = (v: unknown): unknown => (v && typeof v === 'object' && 'toNumber' in v ? (v as { toNumber(): number }).toNumber() : v);
    assert.equal(plain(decoded.timestamp), T);
    assert.equal(plain(decoded.seq), 3);
    const byName = new Map(decoded.metrics.map((m) => [m.name as string, m]));
    // Tahu 1.0 returns Int64 as an unsigned Long here: read its two's complement.
    assert.equal(Number(BigInt.asIntN(64, BigInt(String(byName.get('i64')?.value)))), -5);
    for (const name of ['bdSeq', 'i8', 'i16', 'u8', 'd', 's', 'dt']) {
      assert.equal(plain(byName.get(name)?.value), metrics.find((m) => m.name === name)?.value, name);
    }
    assert.equal(plain(byName.get('i8')?.alias), 2);
    assert.deepEqual([...(byName.get('bytes')?.value as Uint8Array)], [1, 2, 3]);
    const ds = byName.get('ds')?.value as { columns: string[]; types: string[]; rows: unknown[][] };
    assert.deepEqual([ds.columns, ds.types, ds.rows.map((r) => r.map(plain))], [['n', 'ok'], ['Int64', 'Boolean'], [[3, true]]]);
    assert.equal(byName.get('null')?.value, null);
    const tmpl = byName.get('tmpl')?.value as { templateRef: string; metrics: Array<{ name: string; value: number }> };
    assert.deepEqual([tmpl.templateRef, tmpl.metrics[0].name, tmpl.metrics[0].value], ['Motor', 'rpm', 99]);
  });
});

describe('every datatype round trips through our codec', () => {
  const samples: Array<[number, unknown]> = [
    [DataTypes.Int8, -128], [DataTypes.Int16, 32767], [DataTypes.Int32, -2147483648], [DataTypes.Int64, '-9223372036854775808'],
    [DataTypes.UInt8, 255], [DataTypes.UInt16, 0], [DataTypes.UInt32, 4294967295], [DataTypes.UInt64, '18446744073709551615'],
    [DataTypes.Float, 3.25], [DataTypes.Double, Number.MAX_VALUE], [DataTypes.Boolean, false], [DataTypes.String, ''],
    [DataTypes.DateTime, 1767600000123], [DataTypes.Text, 'text'], [DataTypes.UUID, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
    [DataTypes.DataSet, { columns: [], types: [], rows: [] }], [DataTypes.Bytes, Uint8Array.from([9])], [DataTypes.File, Uint8Array.from([])],
    [DataTypes.Template, { version: '2', isDefinition: true, metrics: [], parameters: [{ name: 'p', type: DataTypes.String, value: 'v' }] }],
    [DataTypes.Int8Array, [-1, 127]], [DataTypes.Int16Array, [-300]], [DataTypes.Int32Array, [70000, -1]], [DataTypes.Int64Array, [-1, '9223372036854775807']],
    [DataTypes.UInt8Array, [0, 255]], [DataTypes.UInt16Array, [65535]], [DataTypes.UInt32Array, [4294967295]], [DataTypes.UInt64Array, [0, 2 ** 53 - 1]],
    [DataTypes.FloatArray, [1.5, -2]], [DataTypes.DoubleArray, [Math.PI]], [DataTypes.BooleanArray, [true, true, false, false, true, false, true, true, true]],
    [DataTypes.StringArray, ['a', '', 'ç']], [DataTypes.DateTimeArray, [1767600000123, 0]],
  ];
  for (const [datatype, value] of samples) {
    test(`${dataTypeName(datatype)} (${datatype})`, () => {
      const [m] = decodePayload(encodePayload({ metrics: [{ name: 'x', datatype, value: value as SparkplugMetric['value'] }] })).metrics;
      assert.equal(m.datatype, datatype);
      assert.deepEqual(m.value, value);
    });
  }
  test('PropertySet and PropertySetList travel as property values (20, 21)', () => {
    const properties = { set: { type: DataTypes.PropertySet, value: { k: { type: DataTypes.Int64, value: -2 } } }, list: { type: DataTypes.PropertySetList, value: [{ a: { type: DataTypes.Boolean, value: true } }] } };
    const [m] = decodePayload(encodePayload({ metrics: [{ name: 'x', datatype: DataTypes.Int32, value: 1, properties }] })).metrics;
    assert.deepEqual(m.properties, properties);
  });
  test('a value that does not fit its datatype is refused when encoding', () => {
    assert.throws(() => encodePayload({ metrics: [{ name: 'x', datatype: DataTypes.Int32, value: 'nope' }] }), /Int32 needs an integer/);
    assert.throws(() => encodePayload({ metrics: [{ name: 'x', datatype: DataTypes.PropertySet, value: 1 }] }), /cannot carry a value/);
  });
});

describe('topics', () => {
  const cases: Array<[string, unknown]> = [
    ['spBv1.0/plant/NBIRTH/line-1', { kind: 'node', type: 'NBIRTH', group: 'plant', node: 'line-1' }],
    ['spBv1.0/plant/DDATA/line-1/press 1', { kind: 'device', type: 'DDATA', group: 'plant', node: 'line-1', device: 'press 1' }],
    ['spBv1.0/STATE/loom', { kind: 'state', hostId: 'loom' }],
    ['spBv1.0/plant/NDATA/line-1/press-1', 'bad_topic'], // device forbidden on N*
    ['spBv1.0/plant/DDATA/line-1', 'bad_topic'], // device required on D*
    ['spBv1.0/STATE/loom/extra', 'bad_topic'],
    ['spBv1.0/plant/XDATA/line-1', 'bad_topic'],
    ['spAv1.0/plant/NDATA/line-1', 'bad_topic'],
    ['spBv1.0/plant/NDATA/line+1', 'bad_id'],
    ['spBv1.0/pl#nt/NDATA/line-1', 'bad_id'],
    ['spBv1.0//NDATA/line-1', 'bad_id'],
    ['spBv1.0/plant/NDATA/\uFFFDline', 'bad_id'], // invalid UTF-8 arrives as U+FFFD
    ['spBv1.0/plant/NDATA/\uD800', 'bad_id'],
  ];
  for (const [topic, expected] of cases) {
    test(`${JSON.stringify(topic)} -> ${typeof expected === 'string' ? expected : 'ok'}`, () => {
      const parsed = parseTopic(topic);
      if (typeof expected === 'string') assert.equal((parsed as { error: string }).error, expected);
      else assert.deepEqual(parsed, expected);
    });
  }
});

describe('naming: ids and metric names to paths', () => {
  test('the sanitising rule', () => {
    assert.equal(sanitizeSegment('Node Control'), 'node_control');
    assert.equal(sanitizeSegment('Füllstand (%)'), 'fullstand');
    assert.equal(sanitizeSegment('--Temp__A  '), 'temp__a');
    assert.equal(sanitizeSegment('!!!'), 'unnamed');
    assert.equal(metricPath('Node Control/Rebirth'), 'node_control/rebirth');
    assert.equal(metricPath('/Motor 1//Temp (°C)'), 'motor_1/temp_c');
  });
  test('mappings: device > node > group > <root>/<group>/<node>/<device>', () => {
    const mapper = new AssetMapper('acme/sp', [
      { group: 'G', asset: 'acme/g' },
      { group: 'G', node: 'N1', asset: 'acme/berlin/line-1' },
      { group: 'G', node: 'N1', device: 'D9', asset: 'acme/berlin/special' },
    ]);
    assert.equal(mapper.assetFor('G', 'N1', 'D9'), 'acme/berlin/special');
    assert.equal(mapper.assetFor('G', 'N1', 'Press 2'), 'acme/berlin/line-1/press_2');
    assert.equal(mapper.assetFor('G', 'N1'), 'acme/berlin/line-1');
    assert.equal(mapper.assetFor('G', 'N2', 'd'), 'acme/g/n2/d');
    assert.equal(mapper.assetFor('Other Group', 'N:1'), 'acme/sp/other_group/n_1');
  });
});
