// Backfill from a file: rows are checked one by one against the tag registry (the same normalisation
// live samples go through), refused rows are counted and reported with their line, and accepted
// samples are written to the historian in batches. Writes are idempotent per (tag, ts), so importing
// a file again changes nothing and an interrupted import is finished by running it again.
import { isValidSegment, lastSegment, parentPath, type DataType, type Quality, type Sample, type TagDefinition, type TagRegistry } from '../../model/index.js';
import { normalizeSample, type DeadLetterReason } from '../../ingest/index.js';
import type { Historian } from '../../historian/types.js';
import { timestampParser } from '../timestamps.js';
import { DuplicateGuard } from './duplicates.js';
import { planColumns, type ColumnPlan, type ImportMapping, type Layout } from './mapping.js';
import { RejectReport, type RejectReason, type RejectSample } from './rejects.js';
import { detectFormat, FileRefused, openSource, type FileFormat, type SourceData, type SourceRow } from './sources.js';

export interface ImportOptions {
  /** The file to read; with `data`, only the name the report and messages give the data. */
  file: string;
  /** Read from here instead of `file`: an upload's stream (CSV only) or a spooled copy of it. */
  data?: SourceData;
  /** Default: by extension, else by the file's first bytes (a stream: csv). */
  format?: FileFormat;
  mapping?: ImportMapping;
  /** CSV text encoding (default utf-8). */
  encoding?: string;
  /** Check every row and report, write nothing. */
  dryRun?: boolean;
  /** Define tags the registry does not know (type from their first value) instead of refusing their rows. */
  createTags?: boolean;
  /** Where the first rejected rows are written as CSV; default `<file>.rejects.csv`; null: nowhere. */
  rejectsFile?: string | null;
  /** How many rejected rows the rejects file holds (default 1,000); the counts are always complete. */
  keepRejects?: number;
  /** How many rejects the report itself lists, with the row as read (default 5). */
  listRejects?: number;
  /** A file whose first this many rows hold no valid sample is refused as junk (default 1,000). */
  probeRows?: number;
  /** Samples per historian write (default 10,000). */
  batchSize?: number;
  onProgress?(progress: ImportProgress): void;
}

export interface ImportProgress {
  fraction: number;
  rows: number;
  imported: number;
  rejected: number;
  rowsPerSecond: number;
}

/** What an import did. `rejected > 0` means some rows are missing from the historian: see the reasons. */
export interface ImportReport {
  file: string;
  format: FileFormat;
  layout: Layout;
  dryRun: boolean;
  /** Data rows read (the header excluded). */
  rows: number;
  /** Values found in those rows (one per row in the long layout; one per filled cell in the wide). */
  values: number;
  /** Samples stored (or, in a dry run, that would be). */
  imported: number;
  rejected: number;
  byReason: Partial<Record<RejectReason, number>>;
  /** The first rejects, for the summary. */
  firstRejects: RejectSample[];
  rejectsFile?: string;
  rejectsWritten: number;
  /** Set when the rejects file could not be written. */
  rejectsError?: string;
  createdTags: Array<{ path: string; type: DataType }>;
  position: 'line' | 'row';
  seconds: number;
  rowsPerSecond: number;
}

/** Where imported samples go: the registry checks them, the historian stores them. */
export interface ImportTarget {
  registry: TagRegistry;
  historian: Historian;
}

/** Stopped part-way (the historian failed): what was stored is said in the message. */
export class ImportStopped extends Error {
  constructor(
    message: string,
    readonly report: ImportReport,
  ) {
    super(message);
    this.name = 'ImportStopped';
  }
}

const QUALITIES = new Set(['good', 'uncertain', 'bad']);
// The window normalisation accepts; checked here too so the message can name the file's own text.
const EARLIEST_TS = Date.UTC(1990, 0, 1);
const LATEST_TS = Date.UTC(2200, 0, 1);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const REASON_OF: Record<DeadLetterReason, RejectReason> = {
  unknown_tag: 'unknown_tag',
  wrong_type: 'wrong_type',
  bad_value: 'bad_value',
  bad_timestamp: 'bad_timestamp',
  bad_quality: 'bad_quality',
  malformed: 'malformed_row',
  queue_full: 'malformed_row',
};

/**
 * Imports one CSV or Parquet file. Throws `FileRefused` when the file as a whole cannot be imported
 * (unreadable, binary, wrong columns, no valid row among the first ones): nothing is written then.
 * Otherwise imports row by row and returns the report; rejected rows are counted per reason.
 */
