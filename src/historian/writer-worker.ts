// The historian's DuckDB worker thread: owns the database (DuckDB allows one instance per file), so
// commits, checkpoints and compactions never stall the main event loop. Three connections: one for
// the appender, one for maintenance (compaction, retention, tag definitions), one for queries.

import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { ChunkWriter } from './chunk-writer.js';
import { compact } from './compaction.js';
import { runAlignedBuckets, runCorrections, runNeighbours, runQuery } from './query-runner.js';
import { runCounterSums, runValueChanges } from './reduction-runner.js';
import { SCHEMA_SQL, STAGE_SQL, stagePath } from './schema.js';
import type { FromWorker, Request, StoredKind, StoredLatest, StoredTag, TableCounts, ToWorker, WorkerOptions } from './protocol.js';

const options = workerData as WorkerOptions;
const port = parentPort!;

let instance: DuckDBInstance | undefined;
let appendConn: DuckDBConnection;
let maintConn: DuckDBConnection;
let queryConn: DuckDBConnection;
let appender: DuckDBAppender;
let writer: ChunkWriter;
let seq = 0;

// Rows appended but not yet committed, and the writes they belong to.
let uncommittedIds: number[] = [];
let uncommittedRows = 0;
let commitTimer: NodeJS.Timeout | undefined;
let lastCommit = 0;
// Committed rows waiting in `landing` for compaction, and when the size trigger fires next.
let landingRows = 0;
let landingSince = 0;
let compactAt = options.compactRows;

// Per tag, the newest ts appended. A tag whose ts goes back or repeats makes landing "unordered": the
// next compactions deduplicate. In-order streams (the normal case) skip that pass.
let newestTs = new Float64Array(1024);
let unordered = true; // until the first compaction: landing may hold anything after a crash

// Maintenance and queries each run one at a time on their own connection.
let maintChain: Promise<unknown> = Promise.resolve();
let queryChain: Promise<unknown> = Promise.resolve();
let compactionQueued = false;

function send(message: FromWorker): void {
  port.postMessage(message);
}

function log(level: 'info' | 'warn' | 'error', message: string): void {
  send({ type: 'log', level, message });
}

function onMaint<T>(task: () => Promise<T>): Promise<T> {
  const next = maintChain.then(task, task);
  maintChain = next.catch(() => undefined);
  return next;
}

function onQuery<T>(task: () => Promise<T>): Promise<T> {
  const next = queryChain.then(task, task);
  queryChain = next.catch(() => undefined);
  return next;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'append') {
    try {
      seq = writer.append(message.batch, seq);
      noteOrder(message.batch.tag, message.batch.ts, message.batch.count);
      uncommittedIds.push(message.writeId);
      uncommittedRows += message.batch.count;
      scheduleCommit();
    } catch (error) {
      send({ type: 'write-failed', writeIds: [message.writeId], error: errorText(error) });
    }
    return;
  }
  handle(message).then(
    (value) => send({ type: 'reply', id: message.id, ok: true, value }),
    (error: unknown) => send({ type: 'reply', id: message.id, ok: false, error: errorText(error) }),
  );
});

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'open':
      return open();
    case 'define':
      return onMaint(() => defineTags(request.tags));
    case 'flush':
      commitNow();
      return onMaint(() => compactNow());
    case 'query':
      return onQuery(() => runQuery(queryConn, request.query));
    case 'neighbours':
      return onQuery(() => runNeighbours(queryConn, request.query));
    case 'aligned':
      return onQuery(() => runAlignedBuckets(queryConn, request.query));
    case 'changes':
      return onQuery(() => runValueChanges(queryConn, request.query));
    case 'counterSums':
      return onQuery(() => runCounterSums(queryConn, request.query));
    case 'corrections':
      return onQuery(() => runCorrections(queryConn, request.filter));
    case 'retention':
      return onMaint(() => applyRetention(request.policy, request.now, request.tagIds));
    case 'counts':
      return onQuery(() => counts());
    case 'close':
      return close();
  }
}

