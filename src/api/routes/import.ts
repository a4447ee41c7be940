import { tmpdir } from 'node:os';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TagRegistry } from '../../model/index.js';
import type { Historian } from '../../historian/types.js';
import { FileRefused, ImportStopped, importUpload, mappingSchema, mergeMappings, type FileFormat, type ImportConfig, type ImportMapping, type ImportReport, type Layout } from '../../transfer/index.js';
import { ApiError, API_ERRORS } from '../errors.js';

export interface ImportRouteDeps {
  historian: Historian;
  registry: TagRegistry;
  /** The data folder, where a Parquet upload is spooled; absent (in-memory Loom): the system temp folder. */
  dataDir?: string;
  importConfig?: ImportConfig;
}

interface ImportQuerystring {
  format?: FileFormat;
  layout?: Layout;
  name?: string;
  mapping?: string;
  ts?: string;
  tag?: string;
  value?: string;
  quality?: string;
  column?: string | string[];
  ignore?: string | string[];
  timezone?: string;
  epoch?: 'auto' | 's' | 'ms';
  delimiter?: string;
  encoding?: string;
  createTags?: boolean;
  dryRun?: boolean;
  rejects?: number;
}

// `curl --data-binary @file.csv` sends application/x-www-form-urlencoded unless told otherwise: take it as CSV.
const CSV_TYPES = ['text/csv', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'];
const PARQUET_TYPES = ['application/vnd.apache.parquet', 'application/x-parquet'];
const DEFAULT_MAX_UPLOAD = 2 * 1024 ** 3;

/** The report as the API answers it: no server-side rejects file; the rejects are listed instead. */
export type ImportSummary = Omit<ImportReport, 'firstRejects' | 'rejectsFile' | 'rejectsWritten' | 'rejectsError'> & { rejects: ImportReport['firstRejects'] };

/**
 * `POST /api/v1/import`: the file is the request body, read as it arrives (CSV) and imported with the
 * same checks, reject reasons and idempotent writes as `loom import` on the server. It lets a running
 * Loom take a backfill (the embedded DuckDB historian admits one process only) into the historian and
 * tag registry it serves.
 */
export async function importRoutes(app: FastifyInstance, deps: ImportRouteDeps): Promise<void> {
  const maxBytes = deps.importConfig?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  // Own scope, so the pass-through body parsers apply to this route only.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('text/plain');
    // The body is handed on as a stream: a 2 GB file is never held in memory.
    scope.addContentTypeParser([...CSV_TYPES, ...PARQUET_TYPES], (_request, payload, done) => done(null, payload));
    scope.post<{ Querystring: ImportQuerystring; Body: Readable }>(
      '/api/v1/import',
      {
        schema: {
          tags: ['history'],
          summary: 'Import a CSV or Parquet file (the request body) into the historian; answers the report: rows read, imported, rejected per reason, the first rejects with their line',
          querystring: {
            type: 'object',
            properties: {
              format: { type: 'string', enum: ['csv', 'parquet'], description: 'Default: from the Content-Type (application/vnd.apache.parquet: parquet), else csv' },
              layout: { type: 'string', enum: ['long', 'wide'], description: 'Default: long when the header has tag and value' },
              name: { type: 'string', maxLength: 500, description: 'The file name the report and messages use; default upload' },
              mapping: { type: 'string', maxLength: 1_000_000, description: 'A column mapping as JSON (the fields of a loom import --map file); the other parameters override it' },
              ts: { type: 'string', description: 'Timestamp column' },
              tag: { type: 'string', description: 'Long layout: the tag column' },
              value: { type: 'string', description: 'Long layout: the value column' },
              quality: { type: 'string', description: 'Quality column' },
              column: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'NAME=tag/path, repeatable' },
              ignore: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Column to leave out, repeatable' },
              timezone: { type: 'string', description: 'IANA zone for times without an offset' },
              epoch: { type: 'string', enum: ['auto', 's', 'ms'] },
              delimiter: { type: 'string', minLength: 1, maxLength: 1 },
              encoding: { type: 'string', description: 'CSV text encoding; default utf-8' },
              createTags: { type: 'boolean', description: 'Define tags the registry does not know (type from their first value)' },
              dryRun: { type: 'boolean', description: 'Check every row, write nothing' },
              rejects: { type: 'integer', minimum: 0, maximum: 10_000, default: 100, description: 'How many rejects the answer lists (the counts are always complete)' },
            },
          },
        },
      },
      async (request, reply) => {
        const length = Number(request.headers['content-length']);
        if (length > maxBytes) {
          // Said before a byte is read. The connection stays open (Node discards the rest of the body):
          // closing it while the client still sends can reset it before the client reads this answer.
          throw tooLarge(`the file is ${length.toLocaleString('en')} bytes; this Loom takes at most ${maxBytes.toLocaleString('en')} per import (import.maxUploadBytes)`);
        }
        const query = request.query;
        const mapping = mappingOf(query);
        if (query.encoding !== undefined) {
          try {
            new TextDecoder(query.encoding);
          } catch {
            throw new ApiError('LOOM_BAD_REQUEST', `encoding '${query.encoding}' is not one Node knows (utf-8, latin1, windows-1252 ...)`);
          }
        }
        const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        const format = query.format ?? (PARQUET_TYPES.includes(contentType) ? 'parquet' : 'csv');
        const capped = new ByteCap(maxBytes);
        request.body.on('error', (error) => capped.destroy(error));
        const stream = request.body.pipe(capped);
        try {
          const report = await importUpload(deps, {
            file: query.name ?? 'upload',
            stream,
            size: Number.isFinite(length) ? length : undefined,
            format,
            spoolDir: deps.dataDir ?? tmpdir(),
            mapping,
            encoding: query.encoding,
            dryRun: query.dryRun,
            createTags: query.createTags,
            rejectsFile: null,
            listRejects: query.rejects,
          });
          return summaryOf(report);
        } catch (error) {
          if (capped.exceeded) {
            // Sent without a length and still sending: this one is cut off rather than read to its end.
            reply.header('connection', 'close');
            throw tooLarge(`the file is larger than ${maxBytes.toLocaleString('en')} bytes, the most this Loom takes per import (import.maxUploadBytes)${error instanceof ImportStopped ? `: ${error.message}` : ''}`);
          }
          if (error instanceof FileRefused) throw new ApiError('LOOM_IMPORT_REFUSED', `refused ${error.message}`);
          if (error instanceof ImportStopped) return stopped(reply, error);
          throw error;
        } finally {
          stream.destroy();
          // What the import left unread (a refused file) is discarded, so the connection ends normally
          // instead of waiting, paused, for the keep-alive timeout.
          request.body.unpipe(capped);
          request.body.resume();
        }
      },
    );
  });
}

