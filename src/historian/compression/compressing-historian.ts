// Compression in front of any historian backend: each numeric tag's samples go through its
// TagCompressor and only the ones it keeps are written. Being in front of the backend keeps DuckDB and
// PostgreSQL identical (one conformance suite covers both), at the price that rollups are computed from
// the stored points, as PI computes them from archived values (see README.md).
//
// `withCompression` returns the backend behind a Proxy: the methods compression changes (open, close,
// defineTags, write, flush, latest, stats) are the stage's, every other one, including methods the
// Historian interface gains later, goes to the backend unchanged.

import type { Sample, TagDefinition } from '../../model/index.js';
import type { CompressionStats, Historian, HistorianStats, LatestValue } from '../types.js';
import { resolveCompression, type ResolvedCompression } from './settings.js';
import type { CompressionConfig } from './config.js';
import { TagCompressor } from './tag-compressor.js';

/** Called once per tag whose settings cannot be resolved (e.g. a percentage without a span). */
export type UnresolvedListener = (tag: string, reason: string) => void;

/** The methods of a historian that compression takes over. */
const OVERRIDDEN = new Set<PropertyKey>(['open', 'close', 'defineTags', 'write', 'flush', 'latest', 'stats', 'compressionStats']);

/**
 * The backend with numeric tags stored compressed (settings resolved per tag at `defineTags`).
 *
 * @example
 * const historian = withCompression(new DuckDbHistorian({ path }), config.historian.compression);
 * await historian.open();
 * await historian.defineTags(registry.all());
 */
export function withCompression<H extends Historian>(backend: H, config: CompressionConfig, onUnresolved?: UnresolvedListener): H & { compressionStats(): CompressionStats } {
  const stage = new CompressionStage(backend, config, onUnresolved);
  return new Proxy(backend, {
    get(target, property) {
      const owner: object = OVERRIDDEN.has(property) ? stage : target;
      const value: unknown = Reflect.get(owner, property, owner);
      return typeof value === 'function' ? value.bind(owner) : value;
    },
  }) as H & { compressionStats(): CompressionStats };
}

class CompressionStage {
  private readonly compressors = new Map<string, TagCompressor>();
  private readonly unresolved = new Map<string, string>();
  /** Held points of tags whose settings changed, to be stored with the next write. */
  private carried: Sample[] = [];
  private received = 0;
  private stored = 0;

  constructor(
    readonly inner: Historian,
    private readonly config: CompressionConfig,
    private readonly onUnresolved?: UnresolvedListener,
  ) {}

  open(): Promise<void> {
    return this.inner.open();
  }

  /** Stores the held points, then closes the backend (also when storing them failed: that error is thrown after). */
  async close(): Promise<void> {
    let failure: unknown;
    try {
      await this.writeHeld();
    } catch (error) {
      failure = error;
    }
    await this.inner.close();
    if (failure !== undefined) throw failure;
  }

  async defineTags(tags: ReadonlyArray<TagDefinition & { id: number }>): Promise<void> {
    for (const tag of tags) this.configure(tag, resolveCompression(this.config, tag));
    await this.inner.defineTags(tags);
  }

  write(samples: readonly Sample[]): Promise<void> {
    this.received += samples.length;
    if (this.compressors.size === 0 && this.carried.length === 0) {
      this.stored += samples.length;
      return this.inner.write(samples);
    }
    const keep: Sample[] = this.takeCarried();
    for (const sample of samples) {
      const compressor = this.compressors.get(sample.tag);
      if (compressor) compressor.offer(sample, keep);
      else keep.push(sample);
    }
    this.stored += keep.length;
    return keep.length > 0 ? this.inner.write(keep) : Promise.resolve();
  }

  /** Stores every held point first, so that what was received so far can be read back. */
  async flush(): Promise<void> {
    await this.writeHeld();
    await this.inner.flush();
  }

  /** The newest value received per tag, stored or not. */
  latest(pattern?: string): LatestValue[] {
    return this.inner.latest(pattern).map((value) => {
      const newest = this.compressors.get(value.tag)?.lastReceived;
      return newest && newest.ts > value.ts ? { tag: value.tag, ts: newest.ts, value: newest.value, quality: newest.quality } : value;
    });
  }

  async stats(): Promise<HistorianStats> {
    return { ...(await this.inner.stats()), compression: this.compressionStats() };
  }

  compressionStats(): CompressionStats {
    return {
      samplesReceived: this.received,
      samplesStored: this.stored,
      ratio: this.stored > 0 ? this.received / this.stored : null,
      compressedTags: this.compressors.size,
      unresolvedTags: [...this.unresolved].map(([tag, reason]) => ({ tag, reason })),
    };
  }

  private configure(tag: TagDefinition, resolved: ResolvedCompression): void {
    const current = this.compressors.get(tag.path);
    if (resolved.compress && current && sameSettings(current.settings, resolved.settings)) return;
    // New settings, or none: the old compressor's held points go out with the next write.
    if (current) {
      current.drain(this.carried);
      this.compressors.delete(tag.path);
    }
    if (resolved.compress) {
      this.unresolved.delete(tag.path);
      this.compressors.set(tag.path, new TagCompressor(resolved.settings));
    } else if (resolved.problem) {
      if (!this.unresolved.has(tag.path)) this.onUnresolved?.(tag.path, resolved.reason);
      this.unresolved.set(tag.path, resolved.reason);
    }
  }

  private async writeHeld(): Promise<void> {
    const held = this.takeCarried();
    for (const compressor of this.compressors.values()) compressor.drain(held);
    if (held.length === 0) return;
    this.stored += held.length;
    await this.inner.write(held);
  }

  private takeCarried(): Sample[] {
    const carried = this.carried;
    this.carried = [];
    return carried;
  }
}

function sameSettings(a: TagCompressor['settings'], b: TagCompressor['settings']): boolean {
  return a.excDev === b.excDev && a.excMax === b.excMax && a.compDev === b.compDev && a.compMax === b.compMax;
}
