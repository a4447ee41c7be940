// History out of the historian as CSV or Parquet, long (ts, tag, value, quality: one sample per row,
// exactly what `loom import` reads back) or wide (ts and one column per tag, for spreadsheets).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { patternError, type SampleValue, type TagDefinition, type TagRegistry } from '../../model/index.js';
import type { Historian, HistoryPoint } from '../../historian/types.js';
import { csvField, csvLine } from '../csv-text.js';
import { countTag, PointCursor, rawPages, type TagCount } from './raw-pages.js';

export type ExportFormat = 'csv' | 'parquet';
export type ExportLayout = 'long' | 'wide';

/** What to export, checked and counted: built by `planExport`. */
export interface ExportPlan {
  tags: TagDefinition[];
  from: number;
  to: number;
  /** Samples in the range, estimated from rollups (exact for small ranges). */
  estimatedSamples: number;
  counts: TagCount[];
}

/** A request that cannot be served; `kind` lets the API pick its error code. */
export class ExportRefused extends Error {
  constructor(
    readonly kind: 'unknown_tag' | 'bad_pattern' | 'bad_range' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'ExportRefused';
  }
}

/**
 * Resolves tag paths and MQTT-style patterns (`acme/berlin/#`) against the registry and counts the
 * samples. `maxSamples` refuses (with `too_large`) before anything is written.
 */
export async function planExport(
  target: { historian: Historian; registry: TagRegistry },
  request: { tags: string[]; from: number; to: number; maxSamples?: number },
): Promise<ExportPlan> {
  const { from, to } = request;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to) {
    throw new ExportRefused('bad_range', `the range ${from}..${to} is empty or reversed: 'from' must be before 'to'`);
  }
  const chosen = new Map<string, TagDefinition>();
  for (const raw of request.tags) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (pattern.includes('+') || pattern.includes('#')) {
      const problem = patternError(pattern);
      if (problem) throw new ExportRefused('bad_pattern', `tag pattern '${pattern}': ${problem}`);
      const matched = target.registry.match(pattern);
      if (matched.length === 0) throw new ExportRefused('unknown_tag', `tag pattern '${pattern}' matches no tag`);
      for (const tag of matched) chosen.set(tag.path, tag);
    } else {
      const tag = target.registry.get(pattern);
      if (!tag) throw new ExportRefused('unknown_tag', `tag '${pattern}' is not in the plant model`);
      chosen.set(tag.path, tag);
    }
  }
  if (chosen.size === 0) throw new ExportRefused('unknown_tag', 'no tags given: name tags or patterns such as acme/berlin/#');
  const tags = [...chosen.values()];
  const counts: TagCount[] = [];
  let estimatedSamples = 0;
  for (const tag of tags) {
    const count = await countTag(target.historian, tag.path, from, to);
    counts.push(count);
    estimatedSamples += count.estimate;
    if (request.maxSamples !== undefined && estimatedSamples > request.maxSamples) {
      throw new ExportRefused('too_large', `the export holds more than ${request.maxSamples.toLocaleString('en')} samples; choose fewer tags or a shorter range`);
    }
  }
  return { tags, from, to, estimatedSamples, counts };
}

const CHUNK_CHARS = 256 * 1024;

/** The export as CSV text, in chunks of about 256 KB; the caller writes them with backpressure. */
export async function* csvChunks(historian: Historian, plan: ExportPlan, layout: ExportLayout, onSamples?: (n: number) => void): AsyncGenerator<string> {
  if (layout === 'long') {
    yield 'ts,tag,value,quality\n';
    for (const count of plan.counts) {
      const tag = csvField(count.tag);
      for await (const page of rawPages(historian, count)) {
        let text = '';
        for (const point of page) {
          text += `${new Date(point.ts).toISOString()},${tag},${formatValue(point.value)},${point.quality ?? 'good'}\n`;
          if (text.length >= CHUNK_CHARS) {
            yield text;
            text = '';
          }
        }
        if (text) yield text;
        onSamples?.(page.length);
      }
    }
    return;
  }
  yield csvLine(['ts', ...plan.tags.map((t) => t.path)]);
  let text = '';
  for await (const row of mergeByTime(historian, plan)) {
    text += new Date(row.ts).toISOString();
    for (const point of row.points) text += `,${point ? formatValue(point.value) : ''}`;
    text += '\n';
    if (text.length >= CHUNK_CHARS) {
      yield text;
      text = '';
    }
    onSamples?.(row.samples);
  }
  if (text) yield text;
}

