// Files as a stream of rows: CSV read through the streaming parser, Parquet read through an in-memory
// DuckDB (so it works whichever historian runs). What cannot be a sample file at all (binary data,
// compressed files, Parquet given as CSV, an empty file) is refused here, before any row is read.
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { open, stat } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CsvParser, type CsvRecord } from './csv-records.js';

export type FileFormat = 'csv' | 'parquet';

/** One row of the file: its values (CSV: text; Parquet: typed), or why it could not be read. */
export interface SourceRow {
  /** CSV: the line the record starts on; Parquet: the row number (1-based). */
  line: number;
  values: unknown[];
  problem?: string;
}

export interface RowSource {
  format: FileFormat;
  /** How positions in the file are named in reports: `line` (CSV) or `row` (Parquet). */
  position: 'line' | 'row';
  header: string[];
  /** Batches of rows in file order. */
  rows(): AsyncGenerator<SourceRow[]>;
  /** Share of the file read so far, 0..1. */
  progress(): number;
  close(): Promise<void>;
}

/** The whole file is refused before anything is written: `where` names the place (`line 1`). */
export class FileRefused extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}${where ? `: ${where}` : ''}: ${reason}`);
    this.name = 'FileRefused';
  }
}

const SNIFF_BYTES = 64 * 1024;
const PARQUET_MAGIC = 'PAR1';

/** Picks the format from the flag, else the extension, else the first bytes. */
export async function detectFormat(file: string, forced?: FileFormat): Promise<FileFormat> {
  if (forced) return forced;
  if (/\.parquet$/i.test(file)) return 'parquet';
  const head = await readHead(file, 4);
  return head.toString('latin1') === PARQUET_MAGIC ? 'parquet' : 'csv';
}

/**
 * Where the data is read from when it is not the named file: a stream (an HTTP upload of CSV; `size`
 * from its Content-Length, for progress) or another path (a spooled copy of an uploaded Parquet file).
 * The file name is then only used in messages.
 */
export type SourceData = { stream: Readable; size?: number } | { path: string };

export interface SourceOptions {
  delimiter?: string;
  encoding?: string;
  data?: SourceData;
}

export async function openSource(file: string, format: FileFormat, options: SourceOptions = {}): Promise<RowSource> {
  const data = options.data;
  if (format === 'parquet') {
    if (data && 'stream' in data) throw new Error('Parquet is read from a file: spool the stream to a file first');
    return openParquet(file, data?.path ?? file);
  }
  return openCsv(file, options);
}

async function readHead(file: string, bytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new FileRefused(file, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function openCsv(file: string, options: SourceOptions): Promise<RowSource> {
  const data = options.data;
  let size: number;
  let stream: Readable;
  if (data && 'stream' in data) {
    stream = data.stream;
    size = data.size ?? 0;
  } else {
    const path = data?.path ?? file;
    await readHead(path, 0); // a clear message when the file is missing or unreadable
    size = (await stat(path)).size;
    stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  }
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The first 64 KB are looked at before any row is read; they are kept and parsed first.
  const held: Buffer[] = [];
  let heldBytes = 0;
  let drained = false;
  while (heldBytes < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      drained = true;
      break;
    }
    held.push(next.value);
    heldBytes += next.value.length;
  }
  const head = Buffer.concat(held).subarray(0, SNIFF_BYTES);
  try {
    refuseNonText(file, head, options.encoding);
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return csvRows(file, { iterator, held, drained, size, close: () => stream.destroy() }, options);
}

/** Refuses what the first bytes show is not a CSV text file. */
function refuseNonText(file: string, head: Buffer, encoding: string | undefined): void {
  if (head.length === 0) throw new FileRefused(file, '', 'the file is empty');
  if (head.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) throw new FileRefused(file, '', 'this is a Parquet file, not CSV: use --format parquet');
  if (head[0] === 0x1f && head[1] === 0x8b) throw new FileRefused(file, '', 'this is a gzip-compressed file: unpack it first (gunzip)');
  if (head[0] === 0x50 && head[1] === 0x4b) throw new FileRefused(file, '', 'this is a ZIP archive (or an Excel .xlsx): export the sheet as CSV first');
  const nul = head.indexOf(0);
  if (nul >= 0) {
    const line = countLines(head.subarray(0, nul));
    throw new FileRefused(file, `line ${line}`, `binary data (a NUL byte at byte ${nul}): this is not a CSV text file`);
  }
  try {
    new TextDecoder(encoding ?? 'utf-8');
  } catch {
    throw new Error(`--encoding '${encoding}' is not an encoding Node knows (utf-8, latin1, windows-1252 ...)`);
  }
  const sniffed = new TextDecoder(encoding ?? 'utf-8', { fatal: false }).decode(head, { stream: true });
  const bad = sniffed.indexOf('\uFFFD');
  if (bad >= 0 && (encoding ?? 'utf-8') === 'utf-8') {
    throw new FileRefused(file, `line ${countLines(Buffer.from(sniffed.slice(0, bad)))}`, 'bytes that are not UTF-8 text: a binary file, or text in another encoding (try --encoding latin1)');
  }
}

interface CsvInput {
  iterator: AsyncIterator<Buffer>;
  /** Chunks already read (the sniffed head), parsed before the iterator is asked for more. */
  held: Buffer[];
  /** The iterator ended while the head was read. */
  drained: boolean;
  size: number;
  close(): void;
}

async function csvRows(file: string, input: CsvInput, options: SourceOptions): Promise<RowSource> {
  const { iterator, held, size } = input;
  const decoder = new TextDecoder(options.encoding ?? 'utf-8', { fatal: false });
  const parser = new CsvParser({ delimiter: options.delimiter });
  let bytesRead = 0;
  const pending: CsvRecord[] = [];
  let ended = false;
  let first = true;
  const nextChunk = async (): Promise<IteratorResult<Buffer>> => {
    const kept = held.shift();
    if (kept) return { done: false, value: kept };
    return input.drained ? { done: true, value: undefined } : iterator.next();
  };
  /** Reads until at least one record is complete (or the file ends). */
  const fill = async (): Promise<void> => {
    while (pending.length === 0 && !ended) {
      const next = await nextChunk();
      if (next.done) {
        parser.push(decoder.decode(), pending);
        parser.end(pending);
        ended = true;
        break;
      }
      bytesRead += next.value.length;
      let text = decoder.decode(next.value, { stream: true });
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      parser.push(text, pending);
    }
  };

  await fill();
  const headerRecord = pending.shift();
  let refused: FileRefused | undefined;
  if (!headerRecord || (headerRecord.fields.length === 1 && headerRecord.fields[0].trim() === '')) refused = new FileRefused(file, 'line 1', 'no header: the first line must name the columns (e.g. ts,tag,value)');
  else if (headerRecord.problem) refused = new FileRefused(file, `line ${headerRecord.line}`, `the header cannot be read: ${headerRecord.problem}`);
  if (refused || !headerRecord) {
    input.close();
    throw refused;
  }

  return {
    format: 'csv',
    position: 'line',
    header: headerRecord.fields,
    async *rows() {
      for (;;) {
        await fill();
        if (pending.length === 0) return;
        const batch = pending.splice(0, pending.length).map((record): SourceRow => {
          if (record.problem) return { line: record.line, values: [], problem: record.problem };
          // A lone NUL or replacement character means binary junk inside an otherwise text file.
          for (const field of record.fields) {
            if (field.includes('\u0000') || field.includes('\uFFFD')) return { line: record.line, values: [], problem: 'binary data (NUL bytes or bytes that are not text)' };
          }
          return { line: record.line, values: record.fields };
        });
        yield batch;
      }
    },
    // An upload of unknown size (chunked) shows no progress rather than a made-up one.
    progress: () => (size === 0 ? 0 : Math.min(1, bytesRead / size)),
    async close() {
      input.close();
    },
  };
}

function countLines(bytes: Buffer): number {
  let n = 1;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

async function openParquet(file: string, path: string): Promise<RowSource> {
  await readHead(path, 4); // a clear message when the file is missing or unreadable
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quoted = `'${path.replaceAll("'", "''")}'`;
  let columns: Array<{ name: string; type: string }>;
  let total: number;
  try {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`);
    columns = described.getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }));
    const counted = await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoted})`);
    total = Number(counted.getRows()[0][0]);
  } catch (error) {
    closeDuckDb(connection, instance);
    throw new FileRefused(file, '', `not a readable Parquet file (${(error as Error).message.split('\n')[0]})`);
  }
  // Instants leave DuckDB as epoch ms; naive timestamps as text, so they follow the --timezone rule.
  const select = columns
    .map(({ name, type }) => {
      const column = `"${name.replaceAll('"', '""')}"`;
      if (type === 'TIMESTAMP WITH TIME ZONE') return `epoch_ms(${column})`;
      if (type.startsWith('TIMESTAMP') || type === 'DATE') return `strftime(${column}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%g')`;
      if (type.startsWith('DECIMAL') || type === 'HUGEINT' || type === 'UBIGINT') return `${column}::DOUBLE`;
      return column;
    })
    .join(', ');
  let done = 0;
  return {
    format: 'parquet',
    position: 'row',
    header: columns.map((c) => c.name),
    async *rows() {
      const result = await connection.stream(`SELECT ${select} FROM read_parquet(${quoted})`);
      for await (const chunk of result.yieldRowsJs()) {
        const batch = chunk.map((values): SourceRow => ({ line: ++done, values: values as unknown[] }));
        yield batch;
      }
    },
    progress: () => (total === 0 ? 1 : done / total),
    async close() {
      closeDuckDb(connection, instance);
    },
  };
}

function closeDuckDb(connection: DuckDBConnection, instance: DuckDBInstance): void {
  connection.closeSync();
  instance.closeSync();
}
