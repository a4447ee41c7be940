import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { topicMatches, type Quality, type Sample, type TagDefinition } from '../model/index.js';
import { buildBatch, transferList } from './column-batch.js';
import {
  QUALITY_NAMES,
  type AlignedBucketsResult,
  type FromWorker,
  type Request,
  type StoredKind,
  type StoredCorrection,
  type StoredLatest,
  type StoredTag,
  type TableCounts,
  type WorkerQueryResult,
} from './protocol.js';
import { alignedGrid, alignedResult, type AlignedQuery, type AlignedResult } from './aligned.js';
import { boundaryPoint, storedValue, toResult, type StoredRow } from './answers.js';
import { changedPoints, checkCounterSums, checkValueChanges, counterSumsResult, type CounterSumsQuery, type CounterSumsResult, type ValueChangesQuery } from './reductions.js';
import { checkCorrections, toCorrection } from './corrections.js';
import { interpolatedResult, valueAtResult, type NeighbourRow } from './interpolation.js';
import { checkInterpolation, checkQuery } from './query-plan.js';
import { stagePath } from './schema.js';
import { spawnWriter } from './spawn-writer.js';
import type {
  Correction,
  CorrectionQuery,
  Historian,
  HistorianStats,
  HistoryPoint,
  HistoryQuery,
  HistoryResult,
  InterpolatedQuery,
  InterpolatedResult,
  LatestValue,
  RetentionPolicy,
  ValueAtQuery,
  ValueAtResult,
  WriteReport,
} from './types.js';

/** The few logger methods the historian uses (a pino logger fits). */
export interface HistorianLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DuckDbHistorianOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** Least time between two commits (default 5 ms): under load, commits group many writes. */
  flushIntervalMs?: number;
  /** Samples accepted but not yet durable before `write` waits (default 1,000,000). */
  maxPendingSamples?: number;
  /** Compact the landing table into `raw` and the rollups once it holds this many rows (default 2,000,000)... */
  compactRows?: number;
  /** ...or once its oldest commit is this old (default 60 s). */
  compactAfterMs?: number;
  /** DuckDB threads for compaction and queries (default: cores - 1, at least 1, leaving a core to the event loop). */
  threads?: number;
  logger?: HistorianLogger;
}

interface TagInfo {
  id: number;
  path: string;
  kind: StoredKind;
}

interface PendingWrite {
  resolve: () => void;
  reject: (error: Error) => void;
  rows: number;
  started: number;
}

const KIND_OF: Record<TagDefinition['type'], StoredKind> = { number: 'number', boolean: 'boolean', string: 'text', json: 'text' };

/**
 * The embedded historian: DuckDB in a worker thread, samples appended in column batches, compacted
 * per time chunk into a (tag, ts)-ordered table with exact 1-minute and 1-hour rollups.
 *
 * @example
 * const historian = new DuckDbHistorian({ path: 'data/loom.duckdb' });
 * await historian.open();
 * await historian.defineTags(registry.all());
 * bus.subscribe('#', (samples) => historian.write(samples), { name: 'historian', maxBatch: 5000 });
 */
export class DuckDbHistorian implements Historian {
  private worker?: Worker;
  private failure?: Error;
  private readonly byPath = new Map<string, TagInfo>();
  private readonly byId: Array<TagInfo | undefined> = [];
  private readonly latestById: Array<Sample | undefined> = [];
  private readonly writes = new Map<number, PendingWrite>();
  private readonly requests = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly writeListeners: Array<(report: WriteReport) => void> = [];
  private roomWaiters: Array<() => void> = [];
  private nextId = 1;
  private pending = 0;
  private written = 0;
  private readonly maxPending: number;

  constructor(private readonly options: DuckDbHistorianOptions) {
    this.maxPending = options.maxPendingSamples ?? 1_000_000;
  }