async function open(): Promise<{ tags: StoredTag[]; latest: StoredLatest[] }> {
  instance = await DuckDBInstance.create(options.path, { threads: String(options.threads) });
  appendConn = await instance.connect();
  maintConn = await instance.connect();
  queryConn = await instance.connect();
  await maintConn.run(SCHEMA_SQL);
  await maintConn.run(`ATTACH ${sqlString(stagePath(options.path))} AS stage`);
  await maintConn.run(STAGE_SQL);
  // Samples committed before a crash or an unclean stop are still in landing: compact them now.
  seq = ((await value(maintConn, 'SELECT max(seq) FROM stage.landing')) ?? -1) + 1;
  await compactNow();
  appender = await appendConn.createAppender('landing', 'main', 'stage');
  writer = new ChunkWriter(appender);
  const tags = (await maintConn.runAndReadAll('SELECT id, path, kind FROM tags ORDER BY id')).getRows();
  const latest = (await maintConn.runAndReadAll('SELECT tag, ts, q, num, str FROM latest')).getRows();
  return {
    tags: tags.map((r) => ({ id: Number(r[0]), path: String(r[1]), kind: String(r[2]) as StoredKind })),
    latest: latest.map((r) => ({
      tag: Number(r[0]),
      ts: Number(r[1]),
      quality: Number(r[2]),
      num: r[3] === null ? null : Number(r[3]),
      str: r[4] === null ? null : String(r[4]),
    })),
  };
}

/** Stable storage ids per path: assigned once, kept in the file, independent of registry order. */
async function defineTags(tags: Array<{ path: string; kind: StoredKind }>): Promise<StoredTag[]> {
  const known = new Map<string, StoredTag>();
  for (const r of (await maintConn.runAndReadAll('SELECT id, path, kind FROM tags')).getRows()) {
    known.set(String(r[1]), { id: Number(r[0]), path: String(r[1]), kind: String(r[2]) as StoredKind });
  }
  let nextId = Math.max(0, ...[...known.values()].map((t) => t.id)) + 1;
  const insert = await maintConn.prepare('INSERT INTO tags VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind');
  await maintConn.run('BEGIN TRANSACTION');
  try {
    for (const tag of tags) {
      const existing = known.get(tag.path);
      if (existing && existing.kind === tag.kind) continue;
      const stored = { id: existing?.id ?? nextId++, path: tag.path, kind: tag.kind };
      insert.bindInteger(1, stored.id);
      insert.bindVarchar(2, stored.path);
      insert.bindVarchar(3, stored.kind);
      await insert.run();
      known.set(tag.path, stored);
    }
    await maintConn.run('COMMIT');
  } catch (error) {
    await maintConn.run('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    insert.destroySync();
  }
  return [...known.values()];
}

function noteOrder(tags: Int32Array, ts: Float64Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const tag = tags[i];
    if (tag >= newestTs.length) {
      const grown = new Float64Array(Math.max(tag + 1, newestTs.length * 2));
      grown.set(newestTs);
      newestTs = grown;
    }
    if (ts[i] > newestTs[tag]) newestTs[tag] = ts[i];
    else unordered = true;
  }
}

function scheduleCommit(): void {
  if (commitTimer) return;
  const wait = Math.max(0, lastCommit + options.flushIntervalMs - Date.now());
  commitTimer = setTimeout(commitNow, wait);
}

/** Commits what the appender holds (one transaction, one fsync) and acknowledges those writes. */
function commitNow(): void {
  if (commitTimer) clearTimeout(commitTimer);
  commitTimer = undefined;
  if (uncommittedIds.length === 0) return;
  const ids = uncommittedIds;
  const rows = uncommittedRows;
  uncommittedIds = [];
  uncommittedRows = 0;
  try {
    appender.flushSync();
  } catch (error) {
    send({ type: 'write-failed', writeIds: ids, error: errorText(error) });
    return;
  }
  lastCommit = Date.now();
  send({ type: 'durable', writeIds: ids, rows });
  if (landingRows === 0) landingSince = lastCommit;
  landingRows += rows;
  // Size trigger: closed minutes only (each minute rolled up once). Age trigger: everything.
  if (lastCommit - landingSince >= options.compactAfterMs) requestCompaction(false);
  else if (landingRows >= compactAt) requestCompaction(true);
}

