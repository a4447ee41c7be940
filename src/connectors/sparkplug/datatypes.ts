// Sparkplug B datatypes 1-34: codes, names, the protobuf field each one travels in, the Loom data
// type it becomes, and the packed little-endian layout of the array types (Sparkplug 3.0, 6.4.17).
import type { DataType } from '../../model/index.js';

/** Sparkplug datatype codes (Sparkplug 3.0, 6.4.16). */
export const DataTypes = {
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  PropertySet: 20,
  PropertySetList: 21,
  Int8Array: 22,
  Int16Array: 23,
  Int32Array: 24,
  Int64Array: 25,
  UInt8Array: 26,
  UInt16Array: 27,
  UInt32Array: 28,
  UInt64Array: 29,
  FloatArray: 30,
  DoubleArray: 31,
  BooleanArray: 32,
  StringArray: 33,
  DateTimeArray: 34,
} as const;

export type DataTypeName = keyof typeof DataTypes;

const NAMES: string[] = [];
for (const [name, code] of Object.entries(DataTypes)) NAMES[code] = name;

/** `Int32` for 3; `Unknown(99)` for codes outside 1-34. */
export function dataTypeName(code: number): string {
  return NAMES[code] ?? `Unknown(${code})`;
}

export function isKnownDataType(code: number): boolean {
  return Number.isInteger(code) && code >= 1 && code <= 34;
}

/** The `value` oneof member a datatype is carried in. */
export type WireField = 'intValue' | 'longValue' | 'floatValue' | 'doubleValue' | 'booleanValue' | 'stringValue' | 'bytesValue' | 'datasetValue' | 'templateValue';

/** Where the specification puts each datatype. Arrays, Bytes and File are packed into `bytes_value`. */
export function wireField(code: number): WireField | undefined {
  if (code >= 1 && code <= 3) return 'intValue';
  if (code >= 5 && code <= 7) return 'intValue';
  if (code === 4 || code === 8 || code === 13) return 'longValue';
  if (code === 9) return 'floatValue';
  if (code === 10) return 'doubleValue';
  if (code === 11) return 'booleanValue';
  if (code === 12 || code === 14 || code === 15) return 'stringValue';
  if (code === 16) return 'datasetValue';
  if (code === 17 || code === 18 || (code >= 22 && code <= 34)) return 'bytesValue';
  if (code === 19) return 'templateValue';
  return undefined;
}

/**
 * The Loom data type a Sparkplug metric becomes: integers, floats and DateTime (ms) are numbers;
 * String, Text and UUID strings; Bytes and File base64 strings; DataSet and the arrays JSON.
 * Templates are flattened into their members and PropertySets are not metric values: undefined.
 */
export function loomType(code: number): DataType | undefined {
  if ((code >= 1 && code <= 10) || code === 13) return 'number';
  if (code === 11) return 'boolean';
  if (code === 12 || code === 14 || code === 15 || code === 17 || code === 18) return 'string';
  if (code === 16 || (code >= 22 && code <= 34)) return 'json';
  return undefined;
}

/** An element of an array datatype. */
export type ArrayElement = number | string | boolean;

const ELEMENT_BYTES: Record<number, number> = { 22: 1, 23: 2, 24: 4, 25: 8, 26: 1, 27: 2, 28: 4, 29: 8, 30: 4, 31: 8, 34: 8 };

/** Unpacks an array datatype from `bytes_value`; 64-bit elements beyond 2^53 become decimal strings. */
export function unpackArray(code: number, bytes: Uint8Array): ArrayElement[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (code === DataTypes.BooleanArray) {
    // A 4-byte little-endian count, then the bits, most significant first in each byte.
    if (bytes.length < 4) throw new Error(`BooleanArray needs a 4-byte count, got ${bytes.length} bytes`);
    const count = view.getUint32(0, true);
    if (Math.ceil(count / 8) !== bytes.length - 4) throw new Error(`BooleanArray of ${count} values needs ${Math.ceil(count / 8)} bytes after the count, got ${bytes.length - 4}`);
    const out: boolean[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = (bytes[4 + (i >> 3)] & (0x80 >> (i & 7))) !== 0;
    return out;
  }
  if (code === DataTypes.StringArray) {
    // Null-terminated UTF-8 strings, one after the other.
    if (bytes.length === 0) return [];
    if (bytes[bytes.length - 1] !== 0) throw new Error('StringArray must end with a 0 byte');
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - 1));
    return text.split('\0');
  }
  const size = ELEMENT_BYTES[code];
  if (!size) throw new Error(`${dataTypeName(code)} is not an array type`);
  if (bytes.length % size !== 0) throw new Error(`${dataTypeName(code)} needs a multiple of ${size} bytes, got ${bytes.length}`);
  const n = bytes.length / size;
  const out: ArrayElement[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    switch (code) {
      case 22: out[i] = view.getInt8(at); break;
      case 23: out[i] = view.getInt16(at, true); break;
      case 24: out[i] = view.getInt32(at, true); break;
      case 26: out[i] = view.getUint8(at); break;
      case 27: out[i] = view.getUint16(at, true); break;
      case 28: out[i] = view.getUint32(at, true); break;
      case 30: out[i] = view.getFloat32(at, true); break;
      case 31: out[i] = view.getFloat64(at, true); break;
      case 25: out[i] = safeBig(view.getBigInt64(at, true)); break;
      case 29: case 34: out[i] = safeBig(view.getBigUint64(at, true)); break;
    }
  }
  return out;
}

/** Packs an array datatype into the bytes `bytes_value` carries. */
export function packArray(code: number, values: readonly unknown[]): Uint8Array {
  if (!Array.isArray(values)) throw new Error(`${dataTypeName(code)} needs an array`);
  if (code === DataTypes.BooleanArray) {
    const out = new Uint8Array(4 + Math.ceil(values.length / 8));
    new DataView(out.buffer).setUint32(0, values.length, true);
    values.forEach((v, i) => {
      if (typeof v !== 'boolean') throw new Error(`BooleanArray element ${i} is not a boolean`);
      if (v) out[4 + (i >> 3)] |= 0x80 >> (i & 7);
    });
    return out;
  }
  if (code === DataTypes.StringArray) {
    values.forEach((v, i) => {
      if (typeof v !== 'string' || v.includes('\0')) throw new Error(`StringArray element ${i} is not a string without NUL`);
    });
    return values.length === 0 ? new Uint8Array(0) : new TextEncoder().encode(values.join('\0') + '\0');
  }
  const size = ELEMENT_BYTES[code];
  if (!size) throw new Error(`${dataTypeName(code)} is not an array type`);
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    const at = i * size;
    if (size === 8 && code !== 31) {
      const big = toBigInt(v, `${dataTypeName(code)} element ${i}`);
      if (code === 25) view.setBigInt64(at, big, true);
      else view.setBigUint64(at, big, true);
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${dataTypeName(code)} element ${i} is not a finite number`);
    switch (code) {
      case 22: view.setInt8(at, v); break;
      case 23: view.setInt16(at, v, true); break;
      case 24: view.setInt32(at, v, true); break;
      case 26: view.setUint8(at, v); break;
      case 27: view.setUint16(at, v, true); break;
      case 28: view.setUint32(at, v, true); break;
      case 30: view.setFloat32(at, v, true); break;
      case 31: view.setFloat64(at, v, true); break;
    }
  });
  return out;
}

/** A 64-bit integer as a number when it is exactly representable, else as a decimal string. */
export function safeBig(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

export function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new Error(`${what} is not an integer`);
}