  async open(): Promise<void> {
    if (this.worker) throw new Error('historian is already open');
    const worker = spawnWriter({
      path: this.options.path,
      flushIntervalMs: this.options.flushIntervalMs ?? 5,
      compactRows: this.options.compactRows ?? 2_000_000,
      compactAfterMs: this.options.compactAfterMs ?? 60_000,
      threads: this.options.threads ?? Math.max(1, availableParallelism() - 1),
    });
    this.worker = worker;
    this.failure = undefined;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`historian worker exited (code ${code})`)));
    let opened: { tags: StoredTag[]; latest: StoredLatest[] };
    try {
      opened = await this.request({ type: 'open' });
    } catch (error) {
      // E.g. the file is locked by another process: stop the worker so nothing keeps running.
      this.worker = undefined;
      worker.removeAllListeners('exit');
      await worker.terminate();
      throw new Error(`cannot open historian database '${this.options.path}': ${(error as Error).message}`);
    }
    for (const tag of opened.tags) this.remember(tag);
    for (const row of opened.latest) {
      const info = this.byId[row.tag];
      if (info) this.latestById[row.tag] = { tag: info.path, ts: row.ts, value: storedValue(info.kind, { ...row, q: row.quality }), quality: QUALITY_NAMES[row.quality] ?? 'bad' };
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.request({ type: 'close' });
    } finally {
      this.worker = undefined;
      worker.removeAllListeners('exit');
      await worker.terminate();
      this.fail(new Error('historian is closed'));
    }
  }

  async defineTags(tags: ReadonlyArray<TagDefinition & { id: number }>): Promise<void> {
    const stored = await this.request<StoredTag[]>({ type: 'define', tags: tags.map((t) => ({ path: t.path, kind: KIND_OF[t.type] })) });
    for (const tag of stored) this.remember(tag);
  }

  async write(samples: readonly Sample[]): Promise<void> {
    const worker = this.ready();
    if (samples.length === 0) return;
    const { batch, unknown, firstUnknown } = buildBatch(
      samples,
      (path) => this.byPath.get(path),
      (id, sample) => {
        const last = this.latestById[id];
        if (last === undefined || sample.ts >= last.ts) this.latestById[id] = sample;
      },
    );
    if (batch.count > 0) {
      while (this.pending > 0 && this.pending + batch.count > this.maxPending) {
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        this.ready();
      }
      const writeId = this.nextId++;
      const durable = new Promise<void>((resolve, reject) => {
        this.writes.set(writeId, { resolve, reject, rows: batch.count, started: performance.now() });
      });
      this.pending += batch.count;
      worker.postMessage({ type: 'append', writeId, batch }, transferList(batch));
      await durable;
    }
    if (unknown > 0) {
      throw new Error(`${unknown} sample(s) of undefined tags were not stored (first: '${firstUnknown}'); define the tags first`);
    }
  }

  async flush(): Promise<void> {
    await this.request({ type: 'flush' });
  }

  async query(query: HistoryQuery): Promise<HistoryResult> {
    const info = this.tagInfo(query.tag);
    const checked = checkQuery(query, info.kind);
    const answer = await this.request<WorkerQueryResult>({ type: 'query', query: { ...checked, tagId: info.id, kind: info.kind } });
    const result = toResult(query, info.kind, checked.agg, answer);
    if (checked.boundary) result.before = boundaryPoint(info.kind, (await this.neighbours(info.id, checked.from - 1, checked.from, 1))[0].before);
    return result;
  }

  /** Numeric tags in one statement on the worker (one query per tag took 10x as long for 10 tags); text tags one by one. */
  async queryAligned(query: AlignedQuery): Promise<AlignedResult> {
    const grid = alignedGrid(query);
    const infos = query.tags.map((tag) => this.tagInfo(tag));
    const aggs = infos.map((info, i) => checkQuery({ tag: query.tags[i], from: query.from, to: query.to, bucketMs: grid.bucketMs, agg: query.agg }, info.kind).agg);
    const numeric = infos.filter((info) => info.kind !== 'text');
    const byTag = new Map<number, WorkerQueryResult>();
    if (numeric.length > 0) {
      const from = grid.buckets[0];
      const to = grid.buckets[grid.buckets.length - 1] + grid.bucketMs;
      const agg = aggs[infos.indexOf(numeric[0])];
      const answer = await this.request<AlignedBucketsResult>({ type: 'aligned', query: { tagIds: numeric.map((i) => i.id), from, to, bucketMs: grid.bucketMs, agg } });
      for (const info of numeric) byTag.set(info.id, { resolution: answer.resolution, bucketMs: grid.bucketMs, ts: [], values: [], quality: null });
      answer.tags.forEach((id, j) => {
        byTag.get(id)!.ts.push(answer.ts[j]);
        byTag.get(id)!.values.push(answer.values[j]);
      });
    }
    const results = await Promise.all(
      infos.map((info, i) => {
        const tag = query.tags[i];
        if (info.kind === 'text') return this.query({ tag, from: query.from, to: query.to, bucketMs: grid.bucketMs, agg: query.agg });
        return toResult({ tag, from: query.from, to: query.to }, info.kind, aggs[i], byTag.get(info.id)!);
      }),
    );
    return alignedResult(query, grid, results);
  }

  async interpolate(query: InterpolatedQuery): Promise<InterpolatedResult> {
    const info = this.tagInfo(query.tag);
    const checked = checkInterpolation(query, info.kind);
    return interpolatedResult(query.tag, info.kind, checked, await this.neighbours(info.id, checked.from, checked.to, checked.stepMs));
  }

  async valueAt(query: ValueAtQuery): Promise<ValueAtResult> {
    const info = this.tagInfo(query.tag);
    const checked = checkInterpolation({ ...query, from: query.ts, to: query.ts + 1, stepMs: 1 }, info.kind);
    return valueAtResult(query.tag, info.kind, checked, (await this.neighbours(info.id, query.ts, query.ts + 1, 1))[0]);
  }

  async corrections(query: CorrectionQuery): Promise<Correction[]> {
    const filter = checkCorrections(query, (tag) => this.tagInfo(tag).id);
    const stored = await this.request<StoredCorrection[]>({ type: 'corrections', filter });
    return stored.flatMap((c) => {
      const info = this.byId[c.tag];
      return info ? [toCorrection(info.path, info.kind, c)] : [];
    });
  }

  async valueChanges(query: ValueChangesQuery): Promise<HistoryPoint[]> {
    const info = this.tagInfo(query.tag);
    checkValueChanges(query);
    return changedPoints(info.kind, await this.request<StoredRow[]>({ type: 'changes', query: { tagId: info.id, from: query.from, to: query.to } }));
  }

  async counterSums(query: CounterSumsQuery): Promise<CounterSumsResult> {
    const info = this.tagInfo(query.tag);
    if (info.kind === 'text') throw new Error(`counter sums of '${query.tag}': a text tag is no counter`);
    checkCounterSums(query);
    return counterSumsResult(query, await this.request<number[][]>({ type: 'counterSums', query: { ...query, cuts: [...query.cuts], tagId: info.id } }));
  }

  latest(pattern?: string): LatestValue[] {
    const values: LatestValue[] = [];
    for (const sample of this.latestById) {
      if (sample === undefined) continue;
      if (pattern !== undefined && !topicMatches(pattern, sample.tag)) continue;
      values.push({ tag: sample.tag, ts: sample.ts, value: sample.value, quality: sample.quality as Quality });
    }
    return values;
  }

  async applyRetention(policy: RetentionPolicy, now = Date.now(), tags?: readonly string[]): Promise<{ raw: number; minute: number; hour: number }> {
    const tagIds = tags?.flatMap((path) => this.byPath.get(path)?.id ?? []);
    if (tagIds !== undefined && tagIds.length === 0) return { raw: 0, minute: 0, hour: 0 };
    return this.request({ type: 'retention', policy, now, tagIds });
  }

  async stats(): Promise<HistorianStats> {
    const counts = await this.request<TableCounts>({ type: 'counts' });
    let bytes = 0;
    if (this.options.path !== ':memory:') {
      for (const file of [this.options.path, stagePath(this.options.path)]) bytes += (await fileSize(file)) + (await fileSize(`${file}.wal`));
    }
    const rawRows = counts.rawRows + counts.landingRows;
    return {
      tags: this.byPath.size,
      rawRows,
      minuteRows: counts.minuteRows,
      hourRows: counts.hourRows,
      bytes,
      bytesPerSample: rawRows > 0 ? bytes / rawRows : null,
      pendingSamples: this.pending,
      samplesWritten: this.written,
      corrections: counts.corrections,
    };
  }

  onWrite(listener: (report: WriteReport) => void): void {
    this.writeListeners.push(listener);
  }

  private tagInfo(path: string): TagInfo {
    const info = this.byPath.get(path);
    if (!info) throw new Error(`unknown tag '${path}': the historian has no such tag`);
    return info;
  }

  private neighbours(tagId: number, from: number, to: number, stepMs: number): Promise<NeighbourRow[]> {
    return this.request<NeighbourRow[]>({ type: 'neighbours', query: { tagId, from, to, stepMs } });
  }

  private remember(tag: StoredTag): void {
    const info: TagInfo = { id: tag.id, path: tag.path, kind: tag.kind };
    this.byPath.set(tag.path, info);
    this.byId[tag.id] = info;
  }

  private ready(): Worker {
    if (this.failure && this.worker === undefined) throw this.failure;
    if (!this.worker) throw new Error('historian is not open: call open() first');
    if (this.failure) throw this.failure;
    return this.worker;
  }

  private request<T>(request: Request): Promise<T> {
    const worker = this.ready();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.requests.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'reply': {
        const waiter = this.requests.get(message.id);
        this.requests.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.error));
        return;
      }
      case 'durable': {
        const now = performance.now();
        let oldest = now;
        for (const id of message.writeIds) {
          const write = this.writes.get(id);
          if (!write) continue;
          this.writes.delete(id);
          this.settle(write.rows);
          oldest = Math.min(oldest, write.started);
          write.resolve();
        }
        this.written += message.rows;
        const report: WriteReport = { rows: message.rows, latencyMs: now - oldest };
        for (const listener of this.writeListeners) listener(report);
        return;
      }
      case 'write-failed':
        for (const id of message.writeIds) {
          const write = this.writes.get(id);
          if (!write) continue;
          this.writes.delete(id);
          this.settle(write.rows);
          write.reject(new Error(`historian write failed: ${message.error}`));
        }
        return;
      case 'log':
        this.options.logger?.[message.level](message.message);
        return;
    }
  }

  private settle(rows: number): void {
    this.pending -= rows;
    if (this.roomWaiters.length > 0 && this.pending < this.maxPending) {
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Rejects everything in flight; later calls fail with the same error. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const write of this.writes.values()) write.reject(error);
    this.writes.clear();
    for (const waiter of this.requests.values()) waiter.reject(error);
    this.requests.clear();
    this.pending = 0;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const wake of waiters) wake();
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
