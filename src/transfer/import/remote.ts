// `loom import --url`: the file is sent to a running Loom's POST /api/v1/import, which imports it with
// the same pipeline as a local import and answers the report. The file is streamed from disk with its
// length, so the server can refuse one that is too large before reading it.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ImportReport } from './importer.js';
import type { ImportMapping } from './mapping.js';
import { detectFormat, type FileFormat } from './sources.js';

export interface RemoteImportOptions {
  /** Base URL of the running Loom, e.g. http://127.0.0.1:8080. */
  url: string;
  file: string;
  format?: FileFormat;
  mapping?: ImportMapping;
  encoding?: string;
  dryRun?: boolean;
  createTags?: boolean;
  /** How many rejects the answer lists (up to 10,000). */
  listRejects?: number;
  onProgress?(sent: number, size: number): void;
}

/** The server's answer to an import: the report, as `importFile` returns it, without a rejects file. */
export type RemoteReport = Omit<ImportReport, 'rejectsFile' | 'rejectsWritten' | 'rejectsError'>;

/**
 * The server refused or stopped the import (its error code and message, and the report when it has
 * one), or could not be reached (status 0, code UNREACHABLE).
 */
export class RemoteImportFailed extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly report?: RemoteReport,
  ) {
    super(message);
    this.name = 'RemoteImportFailed';
  }
}

interface ApiAnswer {
  error?: { code: string; message: string; hint?: string };
  report?: RemoteSummary;
}
type RemoteSummary = Omit<RemoteReport, 'firstRejects'> & { rejects: RemoteReport['firstRejects'] };

const CONTENT_TYPE: Record<FileFormat, string> = { csv: 'text/csv', parquet: 'application/vnd.apache.parquet' };

/**
 * Sends `file` to the Loom at `url` and resolves to its report. A file the server refuses as a whole
 * throws RemoteImportFailed with code LOOM_IMPORT_REFUSED and the message a local import would give.
 */
export async function importRemote(options: RemoteImportOptions): Promise<RemoteReport> {
  const { file } = options;
  const format = await detectFormat(file, options.format);
  const size = (await stat(file)).size;
  const target = new URL('/api/v1/import', options.url);
  target.searchParams.set('name', file);
  target.searchParams.set('format', format);
  if (options.mapping && Object.keys(options.mapping).length > 0) target.searchParams.set('mapping', JSON.stringify(options.mapping));
  if (options.encoding) target.searchParams.set('encoding', options.encoding);
  if (options.dryRun) target.searchParams.set('dryRun', 'true');
  if (options.createTags) target.searchParams.set('createTags', 'true');
  if (options.listRejects !== undefined) target.searchParams.set('rejects', String(Math.min(options.listRejects, 10_000)));

  const { status, text } = await postFile(target, file, size, CONTENT_TYPE[format], options.onProgress);
  let answer: ApiAnswer & Partial<RemoteSummary>;
  try {
    answer = JSON.parse(text) as ApiAnswer & Partial<RemoteSummary>;
  } catch {
    throw new Error(`${target.origin} answered ${status} with something that is not Loom's JSON: ${text.slice(0, 200)}`);
  }
  if (status === 200) return fromSummary(answer as RemoteSummary);
  const error = answer.error ?? { code: 'LOOM_INTERNAL', message: `HTTP ${status}` };
  throw new RemoteImportFailed(status, error.code, error.message, answer.report ? fromSummary(answer.report) : undefined);
}

function fromSummary(summary: RemoteSummary): RemoteReport {
  const { rejects, ...rest } = summary;
  return { ...rest, firstRejects: rejects };
}

/** POSTs the file with its length; stops sending as soon as the server answers (a 413 comes before the body is read). */
function postFile(url: URL, file: string, size: number, contentType: string, onProgress?: (sent: number, size: number) => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': size } });
    const body = createReadStream(file, { highWaterMark: 256 * 1024 });
    let sent = 0;
    let answered = false;
    body.on('data', (chunk) => {
      sent += chunk.length;
      onProgress?.(sent, size);
    });
    body.on('error', (error) => request.destroy(error));
    request.on('response', (response: IncomingMessage) => {
      answered = true;
      body.unpipe(request);
      body.destroy();
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        request.destroy();
      });
      response.on('error', reject);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (answered) return;
      const hint = error.code === 'ECONNREFUSED' ? ' (is Loom running there? check --url)' : '';
      reject(new RemoteImportFailed(0, 'UNREACHABLE', `cannot send ${file} to Loom at ${url.origin}: ${error.code ?? error.message}${hint}`));
    });
    body.pipe(request);
  });
}
