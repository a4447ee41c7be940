import pg from 'pg';
import { topicMatches, type Quality, type Sample, type TagDefinition } from '../../model/index.js';
import type { HistorianLogger } from '../duckdb-historian.js';
import { queryAlignedByTag, type AlignedQuery, type AlignedResult } from '../aligned.js';
import { boundaryPoint, storedValue, toResult } from '../answers.js';
import { checkCorrections, toCorrection } from '../corrections.js';
import { interpolatedResult, valueAtResult } from '../interpolation.js';
import { QUALITY_CODES, QUALITY_NAMES, type StoredKind } from '../protocol.js';
import { checkInterpolation, checkQuery } from '../query-plan.js';
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
} from '../types.js';
import { copyNumber, copyText } from './copy-in.js';
import { mergeBatch } from './merge.js';
import { partitionName, Partitions } from './partitions.js';
import { runPgCorrections, runPgNeighbours, runPgQuery } from './pg-query.js';
import { runPgCounterSums, runPgValueChanges } from './pg-reductions.js';
import { changedPoints, checkCounterSums, checkValueChanges, counterSumsResult, type CounterSumsQuery, type CounterSumsResult, type ValueChangesQuery } from '../reductions.js';
import { DAY_MS, ident, schemaSql, WRITER_TEMP_SQL } from './pg-sql.js';
import { chooseLayout, createHypertable, dropChunks, type RawLayout } from './timescale.js';

export interface PostgresHistorianOptions {
  /** Connection URL, e.g. `postgres://loom@db.plant.local:5432/loom`. */
  url: string;
  /** Schema holding the historian's tables (default `loom`); created when missing. */
  schema?: string;
  /** `application_name` of the connections, as `pg_stat_activity` shows it (default `loom-historian`). */
  applicationName?: string;
  /** Connections for queries, besides the one writer connection (default 4). */
  queryConnections?: number;
  /** Most samples one commit holds; under load, waiting writes are grouped up to this (default 50,000). */
  maxBatchRows?: number;
  /** Samples accepted but not yet durable before `write` waits (default 1,000,000). */
  maxPendingSamples?: number;
  /** Use TimescaleDB hypertables when the extension is available (default true). */
  timescale?: boolean;
  /** TimescaleDB only: compress chunks older than this (default 7 days). */
  compressAfterMs?: number;
  logger?: HistorianLogger;
}

interface TagInfo {
  id: number;
  path: string;
  kind: StoredKind;
}

interface Job {
  lines: string[];
  rows: number;
  days: Set<number>;
  started: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

const KIND_OF: Record<TagDefinition['type'], StoredKind> = { number: 'number', boolean: 'boolean', string: 'text', json: 'text' };
/** Lines per COPY data message (about 50-100 KB). */
const LINES_PER_CHUNK = 2_000;

/**
 * The scale-out historian: PostgreSQL 15+ via `pg`. Each commit COPYs samples into a staging table
 * and merges them, deduplicated per (tag, ts), into a table partitioned by day, recomputing the
 * 1-minute and 1-hour rollup buckets they touch in the same transaction. Same answers as the
 * embedded DuckDB backend (one conformance suite runs against both).
 *
 * @example
 * const historian = new PostgresHistorian({ url: 'postgres://loom@127.0.0.1:5432/loom' });
 * await historian.open();
 * await historian.defineTags(registry.all());
 * bus.subscribe('#', (samples) => historian.write(samples), { name: 'historian', maxBatch: 5000 });
 */
export class PostgresHistorian implements Historian {
  private pool?: pg.Pool;
  private writer?: pg.PoolClient;
  /** The writer connection failed (server restart, network): the next commit reconnects first. */
  private writerBroken = false;
  private failure?: Error;
  private layout: RawLayout = 'partitioned';
  private readonly schema: string;
  private readonly partitions: Partitions;
  private readonly byPath = new Map<string, TagInfo>();
  private readonly latestById = new Map<number, Sample>();
  private readonly writeListeners: Array<(report: WriteReport) => void> = [];
  private queue: Job[] = [];
  private draining = false;
  /** Serialises commits, retention and close on the writer connection. */
  private chain: Promise<void> = Promise.resolve();
  private roomWaiters: Array<() => void> = [];
  private seq = 0;
  private pending = 0;
  private written = 0;
  private readonly maxPending: number;
  private readonly maxBatchRows: number;

