// Timestamps and values from JSON payloads, checked the way normalisation will check them, so that
// refusals are counted here, per reason, with the topic in the message.
import type { DataType, Quality, SampleValue } from '../../model/index.js';
import type { TimestampSetting } from './config.js';

const EARLIEST_TS = Date.UTC(1990, 0, 1);
const LATEST_TS = Date.UTC(2200, 0, 1);

/** ms since the epoch from a payload's timestamp field, or undefined when it is not a valid time. */
export function readTimestamp(raw: unknown, format: TimestampSetting['format']): number | undefined {
  let ms: number;
  if (typeof raw === 'number') {
    if (format === 'iso') return undefined;
    ms = format === 's' || (format === 'auto' && Math.abs(raw) < 1e11) ? raw * 1000 : raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (/^\d+(\.\d+)?$/.test(text)) {
      if (format === 'iso') return undefined;
      return readTimestamp(Number(text), format);
    }
    if (format === 'ms' || format === 's' || text === '') return undefined;
    ms = Date.parse(text);
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < EARLIEST_TS || ms > LATEST_TS) return undefined;
  return Math.round(ms);
}

const QUALITIES = new Set<unknown>(['good', 'uncertain', 'bad']);

export function isQuality(value: unknown): value is Quality {
  return QUALITIES.has(value);
}

/** The data type a first value suggests for a new tag. */
export function inferType(value: unknown): DataType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'json';
}

export type Converted = { ok: true; value: SampleValue } | { ok: false; reason: 'wrong_type' | 'bad_value'; detail: string };

/** A payload value as the tag's type wants it, scaled (numbers only). */
export function convertValue(value: unknown, type: DataType, scale: number, offset: number, path: string): Converted {
  switch (type) {
    case 'number': {
      if (typeof value !== 'number') return wrong(value, type, path);
      const scaled = scale === 1 && offset === 0 ? value : value * scale + offset;
      if (!Number.isFinite(scaled)) return { ok: false, reason: 'bad_value', detail: `'${path}': ${value} * ${scale} + ${offset} is not a finite number` };
      return { ok: true, value: scaled };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 0 || value === 1) return { ok: true, value: value === 1 };
      return wrong(value, type, path);
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : wrong(value, type, path);
    case 'json':
      if (value === undefined) return wrong(value, type, path);
      return { ok: true, value: typeof value === 'string' ? value : JSON.stringify(value) };
  }
}

function wrong(value: unknown, type: DataType, path: string): Converted {
  return { ok: false, reason: 'wrong_type', detail: `'${path}' is a ${type} tag but got ${describe(value)}` };
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'no value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return `${typeof value} ${text}`;
}