/** The mapping from the `mapping` JSON and the single parameters (which win). */
function mappingOf(query: ImportQuerystring): ImportMapping {
  let base: ImportMapping = {};
  if (query.mapping !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(query.mapping);
    } catch (error) {
      throw new ApiError('LOOM_BAD_REQUEST', `mapping is not JSON: ${(error as Error).message}`);
    }
    const parsed = mappingSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError('LOOM_BAD_REQUEST', `mapping: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
    base = parsed.data;
  }
  const columns: Record<string, string> = {};
  for (const entry of ([] as string[]).concat(query.column ?? [])) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new ApiError('LOOM_BAD_REQUEST', `column '${entry}' must be NAME=tag/path`);
    columns[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const ignore = ([] as string[]).concat(query.ignore ?? []);
  return mergeMappings(base, {
    layout: query.layout,
    ts: query.ts,
    tag: query.tag,
    value: query.value,
    quality: query.quality,
    columns: Object.keys(columns).length > 0 ? columns : undefined,
    ignore: ignore.length > 0 ? ignore : undefined,
    timezone: query.timezone,
    epoch: query.epoch,
    delimiter: query.delimiter,
  });
}

function summaryOf(report: ImportReport): ImportSummary {
  const { firstRejects, rejectsFile: _file, rejectsWritten: _written, rejectsError: _error, ...rest } = report;
  return { ...rest, rejects: firstRejects };
}

/** Stopped part-way (the historian failed): the error and what was stored, so a retry can be judged. */
function stopped(reply: FastifyReply, error: ImportStopped): FastifyReply {
  const { status, hint } = API_ERRORS.LOOM_IMPORT_STOPPED;
  return reply.status(status).send({ error: { code: 'LOOM_IMPORT_STOPPED', message: error.message, hint }, report: summaryOf(error.report) });
}

function tooLarge(message: string): ApiError {
  return new ApiError('LOOM_UPLOAD_TOO_LARGE', message);
}

/** Passes bytes through until more than `max` have come (a body sent without Content-Length), then fails the stream. */
class ByteCap extends Transform {
  private seen = 0;
  exceeded = false;

  constructor(private readonly max: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.max) {
      this.exceeded = true;
      callback(new Error(`more than ${this.max} bytes`));
      return;
    }
    callback(null, chunk);
  }
}