export async function importFile(target: ImportTarget, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  const { file } = options;
  const mapping = options.mapping ?? {};
  const data = options.data;
  const format = data && 'stream' in data ? (options.format ?? 'csv') : await detectFormat(data?.path ?? file, options.format);
  const source = await openSource(file, format, { delimiter: mapping.delimiter, encoding: options.encoding, data });
  const { registry, historian } = target;
  const createTags = options.createTags ?? false;
  let plan: ColumnPlan;
  try {
    plan = planColumns(source.header, mapping, (name) => registry.has(name) || (createTags && isTagPath(name)));
  } catch (error) {
    await source.close();
    throw new FileRefused(file, `${source.position} 1 (header)`, (error as Error).message);
  }
  const parseTs = timestampParser({ epoch: mapping.epoch, timezone: mapping.timezone });
  const rejects = new RejectReport(options.rejectsFile === null ? undefined : (options.rejectsFile ?? `${file}.rejects.csv`), options.keepRejects ?? 1_000, options.listRejects);
  const duplicates = new DuplicateGuard();
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? 10_000;
  const probeRows = options.probeRows ?? 1_000;
  const header = source.header.map((h) => h.trim());
  const createdTags: Array<{ path: string; type: DataType }> = [];
  // CSV cannot tell an empty text from no value; Parquet can (null), so there '' is a value.
  const isMissing = source.format === 'csv' ? (cell: unknown) => cell === null || cell === undefined || cell === '' : (cell: unknown) => cell === null || cell === undefined;
  const toDefine: Array<TagDefinition & { id: number }> = [];

  let rows = 0;
  let values = 0;
  let accepted = 0;
  let probed = false;
  let batch: Sample[] = [];
  const inFlight: Array<Promise<void>> = [];
  let writeError: Error | undefined;
  let durableThrough = 0;

  const report = (): ImportReport => {
    const seconds = (Date.now() - started) / 1000;
    return {
      file,
      format,
      layout: plan.layout,
      dryRun,
      rows,
      values,
      imported: accepted,
      rejected: rejects.total,
      byReason: rejects.byReason,
      firstRejects: rejects.first,
      rejectsFile: rejects.path,
      rejectsWritten: rejects.written,
      rejectsError: rejects.error,
      createdTags,
      position: source.position,
      seconds,
      rowsPerSecond: rows / Math.max(seconds, 0.001),
    };
  };

  const tagFor = (path: string, cell: unknown, line: number, column: string, row: SourceRow): (TagDefinition & { id: number }) | undefined => {
    const known = registry.get(path);
    if (known || !createTags) return known;
    if (!isTagPath(path)) {
      rejects.add(line, column, 'unknown_tag', `'${path}' is not a tag path (lowercase levels separated by '/', e.g. acme/berlin/line-1/press-1/temperature)`, row.values);
      return undefined;
    }
    const type = inferType(cell);
    const tag = registry.upsert({ path, asset: parentPath(path), name: lastSegment(path), type, source: 'import' });
    createdTags.push({ path, type });
    toDefine.push(tag);
    return tag;
  };

  /** Checks one value: it joins the batch, or is rejected with its reason. */
  const take = (row: SourceRow, column: string, path: string, ts: number, cell: unknown, quality: unknown, unit: string | undefined): void => {
    values++;
    if (isMissing(cell)) {
      rejects.add(row.line, column, 'missing_value', `no value for '${path}'`, row.values);
      return;
    }
    const tag = tagFor(path, cell, row.line, column, row);
    if (!tag) {
      // With --create-tags the only unknown tags left are invalid paths, already reported by tagFor.
      if (!createTags) rejects.add(row.line, column, 'unknown_tag', `tag '${path}' is not in the plant model: declare it in the config, map the name with --map, or pass --create-tags (API: createTags=true)`, row.values);
      return;
    }
    if (unit !== undefined && unit !== '' && tag.unit !== undefined && unit !== tag.unit) {
      rejects.add(row.line, column, 'wrong_unit', `the file gives '${path}' in ${unit} but the tag is in ${tag.unit}; convert the values first`, row.values);
      return;
    }
    const q = quality === undefined || quality === null || quality === '' ? 'good' : String(quality).trim().toLowerCase();
    if (!QUALITIES.has(q)) {
      rejects.add(row.line, column, 'bad_quality', `quality '${String(quality)}' is not good, uncertain or bad`, row.values);
      return;
    }
    const result = normalizeSample({ tag: path, ts, value: toValue(cell, tag.type), quality: q as Quality }, tag);
    if (!result.ok) {
      rejects.add(row.line, column, REASON_OF[result.reason], result.detail, row.values);
      return;
    }
    if (duplicates.seen(path, result.sample.ts)) {
      rejects.add(row.line, column, 'duplicate_row', `'${path}' at ${new Date(result.sample.ts).toISOString()} was already given by an earlier ${source.position}; the first is kept`, row.values);
      return;
    }
    batch.push(result.sample);
    accepted++;
  };

  const time = (row: SourceRow, index: number): number | undefined => {
    const cell = row.values[index];
    const parsed = parseTs(cell);
    if (!parsed.ok) {
      rejects.add(row.line, header[index], 'bad_timestamp', parsed.detail, row.values);
      return undefined;
    }
    if (!(parsed.ms >= EARLIEST_TS && parsed.ms < LATEST_TS)) {
      const read = Number.isFinite(parsed.ms) && Math.abs(parsed.ms) < 8.64e15 ? new Date(parsed.ms).toISOString() : String(parsed.ms);
      rejects.add(row.line, header[index], 'bad_timestamp', `timestamp '${String(cell)}' reads as ${read}, outside 1990–2200 (for numbers, check --epoch s or ms)`, row.values);
      return undefined;
    }
    return parsed.ms;
  };

  const processRow = (row: SourceRow): void => {
    rows++;
    if (row.problem) {
      rejects.add(row.line, '', 'malformed_row', row.problem, row.values);
      return;
    }
    if (row.values.length !== header.length) {
      rejects.add(row.line, '', 'column_count', `${row.values.length} field(s) where the header has ${header.length}`, row.values);
      return;
    }
    if (plan.layout === 'long') {
      const name = String(row.values[plan.tag] ?? '').trim();
      const path = plan.tagNames.get(name) ?? name;
      if (path === '') {
        rejects.add(row.line, header[plan.tag], 'unknown_tag', 'the tag column is empty', row.values);
        return;
      }
      let cell = row.values[plan.value];
      if (isMissing(cell) && plan.valueText !== undefined) cell = row.values[plan.valueText];
      const ts = time(row, plan.ts);
      if (ts === undefined) return;
      take(row, header[plan.value], path, ts, cell, plan.quality === undefined ? undefined : row.values[plan.quality], plan.unit === undefined ? undefined : String(row.values[plan.unit] ?? '').trim());
      return;
    }
    const ts = time(row, plan.ts);
    if (ts === undefined) return;
    const quality = plan.quality === undefined ? undefined : row.values[plan.quality];
    for (const column of plan.columns) {
      const cell = row.values[column.index];
      // An empty cell in a wide file means "no sample of this tag at this time", not an error.
      if (isMissing(cell)) continue;
      take(row, column.name, column.tag, ts, cell, quality, column.unit);
    }
  };

  const settle = async (keep: number): Promise<void> => {
    while (inFlight.length > keep) await inFlight.shift();
    if (writeError) throw writeError;
  };

  const write = async (lastLine: number): Promise<void> => {
    if (toDefine.length > 0 && !dryRun) await historian.defineTags(toDefine.splice(0, toDefine.length));
    if (batch.length === 0) return;
    const samples = batch;
    batch = [];
    if (dryRun) return;
    inFlight.push(
      historian.write(samples).then(
        () => {
          durableThrough = Math.max(durableThrough, lastLine);
        },
        (error: Error) => {
          writeError ??= error;
        },
      ),
    );
    // Two writes in flight: the next batch is parsed while the historian commits the last one.
    await settle(1);
  };

  try {
    for await (const chunk of source.rows()) {
      for (const row of chunk) processRow(row);
      const lastLine = chunk.length > 0 ? chunk[chunk.length - 1].line : 0;
      if (!probed) {
        if (accepted > 0) probed = true;
        else if (rows >= probeRows) {
          const first = rejects.first[0];
          throw new FileRefused(
            file,
            `${source.position}s 1–${lastLine}`,
            `none of the first ${rows} rows is a valid sample, so this does not look like a file of samples` +
              (first ? ` (first problem, ${source.position} ${first.line}: ${first.reason}: ${first.detail})` : ''),
          );
        }
      }
      if (batch.length >= batchSize) await write(lastLine);
      options.onProgress?.({ fraction: source.progress(), rows, imported: accepted, rejected: rejects.total, rowsPerSecond: rows / Math.max((Date.now() - started) / 1000, 0.001) });
    }
    await write(Number.MAX_SAFE_INTEGER);
    await settle(0);
    if (!dryRun) await historian.flush();
  } catch (error) {
    await Promise.allSettled(inFlight);
    await rejects.close();
    await source.close();
    if (error instanceof FileRefused) throw error;
    const stored = durableThrough === 0 ? 'nothing was stored' : `rows up to ${source.position} ${durableThrough} are stored`;
    throw new ImportStopped(`import of ${file} stopped: ${(error as Error).message}; ${stored}. Running the import again is safe (it is idempotent) and completes it.`, report());
  }
  await rejects.close();
  await source.close();
  return report();
}

function isTagPath(path: string): boolean {
  const levels = path.split('/');
  return levels.length >= 2 && levels.every(isValidSegment);
}

function inferType(cell: unknown): DataType {
  if (typeof cell === 'boolean') return 'boolean';
  if (typeof cell === 'number' || typeof cell === 'bigint') return 'number';
  const text = String(cell).trim();
  if (/^(true|false)$/i.test(text)) return 'boolean';
  return NUMBER.test(text) ? 'number' : 'string';
}

/** Text (CSV) or typed (Parquet) cell → the value normalisation expects for the tag's type. */
function toValue(cell: unknown, type: DataType): unknown {
  if (typeof cell === 'string') {
    if (type === 'number') {
      const text = cell.trim();
      return NUMBER.test(text) || text === 'NaN' || /^[+-]?Infinity$/.test(text) ? Number(text) : cell;
    }
    if (type === 'boolean') {
      const text = cell.trim().toLowerCase();
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
    }
    return cell;
  }
  const value = typeof cell === 'bigint' ? Number(cell) : cell;
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return value;
}

