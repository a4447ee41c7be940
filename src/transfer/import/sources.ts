// Files as a stream of rows: CSV read through the streaming parser, Parquet read through an in-memory
// DuckDB (so it works whichever historian runs). What cannot be a sample file at all (binary data,
// compressed files, Parquet given as CSV, an empty file) is refused here, before any row is read.
import { createReadStream } from 'node:fs';
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

export async function openSource(file: string, format: FileFormat, options: { delimiter?: string; encoding?: string } = {}): Promise<RowSource> {
  return format === 'parquet' ? openParquet(file) : openCsv(file, options);
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

async function openCsv(file: string, options: { delimiter?: string; encoding?: string }): Promise<RowSource> {
  const size = (await stat(file)).size;
  const head = await readHead(file, SNIFF_BYTES);
  if (head.length === 0) throw new FileRefused(file, '', 'the file is empty');
  if (head.subarray(0, 4).toString('latin1') === PARQUET_MAGIC) throw new FileRefused(file, '', 'this is a Parquet file, not CSV: use --format parquet');
  if (head[0] === 0x1f && head[1] === 0x8b) throw new FileRefused(file, '', 'this is a gzip-compressed file: unpack it first (gunzip)');
  if (head[0] === 0x50 && head[1] === 0x4b) throw new FileRefused(file, '', 'this is a ZIP archive (or an Excel .xlsx): export the sheet as CSV first');
  const nul = head.indexOf(0);
  if (nul >= 0) {
    const line = countLines(head.subarray(0, nul));
    throw new FileRefused(file, `line ${line}`, `binary data (a NUL byte at byte ${nul}): this is not a CSV text file`);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(options.encoding ?? 'utf-8', { fatal: false });
  } catch {
    throw new Error(`--encoding '${options.encoding}' is not an encoding Node knows (utf-8, latin1, windows-1252 ...)`);
  }
  const sniffed = new TextDecoder(options.encoding ?? 'utf-8', { fatal: false }).decode(head, { stream: true });
  const bad = sniffed.indexOf('\uFFFD');
  if (bad >= 0 && (options.encoding ?? 'utf-8') === 'utf-8') {
    throw new FileRefused(file, `line ${countLines(Buffer.from(sniffed.slice(0, bad)))}`, 'bytes that are not UTF-8 text: a binary file, or text in another encoding (try --encoding latin1)');
  }

  const parser = new CsvParser({ delimiter: options.delimiter });
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytesRead = 0;
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const pending: CsvRecord[] = [];
  let ended = false;
  let first = true;
  /** Reads until at least one record is complete (or the file ends). */
  const fill = async (): Promise<void> => {
    while (pending.length === 0 && !ended) {
      const next = await iterator.next();
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
  if (!headerRecord || (headerRecord.fields.length === 1 && headerRecord.fields[0].trim() === '')) throw new FileRefused(file, 'line 1', 'no header: the first line must name the columns (e.g. ts,tag,value)');
  if (headerRecord.problem) throw new FileRefused(file, `line ${headerRecord.line}`, `the header cannot be read: ${headerRecord.problem}`);

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
    progress: () => (size === 0 ? 1 : bytesRead / size),
    async close() {
      stream.destroy();
    },
  };
}

function countLines(bytes: Buffer): number {
  let n = 1;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

async function openParquet(file: string): Promise<RowSource> {
  await readHead(file, 4); // a clear message when the file is missing or unreadable
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const quoted = `'${file.replaceAll("'", "''")}'`;
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
