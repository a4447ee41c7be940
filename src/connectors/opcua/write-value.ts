// Write-back values: a Loom value as the variant the server's data type needs, and the read-back check.
import { DataType, Variant } from 'node-opcua';
import type { SampleValue } from '../../model/index.js';

const INTEGER_RANGE: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
};

/** The variant to write for `value` to a variable of built-in type `dataType`; throws when it does not fit. */
export function toVariant(value: SampleValue, dataType: DataType): Variant {
  const name = DataType[dataType] ?? String(dataType);
  if (dataType === DataType.Boolean) {
    if (typeof value === 'boolean') return new Variant({ dataType, value });
    if (value === 0 || value === 1) return new Variant({ dataType, value: value === 1 });
    throw new Error(`the variable is Boolean: write true or false, not ${JSON.stringify(value)}`);
  }
  if (dataType === DataType.String) {
    if (typeof value !== 'string') throw new Error(`the variable is a String: write text, not ${JSON.stringify(value)}`);
    return new Variant({ dataType, value });
  }
  if (dataType === DataType.Double || dataType === DataType.Float) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`the variable is ${name}: write a finite number, not ${JSON.stringify(value)}`);
    if (dataType === DataType.Float && Math.abs(value) > 3.4028234663852886e38) throw new Error(`${value} does not fit a Float`);
    return new Variant({ dataType, value });
  }
  const range = INTEGER_RANGE[dataType];
  if (range) {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`the variable is ${name}: write an integer, not ${JSON.stringify(value)}`);
    if (value < range[0] || value > range[1]) throw new Error(`${value} is outside ${name} (${range[0]}..${range[1]})`);
    return new Variant({ dataType, value });
  }
  throw new Error(`writing ${name} variables is not supported (numbers, Boolean and String are)`);
}

/** Whether a read-back value equals what was written (a Float compares at float precision). */
export function sameValue(written: Variant, readBack: unknown): boolean {
  if (written.dataType === DataType.Float && typeof readBack === 'number') return Math.fround(written.value as number) === Math.fround(readBack);
  return written.value === readBack;
}
