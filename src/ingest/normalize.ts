import type { Sample, SampleValue, TagDefinition } from '../model/index.js';
import type { RawSample } from '../connectors/types.js';
import type { DeadLetterReason } from './dead-letters.js';

/** The result of checking one raw sample: a clean sample, or the reason it was refused. */
export type Normalized = { ok: true; sample: Sample } | { ok: false; reason: DeadLetterReason; detail: string };

/** Why a raw sample was refused (what `checkSample` returns instead of a sample). */
export class Refusal {
  constructor(
    readonly reason: DeadLetterReason,
    readonly detail: string,
  ) {}
}

// Timestamps outside this window are almost always seconds sent as milliseconds (or the reverse).
const EARLIEST_TS = Date.UTC(1990, 0, 1);
const LATEST_TS = Date.UTC(2200, 0, 1);

/** Checks a raw sample against its tag's definition. */
export function normalizeSample(raw: RawSample, tag: TagDefinition | undefined): Normalized {
  const checked = checkSample(raw, tag);
  return checked instanceof Refusal ? { ok: false, reason: checked.reason, detail: checked.detail } : { ok: true, sample: checked };
}

/**
 * `normalizeSample` for the ingest loop: the clean sample itself, or a `Refusal`. It runs for every
 * sample that enters Loom, so it allocates nothing but the sample (no result wrappers) and tries the
 * common shapes (ms timestamps, good quality) first.
 */
export function checkSample(raw: RawSample, tag: TagDefinition | undefined): Sample | Refusal {
  if (raw === null || typeof raw !== 'object' || typeof raw.tag !== 'string') {
    return new Refusal('malformed', 'a sample must be an object with a string "tag"');
  }
  if (!tag) {
    return new Refusal('unknown_tag', `tag '${raw.tag}' is not in the plant model: declare it in the config or map it in its connector`);
  }
  const rawTs = raw.ts;
  const ts = typeof rawTs === 'number' && rawTs >= EARLIEST_TS && rawTs <= LATEST_TS ? Math.round(rawTs) : parseTimestamp(rawTs);
  if (ts === undefined) {
    return new Refusal('bad_timestamp', `timestamp ${JSON.stringify(raw.ts)} of '${raw.tag}' is not ms since epoch or ISO 8601 between 1990 and 2200`);
  }
  const quality = raw.quality ?? 'good';
  if (quality !== 'good' && quality !== 'bad' && quality !== 'uncertain') {
    return new Refusal('bad_quality', `quality ${JSON.stringify(raw.quality)} of '${raw.tag}' is not good, uncertain or bad`);
  }
  const value = coerceValue(raw.value, tag);
  if (value instanceof Refusal) return value;
  const sample: Sample = { tag: tag.path, ts, value, quality };
  if (raw.historical) sample.historical = true;
  return sample;
}

export function parseTimestamp(ts: unknown): number | undefined {
  let ms: number;
  if (typeof ts === 'number') ms = ts;
  else if (ts instanceof Date) ms = ts.getTime();
  else if (typeof ts === 'string' && ts.trim() !== '') ms = /^\d+$/.test(ts.trim()) ? Number(ts) : Date.parse(ts);
  else return undefined;
  if (!Number.isFinite(ms) || ms < EARLIEST_TS || ms > LATEST_TS) return undefined;
  return Math.round(ms);
}

function coerceValue(value: unknown, tag: TagDefinition): SampleValue | Refusal {
  switch (tag.type) {
    case 'number':
      if (typeof value !== 'number') return wrongType(value, tag);
      if (!Number.isFinite(value)) return new Refusal('bad_value', `'${tag.path}' got ${String(value)}, which cannot be stored`);
      return value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // PLC coils and bits commonly arrive as 0/1.
      if (value === 0 || value === 1) return value === 1;
      return wrongType(value, tag);
    case 'string':
      return typeof value === 'string' ? value : wrongType(value, tag);
    case 'json':
      if (value === undefined) return wrongType(value, tag);
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

// A plain function rather than a closure per call: this runs for every sample.
function wrongType(value: unknown, tag: TagDefinition): Refusal {
  return new Refusal('wrong_type', `'${tag.path}' is a ${tag.type} tag but got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'no value';
  if (Array.isArray(value)) return 'a list';
  const text = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${text}`;
}
