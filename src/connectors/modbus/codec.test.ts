// Decoding golden cases (testcases/<case>/config.yaml + input.json -> expected.json) and codec properties.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { decode, encode, widthOf, type ValueSpec } from './codec.js';
import { modbusRegisterSchema, MODBUS_TYPES } from './config.js';

const CASES = join(import.meta.dirname, 'testcases');

describe('modbus decoding: golden cases', () => {
  const cases = readdirSync(CASES).sort();
  it('has cases to run', () => assert.ok(cases.length >= 15, `only ${cases.length} cases in ${CASES}`));
  for (const name of cases) {
    it(name, () => {
      const config = parse(readFileSync(join(CASES, name, 'config.yaml'), 'utf8'));
      const input: number[] = JSON.parse(readFileSync(join(CASES, name, 'input.json'), 'utf8'));
      const expected: { value?: unknown; error?: string; configError?: string } = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8'));
      const parsed = modbusRegisterSchema.safeParse({ tag: `test/${name}`, ...config });
      if (expected.configError !== undefined) {
        assert.equal(parsed.success, false, 'the config should be refused');
        assert.match(parsed.error!.issues.map((i) => i.message).join('; '), new RegExp(expected.configError));
        return;
      }
      assert.ok(parsed.success, parsed.error?.message);
      const register = parsed.data;
      if (expected.error !== undefined) {
        assert.throws(() => decode(input, register), { message: expected.error });
        return;
      }
      assert.deepEqual(decode(input, register), expected.value);
      // Encoding the decoded value gives the registers back (strings: up to their padding).
      if (typeof expected.value !== 'string' && register.offset === 0) assert.deepEqual(encode(expected.value as number, register), input);
    });
  }
});

type NumericType = Exclude<(typeof MODBUS_TYPES)[number], 'bool' | 'string'>;
const order = fc.constantFrom('big' as const, 'little' as const);

describe('modbus codec properties', () => {
  it('integers round-trip through every word and byte order', () => {
    const ranges = { int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647], uint32: [0, 4294967295] } as const;
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(ranges) as Array<keyof typeof ranges>)), order, order, fc.double({ min: 0, max: 1, noNaN: true }), (type, wordOrder, byteOrder, f) => {
        const [lo, hi] = ranges[type];
        const value = Math.round(lo + f * (hi - lo));
        const spec: ValueSpec = { type, wordOrder, byteOrder, scale: 1, offset: 0 };
        const words = encode(value, spec);
        assert.equal(words.length, widthOf(spec));
        assert.ok(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff));
        assert.equal(decode(words, spec), value);
      }),
    );
  });

  it('float64 round-trips exactly and float32 to the nearest float32', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -3e38, max: 3e38 }), order, order, (value, wordOrder, byteOrder) => {
        assert.equal(decode(encode(value, { type: 'float64', wordOrder, byteOrder, scale: 1, offset: 0 }), { type: 'float64', wordOrder, byteOrder, scale: 1, offset: 0 }), value);
        const spec: ValueSpec = { type: 'float32', wordOrder, byteOrder, scale: 1, offset: 0 };
        // -0 may come back as 0, which is the same reading.
        assert.ok(Math.fround(decode(encode(value, spec), spec) as number) === Math.fround(value), `${value}`);
      }),
    );
  });

  it('scaled integers come back at the scale resolution', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30000, max: 30000 }), fc.constantFrom(0.1, 0.01, 0.5, 10), (raw, scale) => {
        const spec: ValueSpec = { type: 'int16', wordOrder: 'big', byteOrder: 'big', scale, offset: 0 };
        const value = decode(encode(raw * scale, spec), spec) as number;
        assert.ok(Math.abs(value - raw * scale) < scale / 1000, `${raw} x ${scale} came back as ${value}`);
      }),
    );
  });

  it('strings round-trip up to their length', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCxyz-_019 '.split('')), maxLength: 12 }), order, fc.integer({ min: 6, max: 8 }), (text, byteOrder, length) => {
        const spec: ValueSpec = { type: 'string', wordOrder: 'big', byteOrder, scale: 1, offset: 0, length };
        assert.equal(decode(encode(text, spec), spec), text.replace(/\s+$/, ''));
      }),
    );
  });

  it('refuses values a register cannot hold instead of wrapping them', () => {
    const spec = (type: NumericType, scale = 1): ValueSpec => ({ type, wordOrder: 'big', byteOrder: 'big', scale, offset: 0 });
    assert.throws(() => encode(65536, spec('uint16')), /outside uint16/);
    assert.throws(() => encode(-1, spec('uint32')), /outside uint32/);
    assert.throws(() => encode(3276.8, spec('int16', 0.1)), /outside int16/);
    assert.throws(() => encode(1e39, spec('float32')), /does not fit a float32/);
    assert.throws(() => encode(Number.NaN, spec('float64')), /finite number/);
    assert.throws(() => encode('toolong', { ...spec('uint16'), type: 'string', length: 2 }), /longer than the 4 characters/);
    assert.throws(() => encode(2, { ...spec('uint16'), type: 'bool' }), /true\/false/);
  });

  it('rejects words that are not 16-bit', () => {
    assert.throws(() => decode([70000], { type: 'uint16', wordOrder: 'big', byteOrder: 'big', scale: 1, offset: 0 }), /not a 16-bit word/);
  });
});
