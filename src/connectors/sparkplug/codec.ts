// Sparkplug B payload codec: protobuf bytes <-> plain objects, with every datatype 1-34 turned into
// a JavaScript value (64-bit integers as numbers when exact, else decimal strings; DateTime in ms).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { packageRoot } from '../../package-root.js';
import { fastDecode, type SubTypes } from './fast-decode.js';
import { DataTypes, dataTypeName, packArray, safeBig, toBigInt, unpackArray, wireField, type ArrayElement } from './datatypes.js';

/** A DataSet metric value: column names, Sparkplug column types and rows (cells null when absent). */
export interface DataSetValue {
  columns: string[];
  types: number[];
  rows: Array<Array<number | string | boolean | null>>;
}

/** A Template metric value: a definition (in NBIRTH) or an instance naming its definition. */
export interface TemplateValue {
  version?: string;
  templateRef?: string;
  isDefinition?: boolean;
  metrics: SparkplugMetric[];
  parameters?: TemplateParameter[];
}

export interface TemplateParameter {
  name: string;
  type: number;
  value: number | string | boolean | null;
}

export interface PropertyValue {
  type: number;
  value: number | string | boolean | null | PropertySet | PropertySet[];
}

/** Property keys to typed values (e.g. `engUnit`, `engLow`, `engHigh`). */
export type PropertySet = Record<string, PropertyValue>;

export interface MetaData {
  isMultiPart?: boolean;
  contentType?: string;
  size?: number;
  seq?: number;
  fileName?: string;
  fileType?: string;
  md5?: string;
  description?: string;
}

export type MetricValue = number | string | boolean | Uint8Array | ArrayElement[] | DataSetValue | TemplateValue | null;

export interface SparkplugMetric {
  name?: string;
  /** A uint64; a decimal string in the rare case it is beyond 2^53. */
  alias?: number | string;
  timestamp?: number;
  datatype?: number;
  isHistorical?: boolean;
  isTransient?: boolean;
  isNull?: boolean;
  metadata?: MetaData;
  properties?: PropertySet;
  /** null when `isNull`; undefined when the metric carries no value at all. */
  value?: MetricValue;
}

export interface SparkplugPayload {
  timestamp?: number;
  seq?: number;
  uuid?: string;
  body?: Uint8Array;
  metrics: SparkplugMetric[];
}

// ---- protobuf schema ----

function protoFile(): string {
  const beside = fileURLToPath(new URL('./sparkplug_b.proto', import.meta.url));
  // A build into dist/ does not copy the .proto: fall back to the source tree of the package.
  return existsSync(beside) ? beside : join(packageRoot(), 'src/connectors/sparkplug/sparkplug_b.proto');
}

/** The protobuf `Payload` type, parsed once from `sparkplug_b.proto`. */
export const PayloadType: protobuf.Type = protobuf.parse(readFileSync(protoFile(), 'utf8')).root.lookupType('org.eclipse.tahu.protobuf.Payload');

/** A decoded protobuf message: fields by camelCase name; `value` names the oneof member that is set. */
export type RawMessage = Record<string, unknown> & { value?: string };

// ---- 64-bit helpers ----

interface LongLike {
  low: number;
  high: number;
}

/** A protobuf uint64/int64 (number or Long) as a BigInt. */
export function longToBig(value: unknown, signed: boolean): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'bigint') return value;
  const long = value as LongLike;
  const big = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return signed ? BigInt.asIntN(64, big) : big;
}

/** A protobuf uint64/int64 as a number when exact, else a decimal string. */
export function longValue(value: unknown, signed = false): number | string {
  if (typeof value === 'number') return value;
  const long = value as LongLike;
  // Fast path: within 2^53 (unsigned high word below 2^21, or a small negative signed value).
  const high = long.high;
  if (high >= 0 && high < 0x200000) return high * 4294967296 + (long.low >>> 0);
  if (signed && high < 0 && high >= -0x200000) return high * 4294967296 + (long.low >>> 0);
  return safeBig(longToBig(value, signed));
}

