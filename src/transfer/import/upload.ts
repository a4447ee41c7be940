// An import whose data arrives as a stream (an HTTP request body) rather than as a file on this
// machine: CSV is parsed as it arrives; Parquet is spooled to a temp file first, since DuckDB reads
// Parquet from files (its footer, at the end, says where the columns are).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { importFile, type ImportOptions, type ImportReport, type ImportTarget } from './importer.js';
import type { FileFormat } from './sources.js';

export interface UploadOptions extends Omit<ImportOptions, 'data' | 'format'> {
  stream: Readable;
  /** Bytes the stream will carry, when known (Content-Length): progress only. */
  size?: number;
  format: FileFormat;
  /** Where a Parquet upload is spooled (the data folder); the copy is removed afterwards. */
  spoolDir: string;
}

/** Imports a stream with the same checks, reasons and idempotent writes as a file import. */
export async function importUpload(target: ImportTarget, options: UploadOptions): Promise<ImportReport> {
  const { stream, size, spoolDir, ...rest } = options;
  if (options.format === 'csv') return importFile(target, { ...rest, data: { stream, size } });
  const dir = await mkdtemp(join(spoolDir, 'import-upload-'));
  try {
    const path = join(dir, 'upload.parquet');
    await pipeline(stream, createWriteStream(path));
    return await importFile(target, { ...rest, data: { path } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
