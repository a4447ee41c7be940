// Register decoding and encoding: Modbus 16-bit registers <-> engineering values.
import type { ModbusRegister, ModbusType } from './config.js';

/** What the codec needs of a register map entry. */
export type ValueSpec = Pick<ModbusRegister, 'type' | 'wordOrder' | 'byteOrder' | 'scale' | 'offset'> & { length?: number };

/** Number of 16-bit registers (or bits, for bool) a value occupies. */
export function widthOf(spec: Pick<ValueSpec, 'type' | 'length'>): number {
  switch (spec.type) {
    case 'bool':
    case 'int16':
    case 'uint16':
      return 1;
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2;
    case 'float64':
      return 4;
    case 'string':
      return spec.length ?? 1;
  }
}

/** Registers (as sent, most significant word first in `big` word order) to bytes in value order (big endian). */
function toBytes(registers: readonly number[], spec: ValueSpec): Buffer {
  const words = spec.wordOrder === 'little' && spec.type !== 'string' ? [...registers].reverse() : registers;
  const bytes = Buffer.alloc(words.length * 2);
  words.forEach((word, i) => {
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) throw new Error(`register value ${word} is not a 16-bit word`);
    if (spec.byteOrder === 'little') bytes.writeUInt16LE(word, i * 2);
    else bytes.writeUInt16BE(word, i * 2);
  });
  return bytes;
}

function fromBytes(bytes: Buffer, spec: ValueSpec): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) words.push(spec.byteOrder === 'little' ? bytes.readUInt16LE(i) : bytes.readUInt16BE(i));
  return spec.wordOrder === 'little' && spec.type !== 'string' ? words.reverse() : words;
}

function rawNumber(bytes: Buffer, type: ModbusType): number {
  switch (type) {
    case 'int16':
      return bytes.readInt16BE(0);
    case 'uint16':
      return bytes.readUInt16BE(0);
    case 'int32':
      return bytes.readInt32BE(0);
    case 'uint32':
      return bytes.readUInt32BE(0);
    case 'float32':
      return bytes.readFloatBE(0);
    case 'float64':
      return bytes.readDoubleBE(0);
    default:
      throw new Error(`${type} is not numeric`);
  }
}

/**
 * Decodes the registers of one value. Numbers get `raw x scale + offset`; strings are ASCII, two
 * characters per register, cut at the first NUL and trimmed of trailing spaces. Bits decode to booleans.
 *
 * @example decode([0x4049, 0x0fdb], { type: 'float32', wordOrder: 'big', byteOrder: 'big', scale: 1, offset: 0 }) // 3.1415927
 */
export function decode(registers: readonly number[], spec: ValueSpec): number | boolean | string {
  const width = widthOf(spec);
  if (registers.length !== width) throw new Error(`${spec.type} needs ${width} register(s), got ${registers.length}`);
  if (spec.type === 'bool') return Boolean(registers[0]);
  const bytes = toBytes(registers, spec);
  if (spec.type === 'string') {
    const nul = bytes.indexOf(0);
    return bytes
      .subarray(0, nul < 0 ? bytes.length : nul)
      .toString('latin1')
      .replace(/\s+$/, '');
  }
  const raw = spec.type === 'float32' ? shortestFloat32(rawNumber(bytes, spec.type)) : rawNumber(bytes, spec.type);
  // Scaling in two steps keeps 0.1-type factors exact at the sensor's resolution (123 x 0.1 = 12.3, not 12.300000000000001).
  const scaled = spec.scale === 1 ? raw : roundToScale(raw * spec.scale, spec.scale);
  return spec.offset === 0 ? scaled : scaled + spec.offset;
}

/** The shortest decimal that is the same float32 (2.59 rather than 2.5899999141693115). */
function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

function decimals(x: number): number {
  const text = String(Math.abs(x));
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function roundToScale(value: number, scale: number): number {
  const places = decimals(scale);
  return places === 0 || places > 15 ? value : Number(value.toFixed(places));
}

const INTEGER_RANGE: Partial<Record<ModbusType, [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

/**
 * Encodes an engineering value into registers (the inverse of `decode`). Integers are rounded after
 * undoing scale and offset; a value out of the type's range is an error, never wrapped.
 */
export function encode(value: number | boolean | string, spec: ValueSpec): number[] {
  if (spec.type === 'bool') {
    if (typeof value === 'boolean') return [value ? 1 : 0];
    if (value === 0 || value === 1) return [value];
    throw new Error(`a bool takes true/false (or 1/0), not ${JSON.stringify(value)}`);
  }
  const width = widthOf(spec);
  const bytes = Buffer.alloc(width * 2);
  if (spec.type === 'string') {
    if (typeof value !== 'string') throw new Error(`a string takes text, not ${JSON.stringify(value)}`);
    if (value.length > bytes.length) throw new Error(`'${value}' is longer than the ${bytes.length} characters of ${width} register(s)`);
    bytes.write(value, 'latin1');
    return fromBytes(bytes, spec);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${spec.type} takes a finite number, not ${JSON.stringify(value)}`);
  const raw = (value - spec.offset) / spec.scale;
  const range = INTEGER_RANGE[spec.type];
  if (range) {
    const int = Math.round(raw);
    if (int < range[0] || int > range[1]) throw new Error(`${value} is raw ${int}, outside ${spec.type} (${range[0]}..${range[1]})`);
    if (spec.type === 'int16') bytes.writeInt16BE(int, 0);
    else if (spec.type === 'uint16') bytes.writeUInt16BE(int, 0);
    else if (spec.type === 'int32') bytes.writeInt32BE(int, 0);
    else bytes.writeUInt32BE(int, 0);
  } else if (spec.type === 'float32') {
    if (Math.abs(raw) > 3.4028234663852886e38) throw new Error(`${value} does not fit a float32`);
    bytes.writeFloatBE(raw, 0);
  } else {
    bytes.writeDoubleBE(raw, 0);
  }
  return fromBytes(bytes, spec);
}