  constructor(private readonly options: PostgresHistorianOptions) {
    this.schema = options.schema ?? 'loom';
    this.partitions = new Partitions(this.schema);
    this.maxPending = options.maxPendingSamples ?? 1_000_000;
    this.maxBatchRows = options.maxBatchRows ?? 50_000;
  }

  async open(): Promise<void> {
    if (this.pool) throw new Error('historian is already open');
    // No JIT: compiling a plan takes about a second, and the planner's cost for the per-minute
    // partition probes of an unaligned trend passes its threshold; every query here runs in ms.
    const pool = new pg.Pool({
      connectionString: this.options.url,
      max: (this.options.queryConnections ?? 4) + 1,
      application_name: this.options.applicationName ?? 'loom-historian',
      options: '-c jit=off',
    });
    pool.on('error', (error) => this.options.logger?.warn(`historian: idle PostgreSQL connection failed: ${error.message}`));
    let writer: pg.PoolClient | undefined;
    try {
      writer = await pool.connect();
      this.watch(writer);
      this.layout = await chooseLayout(writer, this.schema, this.options.timescale ?? true);
      if (this.layout === 'hypertable') {
        await createHypertable(writer, this.schema, this.options.compressAfterMs ?? 7 * DAY_MS);
        this.options.logger?.info(`historian: TimescaleDB hypertable for ${this.schema}.raw`);
      }
      await writer.query(schemaSql(this.schema));
      await writer.query(WRITER_TEMP_SQL);
      if (this.layout === 'partitioned') await this.partitions.load(writer);
      const s = ident(this.schema);
      const tags = await writer.query<{ id: number; path: string; kind: StoredKind }>(`SELECT id, path, kind FROM ${s}.tags`);
      for (const tag of tags.rows) this.remember(tag);
      const latest = await writer.query<{ tag: number; ts: string; q: number; num: number | null; str: string | null }>(
        `SELECT tag, ts, q, num, str FROM ${s}.latest`,
      );
      this.latestById.clear();
      const byId = new Map([...this.byPath.values()].map((t) => [t.id, t]));
      for (const row of latest.rows) {
        const info = byId.get(row.tag);
        if (info) this.latestById.set(row.tag, { tag: info.path, ts: Number(row.ts), value: storedValue(info.kind, { ...row, ts: Number(row.ts) }), quality: QUALITY_NAMES[row.q] ?? 'bad' });
      }
    } catch (error) {
      writer?.release(true);
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open PostgreSQL historian at ${redact(this.options.url)} (schema '${this.schema}'): ${(error as Error).message}`);
    }
    this.pool = pool;
    this.writer = writer;
    this.writerBroken = false;
    this.failure = undefined;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    try {
      await this.flush();
    } finally {
      this.failure = new Error('historian is closed');
      this.writer?.release(this.writerBroken);
      this.writer = undefined;
      this.pool = undefined;
      await pool.end();
    }
  }

  async defineTags(tags: ReadonlyArray<TagDefinition & { id: number }>): Promise<void> {
    const { pool } = this.ready();
    if (tags.length === 0) return;
    const s = ident(this.schema);
    // One row per path (the last definition wins): an upsert may not touch a row twice.
    const kinds = new Map(tags.map((t) => [t.path, KIND_OF[t.type]]));
    const paths = [...kinds.keys()];
    await pool.query(
      `INSERT INTO ${s}.tags (path, kind) SELECT * FROM unnest($1::text[], $2::text[])
        ON CONFLICT (path) DO UPDATE SET kind = EXCLUDED.kind WHERE ${s}.tags.kind <> EXCLUDED.kind`,
      [paths, [...kinds.values()]],
    );
    const stored = await pool.query<{ id: number; path: string; kind: StoredKind }>(`SELECT id, path, kind FROM ${s}.tags WHERE path = ANY($1::text[])`, [paths]);
    for (const tag of stored.rows) this.remember(tag);
  }

  async write(samples: readonly Sample[]): Promise<void> {
    this.ready();
    if (samples.length === 0) return;
    let unknown = 0;
    let firstUnknown: string | undefined;
    const lines: string[] = [];
    const days = new Set<number>();
    let chunk = '';
    let inChunk = 0;
    let rows = 0;
    for (const sample of samples) {
      const info = this.byPath.get(sample.tag);
      if (!info) {
        unknown++;
        firstUnknown ??= sample.tag;
        continue;
      }
      const ts = Math.trunc(sample.ts);
      const value = sample.value;
      const q = QUALITY_CODES[sample.quality] ?? QUALITY_CODES.bad;
      const num = typeof value === 'number' ? copyNumber(value) : typeof value === 'boolean' ? (value ? '1' : '0') : '\\N';
      const str = typeof value === 'number' || typeof value === 'boolean' ? '\\N' : copyText(typeof value === 'string' ? value : JSON.stringify(value));
      chunk += `${info.id}\t${ts}\t${this.seq++}\t${q}\t${num}\t${str}\n`;
      if (++inChunk === LINES_PER_CHUNK) {
        lines.push(chunk);
        chunk = '';
        inChunk = 0;
      }
      days.add(Math.floor(ts / DAY_MS) * DAY_MS);
      const last = this.latestById.get(info.id);
      if (last === undefined || ts >= last.ts) this.latestById.set(info.id, sample);
      rows++;
    }
    if (chunk) lines.push(chunk);
    if (rows > 0) {
      while (this.pending > 0 && this.pending + rows > this.maxPending) {
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        this.ready();
      }
      const durable = new Promise<void>((resolve, reject) => {
        this.queue.push({ lines, rows, days, started: performance.now(), resolve, reject });
      });
      this.pending += rows;
      this.scheduleDrain();
      await durable;
    }
    if (unknown > 0) {
      throw new Error(`${unknown} sample(s) of undefined tags were not stored (first: '${firstUnknown}'); define the tags first`);
    }
  }

  async flush(): Promise<void> {
    while (this.draining || this.queue.length > 0) await this.exclusive(async () => undefined);
  }

  async query(query: HistoryQuery): Promise<HistoryResult> {
    const { pool } = this.ready();
    const info = this.tagInfo(query.tag);
    const checked = checkQuery(query, info.kind);
    const result = toResult(query, info.kind, checked.agg, await runPgQuery(pool, this.schema, { ...checked, tagId: info.id, kind: info.kind }));
    if (checked.boundary) {
      const [row] = await runPgNeighbours(pool, this.schema, { tagId: info.id, from: checked.from - 1, to: checked.from, stepMs: 1 });
      result.before = boundaryPoint(info.kind, row.before);
    }
    return result;
  }

  /** One query per tag, concurrently on the pool's connections. */
  queryAligned(query: AlignedQuery): Promise<AlignedResult> {
    this.ready();
    return queryAlignedByTag(this, query);
  }

  async interpolate(query: InterpolatedQuery): Promise<InterpolatedResult> {
    const { pool } = this.ready();
    const info = this.tagInfo(query.tag);
    const checked = checkInterpolation(query, info.kind);
    const rows = await runPgNeighbours(pool, this.schema, { tagId: info.id, from: checked.from, to: checked.to, stepMs: checked.stepMs });
    return interpolatedResult(query.tag, info.kind, checked, rows);
  }

  async valueAt(query: ValueAtQuery): Promise<ValueAtResult> {
    const { pool } = this.ready();
    const info = this.tagInfo(query.tag);
    const checked = checkInterpolation({ ...query, from: query.ts, to: query.ts + 1, stepMs: 1 }, info.kind);
    const [row] = await runPgNeighbours(pool, this.schema, { tagId: info.id, from: query.ts, to: query.ts + 1, stepMs: 1 });
    return valueAtResult(query.tag, info.kind, checked, row);
  }

  async valueChanges(query: ValueChangesQuery): Promise<HistoryPoint[]> {
    const { pool } = this.ready();
    const info = this.tagInfo(query.tag);
    checkValueChanges(query);
    return changedPoints(info.kind, await runPgValueChanges(pool, this.schema, info.id, query.from, query.to));
  }

  async counterSums(query: CounterSumsQuery): Promise<CounterSumsResult> {
    const { pool } = this.ready();
    const info = this.tagInfo(query.tag);
    if (info.kind === 'text') throw new Error(`counter sums of '${query.tag}': a text tag is no counter`);
    checkCounterSums(query);
    return counterSumsResult(query, await runPgCounterSums(pool, this.schema, info.id, query));
  }

  async corrections(query: CorrectionQuery): Promise<Correction[]> {
    const { pool } = this.ready();
    const filter = checkCorrections(query, (tag) => this.tagInfo(tag).id);
    const byId = new Map([...this.byPath.values()].map((t) => [t.id, t]));
    return (await runPgCorrections(pool, this.schema, filter)).flatMap((c) => {
      const info = byId.get(c.tag);
      return info ? [toCorrection(info.path, info.kind, c)] : [];
    });
  }

  latest(pattern?: string): LatestValue[] {
    const values: LatestValue[] = [];
    for (const sample of this.latestById.values()) {
      if (pattern !== undefined && !topicMatches(pattern, sample.tag)) continue;
      values.push({ tag: sample.tag, ts: sample.ts, value: sample.value, quality: sample.quality as Quality });
    }
    return values;
  }

  /**
   * Raw samples: whole partitions (days) that end before the cut are dropped, the rest of the cut
   * is deleted from the one partition it falls in. Rollups: rows whose bucket ended before their cut.
   * With `tags` (a retention class), only their rows are deleted: partitions hold every tag.
   */
  async applyRetention(policy: RetentionPolicy, now = Date.now(), tags?: readonly string[]): Promise<{ raw: number; minute: number; hour: number }> {
    this.ready();
    const tagIds = tags?.flatMap((path) => this.byPath.get(path)?.id ?? []);
    if (tagIds !== undefined && tagIds.length === 0) return { raw: 0, minute: 0, hour: 0 };
    if (tagIds !== undefined) return this.exclusive(() => this.deleteOfTags(policy, now, tagIds));
    return this.exclusive(async () => {
      const writer = await this.writerClient();
      const s = ident(this.schema);
      const rawCut = Math.floor(now - policy.rawMs);
      let raw = 0;
      if (this.layout === 'hypertable') {
        raw += await dropChunks(writer, this.schema, rawCut);
      } else {
        for (const day of this.partitions.before(rawCut)) {
          const table = `${s}.${ident(partitionName(day))}`;
          const counted = await writer.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
          await writer.query(`DROP TABLE ${table}`);
          this.partitions.forget(day);
          raw += Number(counted.rows[0].n);
        }
      }
      raw += (await writer.query(`DELETE FROM ${s}.raw WHERE ts < $1`, [rawCut])).rowCount ?? 0;
      // A correction explains a raw sample: it goes with it.
      await writer.query(`DELETE FROM ${s}.corrections WHERE ts < $1`, [rawCut]);
      const minute = (await writer.query(`DELETE FROM ${s}.rollup_1m WHERE bucket + 60000 <= $1`, [Math.floor(now - policy.minuteMs)])).rowCount ?? 0;
      const hour = (await writer.query(`DELETE FROM ${s}.rollup_1h WHERE bucket + 3600000 <= $1`, [Math.floor(now - policy.hourMs)])).rowCount ?? 0;
      return { raw, minute, hour };
    });
  }

  private async deleteOfTags(policy: RetentionPolicy, now: number, tagIds: number[]): Promise<{ raw: number; minute: number; hour: number }> {
    const writer = await this.writerClient();
    const s = ident(this.schema);
    const cut = async (table: string, column: string, before: number) =>
      (await writer.query(`DELETE FROM ${s}.${table} WHERE ${column} < $1 AND tag = ANY($2::int[])`, [Math.floor(before), tagIds])).rowCount ?? 0;
    await cut('corrections', 'ts', now - policy.rawMs);
    return {
      raw: await cut('raw', 'ts', now - policy.rawMs),
      minute: await cut('rollup_1m', 'bucket + 60000', now - policy.minuteMs + 1),
      hour: await cut('rollup_1h', 'bucket + 3600000', now - policy.hourMs + 1),
    };
  }

  async stats(): Promise<HistorianStats> {
    const { pool } = this.ready();
    const s = ident(this.schema);
    const size =
      this.layout === 'hypertable'
        ? `(SELECT hypertable_size('${s}.raw'::regclass)) + (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'raw')`
        : `(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm'))`;
    const result = await pool.query<{ raw: string; minute: string; hour: string; bytes: string; corrections: string }>(
      `SELECT (SELECT count(*) FROM ${s}.raw) AS raw, (SELECT count(*) FROM ${s}.rollup_1m) AS minute,
        (SELECT count(*) FROM ${s}.corrections) AS corrections,
        (SELECT count(*) FROM ${s}.rollup_1h) AS hour, ${size} AS bytes`,
      [this.schema],
    );
    const row = result.rows[0];
    const rawRows = Number(row.raw);
    const bytes = Number(row.bytes);
    return {
      tags: this.byPath.size,
      rawRows,
      minuteRows: Number(row.minute),
      hourRows: Number(row.hour),
      bytes,
      bytesPerSample: rawRows > 0 ? bytes / rawRows : null,
      pendingSamples: this.pending,
      samplesWritten: this.written,
      corrections: Number(row.corrections),
    };
  }

  onWrite(listener: (report: WriteReport) => void): void {
    this.writeListeners.push(listener);
  }

  /** Whether `raw` is natively partitioned or a TimescaleDB hypertable (known after open). */
  get rawLayout(): RawLayout {
    return this.layout;
  }

  /** A checked-out client without an 'error' listener would crash the process when the server goes away. */
  private watch(client: pg.PoolClient): void {
    client.on('error', (error) => {
      if (client !== this.writer) return;
      this.writerBroken = true;
      this.options.logger?.warn(`historian: PostgreSQL writer connection failed (${error.message}); reconnecting at the next commit`);
    });
  }

  /** The writer connection, replaced (with its session tables) when the last one failed. */
  private async writerClient(): Promise<pg.PoolClient> {
    const pool = this.pool;
    if (!pool || !this.writer) throw this.failure ?? new Error('historian is not open');
    if (!this.writerBroken) return this.writer;
    this.writer.release(true);
    const next = await pool.connect().catch((error: Error) => {
      throw new Error(`cannot reconnect to PostgreSQL at ${redact(this.options.url)}: ${error.message}`);
    });
    this.writer = next;
    this.watch(next);
    try {
      await next.query(WRITER_TEMP_SQL);
    } catch (error) {
      throw new Error(`cannot prepare the reconnected writer: ${(error as Error).message}`);
    }
    this.writerBroken = false;
    this.options.logger?.info('historian: PostgreSQL writer reconnected');
    return next;
  }

  /** After a failed commit: is the connection still usable? */
  private async checkWriter(): Promise<void> {
    if (this.writerBroken || !this.writer) return;
    try {
      await this.writer.query('SELECT 1');
    } catch {
      this.writerBroken = true;
    }
  }

  private tagInfo(path: string): TagInfo {
    const info = this.byPath.get(path);
    if (!info) throw new Error(`unknown tag '${path}': the historian has no such tag`);
    return info;
  }

  private remember(tag: { id: number; path: string; kind: StoredKind }): void {
    this.byPath.set(tag.path, { id: tag.id, path: tag.path, kind: tag.kind });
  }

  private ready(): { pool: pg.Pool; writer: pg.PoolClient } {
    if (this.failure) throw this.failure;
    if (!this.pool || !this.writer) throw new Error('historian is not open: call open() first');
    return { pool: this.pool, writer: this.writer };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.exclusive(() => this.drain());
  }

  /** Commits waiting writes, grouped up to maxBatchRows per transaction, until none wait. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const jobs: Job[] = [];
        let rows = 0;
        while (this.queue.length > 0 && (jobs.length === 0 || rows + this.queue[0].rows <= this.maxBatchRows)) {
          const job = this.queue.shift()!;
          jobs.push(job);
          rows += job.rows;
        }
        try {
          const writer = await this.writerClient();
          if (this.layout === 'partitioned') await this.partitions.ensure(writer, jobs.flatMap((j) => [...j.days]));
          await mergeBatch(writer, this.schema, jobs.flatMap((j) => j.lines), rows);
          const now = performance.now();
          this.written += rows;
          this.settle(rows);
          for (const job of jobs) job.resolve();
          const report: WriteReport = { rows, latencyMs: now - Math.min(...jobs.map((j) => j.started)) };
          for (const listener of this.writeListeners) listener(report);
        } catch (error) {
          this.settle(rows);
          await this.checkWriter();
          const failed = new Error(`historian write failed: ${(error as Error).message}`);
          this.options.logger?.error(failed.message);
          for (const job of jobs) job.reject(failed);
        }
      }
    } finally {
      this.draining = false;
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
}

/** The URL without its password, for error messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