/** A protobuf uint64 as a number (timestamps, seq, sizes): lossy beyond 2^53, which never happens there. */
export function longNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  const long = value as LongLike;
  return (long.high >>> 0) * 4294967296 + (long.low >>> 0);
}

function bigToLong(value: bigint): LongLike & { unsigned: boolean } {
  const u = BigInt.asUintN(64, value);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: true };
}

/** A uint64 field value protobufjs accepts, from a number, decimal string or BigInt. */
function toWireLong(value: unknown, what: string): number | LongLike {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  return bigToLong(toBigInt(value, what));
}

/** The shortest decimal that is the same float32 (1.1 rather than 1.100000023841858). */
function float32(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  for (let digits = 6; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

// ---- values ----

export type ValueResult = { ok: true; value: MetricValue } | { ok: false; error: string };

const has = (message: object, field: string) => Object.prototype.hasOwnProperty.call(message, field);

function signedInt(raw: number, bits: number): number | undefined {
  const value = raw > 0x7fffffff ? raw - 4294967296 : raw; // sign-extended two's complement in a uint32
  const limit = 2 ** (bits - 1);
  if (value >= -limit && value < limit) return value;
  if (bits < 32 && raw >= limit && raw < 2 * limit) return raw - 2 * limit; // two's complement of the narrow type
  return undefined;
}

/**
 * Reads the value a metric (or template parameter, property, dataset cell) carries in `field`, as
 * `datatype` says. UInt32 is also accepted from `long_value`, where Tahu 1.0 puts it.
 */
export function readValue(field: string | undefined, raw: unknown, datatype: number): ValueResult {
  // No closures here: this runs once per metric (and tsx/esbuild would wrap each one with __name).
  const expected = wireField(datatype);
  if (field !== expected && !(datatype === DataTypes.UInt32 && field === 'longValue')) {
    return { ok: false, error: `${dataTypeName(datatype)} expects ${expected ?? 'no value field'} but the metric carries ${field ?? 'no value'}` };
  }
  switch (datatype) {
    case DataTypes.Int8:
    case DataTypes.Int16:
    case DataTypes.Int32: {
      const bits = datatype === DataTypes.Int8 ? 8 : datatype === DataTypes.Int16 ? 16 : 32;
      const value = signedInt(raw as number, bits);
      return value === undefined ? { ok: false, error: `${raw} is out of range for ${dataTypeName(datatype)}` } : { ok: true, value };
    }
    case DataTypes.UInt8:
    case DataTypes.UInt16:
    case DataTypes.UInt32: {
      const value = field === 'longValue' ? longValue(raw) : (raw as number);
      const max = datatype === DataTypes.UInt8 ? 0xff : datatype === DataTypes.UInt16 ? 0xffff : 0xffffffff;
      return typeof value === 'number' && value <= max ? { ok: true, value } : { ok: false, error: `${value} is out of range for ${dataTypeName(datatype)}` };
    }
    case DataTypes.Int64:
      return { ok: true, value: longValue(raw, true) };
    case DataTypes.UInt64:
      return { ok: true, value: longValue(raw) };
    case DataTypes.DateTime:
      return { ok: true, value: longNumber(raw) };
    case DataTypes.Float:
      return { ok: true, value: float32(raw as number) };
    case DataTypes.Double:
    case DataTypes.Boolean:
    case DataTypes.String:
    case DataTypes.Text:
    case DataTypes.UUID:
      return { ok: true, value: raw as number | boolean | string };
    case DataTypes.Bytes:
    case DataTypes.File: {
      const bytes = raw as Uint8Array; // a Buffer under Node: expose a plain Uint8Array view
      return { ok: true, value: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
    }
    case DataTypes.DataSet:
      return readDataSet(raw as RawMessage);
    case DataTypes.Template:
      return readTemplate(raw as RawMessage);
    default:
      if (datatype >= DataTypes.Int8Array && datatype <= DataTypes.DateTimeArray) {
        try {
          return { ok: true, value: unpackArray(datatype, raw as Uint8Array) };
        } catch (error) {
          return { ok: false, error: (error as Error).message };
        }
      }
      return { ok: false, error: `datatype ${dataTypeName(datatype)} cannot be a metric value` };
  }
}

function readDataSet(raw: RawMessage): ValueResult {
  const columns = (raw.columns as string[]) ?? [];
  const types = (raw.types as number[]) ?? [];
  if (types.length !== columns.length) return { ok: false, error: `DataSet has ${columns.length} columns but ${types.length} types` };
  const rows: DataSetValue['rows'] = [];
  for (const row of (raw.rows as RawMessage[]) ?? []) {
    const elements = (row.elements as RawMessage[]) ?? [];
    if (elements.length !== columns.length) return { ok: false, error: `DataSet row ${rows.length} has ${elements.length} cells for ${columns.length} columns` };
    const cells: Array<number | string | boolean | null> = [];
    for (let j = 0; j < elements.length; j++) {
      const cell = elements[j];
      if (!cell.value) {
        cells.push(null);
        continue;
      }
      const result = readValue(cell.value, cell[cell.value], types[j]);
      if (!result.ok) return { ok: false, error: `DataSet row ${rows.length} column '${columns[j]}': ${result.error}` };
      cells.push(result.value as number | string | boolean);
    }
    rows.push(cells);
  }
  return { ok: true, value: { columns, types, rows } };
}

function readTemplate(raw: RawMessage): ValueResult {
  const metrics: SparkplugMetric[] = [];
  for (const m of (raw.metrics as RawMessage[]) ?? []) {
    const result = readMetric(m);
    if (typeof result === 'string') return { ok: false, error: `template member: ${result}` };
    metrics.push(result);
  }
  const value: TemplateValue = { metrics };
  if (has(raw, 'version')) value.version = raw.version as string;
  if (has(raw, 'templateRef')) value.templateRef = raw.templateRef as string;
  if (has(raw, 'isDefinition')) value.isDefinition = raw.isDefinition as boolean;
  const parameters = raw.parameters as RawMessage[] | undefined;
  if (parameters && parameters.length > 0) {
    value.parameters = [];
    for (const p of parameters) {
      const type = (p.type as number) ?? 0;
      const read = p.value ? readValue(p.value, p[p.value], type) : ({ ok: true, value: null } as ValueResult);
      if (!read.ok) return { ok: false, error: `template parameter '${String(p.name)}': ${read.error}` };
      value.parameters.push({ name: (p.name as string) ?? '', type, value: read.value as number | string | boolean | null });
    }
  }
  return { ok: true, value };
}

function readProperties(raw: RawMessage): PropertySet | string {
  const keys = (raw.keys as string[]) ?? [];
  const values = (raw.values as RawMessage[]) ?? [];
  if (keys.length !== values.length) return `PropertySet has ${keys.length} keys but ${values.length} values`;
  const out: PropertySet = {};
  for (let i = 0; i < keys.length; i++) {
    const v = values[i];
    const type = (v.type as number) ?? 0;
    if (v.isNull || !v.value) {
      out[keys[i]] = { type, value: null };
    } else if (v.value === 'propertysetValue') {
      const nested = readProperties(v.propertysetValue as RawMessage);
      if (typeof nested === 'string') return nested;
      out[keys[i]] = { type, value: nested };
    } else if (v.value === 'propertysetsValue') {
      const list: PropertySet[] = [];
      for (const set of ((v.propertysetsValue as RawMessage).propertyset as RawMessage[]) ?? []) {
        const nested = readProperties(set);
        if (typeof nested === 'string') return nested;
        list.push(nested);
      }
      out[keys[i]] = { type, value: list };
    } else {
      const read = readValue(v.value, v[v.value], type);
      if (!read.ok) return `property '${keys[i]}': ${read.error}`;
      out[keys[i]] = { type, value: read.value as number | string | boolean };
    }
  }
  return out;
}

/** Converts one decoded protobuf metric; returns an error sentence when its value does not fit its datatype. */
export function readMetric(m: RawMessage): SparkplugMetric | string {
  const metric: SparkplugMetric = {};
  if (has(m, 'name')) metric.name = m.name as string;
  if (has(m, 'alias')) metric.alias = longValue(m.alias);
  if (has(m, 'timestamp')) metric.timestamp = longNumber(m.timestamp);
  if (has(m, 'datatype')) metric.datatype = m.datatype as number;
  if (m.isHistorical) metric.isHistorical = true;
  if (m.isTransient) metric.isTransient = true;
  if (m.isNull) metric.isNull = true;
  if (has(m, 'metadata')) {
    const md = m.metadata as RawMessage;
    const meta: MetaData = {};
    for (const key of ['isMultiPart', 'contentType', 'fileName', 'fileType', 'md5', 'description'] as const) if (has(md, key)) (meta as Record<string, unknown>)[key] = md[key];
    if (has(md, 'size')) meta.size = longNumber(md.size);
    if (has(md, 'seq')) meta.seq = longNumber(md.seq);
    metric.metadata = meta;
  }
  if (has(m, 'properties')) {
    const properties = readProperties(m.properties as RawMessage);
    if (typeof properties === 'string') return properties;
    metric.properties = properties;
  }
  if (metric.isNull) {
    metric.value = null;
  } else if (m.value) {
    if (metric.datatype === undefined) return `metric '${metric.name ?? metric.alias}' carries a value but no datatype`;
    const read = readValue(m.value, m[m.value], metric.datatype);
    if (!read.ok) return `metric '${metric.name ?? metric.alias}': ${read.error}`;
    metric.value = read.value;
  }
  return metric;
}

const SUB_TYPES: SubTypes = {
  metaData: PayloadType.lookupType('MetaData'),
  propertySet: PayloadType.lookupType('PropertySet'),
  dataSet: PayloadType.lookupType('DataSet'),
  template: PayloadType.lookupType('Template'),
  extension: PayloadType.lookupType('Metric.MetricValueExtension'),
};

/** Parses the protobuf only (throws on malformed bytes); the host reads metrics from this lazily. */
export function decodeRaw(bytes: Uint8Array): RawMessage {
  return fastDecode(bytes, SUB_TYPES) as RawMessage;
}

/** Decodes a whole payload; throws an Error saying what is wrong when it is not valid Sparkplug B. */
export function decodePayload(bytes: Uint8Array): SparkplugPayload {
  const raw = decodeRaw(bytes);
  const payload: SparkplugPayload = { metrics: [] };
  if (has(raw, 'timestamp')) payload.timestamp = longNumber(raw.timestamp);
  if (has(raw, 'seq')) payload.seq = longNumber(raw.seq);
  if (has(raw, 'uuid')) payload.uuid = raw.uuid as string;
  if (has(raw, 'body')) payload.body = raw.body as Uint8Array;
  for (const m of (raw.metrics as RawMessage[]) ?? []) {
    const metric = readMetric(m);
    if (typeof metric === 'string') throw new Error(metric);
    payload.metrics.push(metric);
  }
  return payload;
}

// ---- encoding ----

function writeValue(datatype: number, value: unknown, into: Record<string, unknown>, what: string): void {
  const field = wireField(datatype);
  if (!field) throw new Error(`${what}: datatype ${dataTypeName(datatype)} cannot carry a value`);
  switch (datatype) {
    case DataTypes.Int8:
    case DataTypes.Int16:
    case DataTypes.Int32:
    case DataTypes.UInt8:
    case DataTypes.UInt16:
    case DataTypes.UInt32: {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${what}: ${dataTypeName(datatype)} needs an integer, got ${typeof value}`);
      into.intValue = value >>> 0; // signed types as sign-extended two's complement in the uint32
      return;
    }
    case DataTypes.Int64:
    case DataTypes.UInt64:
    case DataTypes.DateTime:
      into.longValue = toWireLong(value instanceof Date ? value.getTime() : value, what);
      return;
    case DataTypes.Float:
    case DataTypes.Double:
      if (typeof value !== 'number') throw new Error(`${what}: ${dataTypeName(datatype)} needs a number, got ${typeof value}`);
      into[field] = value;
      return;
    case DataTypes.Boolean:
      if (typeof value !== 'boolean') throw new Error(`${what}: Boolean needs a boolean, got ${typeof value}`);
      into.booleanValue = value;
      return;
    case DataTypes.String:
    case DataTypes.Text:
    case DataTypes.UUID:
      if (typeof value !== 'string') throw new Error(`${what}: ${dataTypeName(datatype)} needs a string, got ${typeof value}`);
      into.stringValue = value;
      return;
    case DataTypes.Bytes:
    case DataTypes.File:
      if (!(value instanceof Uint8Array)) throw new Error(`${what}: ${dataTypeName(datatype)} needs bytes`);
      into.bytesValue = value;
      return;
    case DataTypes.DataSet: {
      const ds = value as DataSetValue;
      into.datasetValue = {
        numOfColumns: ds.columns.length,
        columns: ds.columns,
        types: ds.types,
        rows: ds.rows.map((row) => ({
          elements: row.map((cell, j) => {
            const element: Record<string, unknown> = {};
            if (cell !== null) writeValue(ds.types[j], cell, element, `${what} column ${ds.columns[j]}`);
            return element;
          }),
        })),
      };
      return;
    }
    case DataTypes.Template: {
      const t = value as TemplateValue;
      const template: Record<string, unknown> = { metrics: t.metrics.map(encodeMetric) };
      if (t.version !== undefined) template.version = t.version;
      if (t.templateRef !== undefined) template.templateRef = t.templateRef;
      if (t.isDefinition !== undefined) template.isDefinition = t.isDefinition;
      if (t.parameters) {
        template.parameters = t.parameters.map((p) => {
          const parameter: Record<string, unknown> = { name: p.name, type: p.type };
          if (p.value !== null) writeValue(p.type, p.value, parameter, `${what} parameter ${p.name}`);
          return parameter;
        });
      }
      into.templateValue = template;
      return;
    }
    default:
      into.bytesValue = packArray(datatype, value as unknown[]);
  }
}

function encodeProperties(set: PropertySet): Record<string, unknown> {
  const keys = Object.keys(set);
  return {
    keys,
    values: keys.map((key) => {
      const { type, value } = set[key];
      const out: Record<string, unknown> = { type };
      if (value === null) out.isNull = true;
      else if (type === DataTypes.PropertySet) out.propertysetValue = encodeProperties(value as PropertySet);
      else if (type === DataTypes.PropertySetList) out.propertysetsValue = { propertyset: (value as PropertySet[]).map(encodeProperties) };
      else writeValue(type, value, out, `property ${key}`);
      return out;
    }),
  };
}

function encodeMetric(metric: SparkplugMetric): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const what = `metric '${metric.name ?? metric.alias}'`;
  if (metric.name !== undefined) out.name = metric.name;
  if (metric.alias !== undefined) out.alias = toWireLong(metric.alias, `${what} alias`);
  if (metric.timestamp !== undefined) out.timestamp = metric.timestamp;
  if (metric.datatype !== undefined) out.datatype = metric.datatype;
  if (metric.isHistorical) out.isHistorical = true;
  if (metric.isTransient) out.isTransient = true;
  if (metric.metadata) out.metadata = { ...metric.metadata };
  if (metric.properties) out.properties = encodeProperties(metric.properties);
  if (metric.value === null || metric.isNull) {
    out.isNull = true;
  } else if (metric.value !== undefined) {
    if (metric.datatype === undefined) throw new Error(`${what} has a value but no datatype`);
    writeValue(metric.datatype, metric.value, out, what);
  }
  return out;
}

/** Encodes a payload; throws when a value does not fit its metric's datatype. */
export function encodePayload(payload: SparkplugPayload): Uint8Array {
  const message: Record<string, unknown> = { metrics: payload.metrics.map(encodeMetric) };
  if (payload.timestamp !== undefined) message.timestamp = payload.timestamp;
  if (payload.seq !== undefined) message.seq = payload.seq;
  if (payload.uuid !== undefined) message.uuid = payload.uuid;
  if (payload.body !== undefined) message.body = payload.body;
  return PayloadType.encode(message).finish();
}
