// OPC UA status codes and variants -> Loom quality and values.
import { DataType, type DataValue, type StatusCode, type Variant } from 'node-opcua';
import type { Quality } from '../../model/index.js';

/**
 * The quality of a status code: its severity bits (the top two of the 32-bit code, OPC UA Part 4,
 * 7.39): 00 Good, 01 Uncertain, 10 and 11 Bad.
 *
 * @example qualityOf(StatusCodes.UncertainLastUsableValue) // 'uncertain'
 */
export function qualityOf(status: StatusCode | number): Quality {
  const code = typeof status === 'number' ? status : status.value;
  const severity = (code >>> 30) & 0b11;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** A variant's value as a Loom value: numbers, booleans and strings as they are; others in their plainest form. */
export function valueOf(variant: Variant | undefined | null): number | boolean | string | undefined {
  if (!variant || variant.value === null || variant.value === undefined) return undefined;
  const value: unknown = variant.value;
  switch (variant.dataType) {
    case DataType.Boolean:
    case DataType.String:
      return value as boolean | string;
    case DataType.Int64:
    case DataType.UInt64: {
      // node-opcua carries 64-bit integers as [high, low] 32-bit words.
      if (Array.isArray(value) && value.length === 2 && variant.arrayType === 0) {
        const [high, low] = value as [number, number];
        const signedHigh = variant.dataType === DataType.Int64 && high >= 0x80000000 ? high - 0x100000000 : high;
        return signedHigh * 0x100000000 + low;
      }
      break;
    }
    case DataType.DateTime:
      return value instanceof Date ? value.getTime() : undefined;
    case DataType.LocalizedText:
      return (value as { text?: string | null }).text ?? '';
    case DataType.QualifiedName:
      return (value as { name?: string | null }).name ?? '';
    case DataType.NodeId:
      return String(value);
    case DataType.ByteString:
      return Buffer.isBuffer(value) ? value.toString('base64') : undefined;
    default:
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  }
  return JSON.stringify(value);
}

/** Source timestamp (ms) of a data value: source, else server, else `fallback`. */
export function timestampOf(dataValue: DataValue, fallback: number): number {
  const source = dataValue.sourceTimestamp?.getTime();
  if (source !== undefined && Number.isFinite(source) && source > 0) return source;
  const server = dataValue.serverTimestamp?.getTime();
  return server !== undefined && Number.isFinite(server) && server > 0 ? server : fallback;
}
