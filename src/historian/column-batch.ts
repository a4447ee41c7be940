// Main-thread side of the write path: turns sample objects into transferable columns in one pass.

import type { Sample } from '../model/index.js';
import { QUALITY_CODES, type ColumnBatch } from './protocol.js';

export interface TagSlot {
  id: number;
}

export interface BuiltBatch {
  batch: ColumnBatch;
  /** Samples whose tag was never defined: not stored. */
  unknown: number;
  firstUnknown?: string;
}

/**
 * Builds the column batch for `samples`; `resolve` maps a tag path to its storage slot (a Map
 * lookup on the sample's own path string, whose hash V8 caches). `seen` is called for each stored
 * sample, in order, so the caller can keep latest values.
 */
export function buildBatch(
  samples: readonly Sample[],
  resolve: (path: string) => TagSlot | undefined,
  seen: (id: number, sample: Sample) => void,
): BuiltBatch {
  const n = samples.length;
  const tag = new Int32Array(n);
  const ts = new Float64Array(n);
  const num = new Float64Array(n);
  const quality = new Uint8Array(n);
  const strIndex: number[] = [];
  const strValues: string[] = [];
  let unknown = 0;
  let firstUnknown: string | undefined;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const sample = samples[i];
    const slot = resolve(sample.tag);
    if (slot === undefined) {
      unknown++;
      firstUnknown ??= sample.tag;
      continue;
    }
    tag[k] = slot.id;
    ts[k] = sample.ts;
    quality[k] = QUALITY_CODES[sample.quality] ?? QUALITY_CODES.bad;
    const value = sample.value;
    if (typeof value === 'number') num[k] = value;
    else if (typeof value === 'boolean') num[k] = value ? 1 : 0;
    else {
      strIndex.push(k);
      strValues.push(typeof value === 'string' ? value : JSON.stringify(value));
    }
    seen(slot.id, sample);
    k++;
  }
  const batch: ColumnBatch = {
    count: k,
    tag: k === n ? tag : tag.slice(0, k),
    ts: k === n ? ts : ts.slice(0, k),
    num: k === n ? num : num.slice(0, k),
    quality: k === n ? quality : quality.slice(0, k),
    strIndex: Int32Array.from(strIndex),
    strValues,
  };
  return { batch, unknown, firstUnknown };
}

/** The buffers to transfer with a batch. */
export function transferList(batch: ColumnBatch): ArrayBuffer[] {
  return [batch.tag.buffer, batch.ts.buffer, batch.num.buffer, batch.quality.buffer, batch.strIndex.buffer] as ArrayBuffer[];
}