/** Writes the CSV export to a file; resolves with the number of data rows. */
export async function writeCsvFile(historian: Historian, plan: ExportPlan, layout: ExportLayout, file: string, onSamples?: (n: number) => void): Promise<void> {
  const out = createWriteStream(file);
  try {
    for await (const chunk of csvChunks(historian, plan, layout, onSamples)) {
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/**
 * Writes the export as Parquet through an in-memory DuckDB (it spills to the temp folder when large).
 * Long: ts (timestamp with time zone), tag, value (double; booleans 1/0), value_text (text and JSON
 * tags), quality. Wide: ts and one typed column per tag, named by its path.
 */
export async function writeParquetFile(historian: Historian, plan: ExportPlan, layout: ExportLayout, file: string, onSamples?: (n: number) => void): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: tmpdir() });
  const connection = await instance.connect();
  try {
    if (layout === 'long') {
      await connection.run('CREATE TABLE export (ts BIGINT, tag VARCHAR, value DOUBLE, value_text VARCHAR, quality VARCHAR)');
      const appender = await connection.createAppender('export');
      for (const count of plan.counts) {
        for await (const page of rawPages(historian, count)) {
          for (const point of page) {
            appender.appendBigInt(BigInt(point.ts));
            appender.appendVarchar(count.tag);
            const v = point.value;
            if (typeof v === 'number' || typeof v === 'boolean') {
              appender.appendDouble(Number(v));
              appender.appendNull();
            } else if (v === null) {
              appender.appendNull();
              appender.appendNull();
            } else {
              appender.appendNull();
              appender.appendVarchar(v);
            }
            appender.appendVarchar(point.quality ?? 'good');
            appender.endRow();
          }
          onSamples?.(page.length);
        }
      }
      appender.closeSync();
      await connection.run(`COPY (SELECT make_timestamptz(ts * 1000) AS ts, tag, value, value_text, quality FROM export) TO ${sqlString(file)} (FORMAT parquet)`);
      return;
    }
    const sqlType = (tag: TagDefinition) => (tag.type === 'number' ? 'DOUBLE' : tag.type === 'boolean' ? 'BOOLEAN' : 'VARCHAR');
    await connection.run(`CREATE TABLE export (ts BIGINT, ${plan.tags.map((t, i) => `c${i} ${sqlType(t)}`).join(', ')})`);
    const appender = await connection.createAppender('export');
    for await (const row of mergeByTime(historian, plan)) {
      appender.appendBigInt(BigInt(row.ts));
      row.points.forEach((point, i) => {
        const v = point?.value;
        if (v === undefined || v === null) appender.appendNull();
        else if (plan.tags[i].type === 'number') appender.appendDouble(Number(v));
        else if (plan.tags[i].type === 'boolean') appender.appendBoolean(v === true || v === 1);
        else appender.appendVarchar(String(v));
      });
      appender.endRow();
      onSamples?.(row.samples);
    }
    appender.closeSync();
    const columns = plan.tags.map((t, i) => `c${i} AS "${t.path.replaceAll('"', '""')}"`).join(', ');
    await connection.run(`COPY (SELECT make_timestamptz(ts * 1000) AS ts, ${columns} FROM export) TO ${sqlString(file)} (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows of the wide layout: every time at which any tag has a sample, with each tag's sample then. */
async function* mergeByTime(historian: Historian, plan: ExportPlan): AsyncGenerator<{ ts: number; points: Array<HistoryPoint | undefined>; samples: number }> {
  const cursors = plan.counts.map((count) => new PointCursor(historian, count));
  await Promise.all(cursors.map((c) => c.fill()));
  for (;;) {
    let ts = Infinity;
    for (const cursor of cursors) {
      const head = cursor.head;
      if (head && head.ts < ts) ts = head.ts;
    }
    if (ts === Infinity) return;
    const points: Array<HistoryPoint | undefined> = [];
    let samples = 0;
    for (const cursor of cursors) {
      const head = cursor.head;
      if (head && head.ts === ts) {
        points.push(head);
        samples++;
        cursor.advance();
        await cursor.fill();
      } else points.push(undefined);
    }
    yield { ts, points, samples };
  }
}

function formatValue(value: SampleValue | null): string {
  if (value === null) return '';
  if (typeof value === 'string') return csvField(value);
  return String(value);
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