function requestCompaction(closedMinutesOnly: boolean): void {
  if (compactionQueued) return;
  compactionQueued = true;
  onMaint(() => compactNow(closedMinutesOnly)).catch((error: unknown) => log('error', `compaction failed: ${errorText(error)}`));
}

async function compactNow(closedMinutesOnly = false): Promise<void> {
  compactionQueued = false;
  const committedBefore = landingRows;
  const started = Date.now();
  // A full compaction takes every committed row, so commit what is appended first; then it may clear
  // the flag (appends from here on set it again).
  commitNow();
  const mayHaveDuplicates = unordered;
  if (!closedMinutesOnly) unordered = false;
  let result;
  try {
    result = await compact(maintConn, closedMinutesOnly, mayHaveDuplicates);
  } catch (error) {
    unordered ||= mayHaveDuplicates;
    throw error;
  }
  if (result.remaining > 0) unordered ||= mayHaveDuplicates;
  // Rows committed while compacting were counted into landingRows meanwhile.
  landingRows = result.remaining + (landingRows - committedBefore);
  landingSince = Date.now();
  compactAt = landingRows + options.compactRows;
  if (result.samples > 0 && Date.now() - started > 2_000) {
    log('info', `compacted ${result.samples} samples (${result.replaced} replaced) in ${Date.now() - started} ms: ${JSON.stringify(result.timings)}`);
  }
}

/** With `tagIds`, only those tags' rows (a retention class); without, every tag's. */
async function applyRetention(policy: { rawMs: number; minuteMs: number; hourMs: number }, now: number, tagIds?: number[]) {
  const deleted = async (sql: string) => Number((await maintConn.run(sql)).rowsChanged);
  const ofTags = tagIds === undefined ? '' : ` AND tag IN (${tagIds.map((id) => Math.trunc(id)).join(', ')})`;
  const rawCut = Math.floor(now - policy.rawMs);
  const raw = (await deleted(`DELETE FROM raw WHERE ts < ${rawCut}${ofTags}`)) + (await deleted(`DELETE FROM stage.landing WHERE ts < ${rawCut}${ofTags}`));
  // A correction explains a raw sample: it goes with it.
  await deleted(`DELETE FROM corrections WHERE ts < ${rawCut}${ofTags}`);
  const minute = await deleted(`DELETE FROM rollup_1m WHERE bucket + 60000 <= ${Math.floor(now - policy.minuteMs)}${ofTags}`);
  const hour = await deleted(`DELETE FROM rollup_1h WHERE bucket + 3600000 <= ${Math.floor(now - policy.hourMs)}${ofTags}`);
  return { raw, minute, hour };
}

async function counts(): Promise<TableCounts> {
  const r = (
    await queryConn.runAndReadAll(`SELECT (SELECT count(*) FROM raw), (SELECT count(*) FROM stage.landing),
      (SELECT count(*) FROM rollup_1m), (SELECT count(*) FROM rollup_1h), (SELECT count(*) FROM corrections)`)
  ).getRows()[0];
  return { rawRows: Number(r[0]), landingRows: Number(r[1]), minuteRows: Number(r[2]), hourRows: Number(r[3]), corrections: Number(r[4]) };
}

async function close(): Promise<void> {
  commitNow();
  await onMaint(() => compactNow());
  await queryChain;
  appender.closeSync();
  for (const conn of [appendConn, maintConn, queryConn]) conn.closeSync();
  instance?.closeSync();
  instance = undefined;
}

async function value(conn: DuckDBConnection, sql: string): Promise<number | null> {
  const v = (await conn.runAndReadAll(sql)).getRows()[0]?.[0];
  return v === null || v === undefined ? null : Number(v);
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
