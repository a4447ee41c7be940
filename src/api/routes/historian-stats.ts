import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import type { HistorianStats } from '../../historian/types.js';

/** Storage figures of the historian as `GET /api/v1/historian/stats` serves them. */
export interface HistorianStorageStats {
  engine: 'duckdb' | 'postgres' | null;
  tags: number;
  rawRows: number;
  minuteRows: number;
  hourRows: number;
  /** Size of the store on disk (DuckDB: both files; PostgreSQL: the schema's tables and indexes). */
  bytes: number;
  /** bytes / raw rows: what one stored sample costs, rollups included. */
  bytesPerStoredRow: number | null;
  /** Since start: samples the historian was handed, and how many of them it stored. */
  samplesReceived: number;
  samplesStored: number;
  /** received / stored since start (1 without compression). */
  compressionRatio: number | null;
  /** bytesPerStoredRow / compressionRatio: what one received sample costs, at this run's ratio. */
  bytesPerReceivedSample: number | null;
  compression: { compressedTags: number; unresolvedTags: Array<{ tag: string; reason: string }> };
  pendingSamples: number;
}

/** Derives the storage figures; without a compression stage every written sample counts as received and stored. */
export function storageStats(stats: HistorianStats, engine: HistorianStorageStats['engine']): HistorianStorageStats {
  const received = stats.compression?.samplesReceived ?? stats.samplesWritten;
  const stored = stats.compression?.samplesStored ?? stats.samplesWritten;
  const ratio = stored > 0 ? received / stored : null;
  const perRow = stats.rawRows > 0 ? stats.bytes / stats.rawRows : null;
  return {
    engine,
    tags: stats.tags,
    rawRows: stats.rawRows,
    minuteRows: stats.minuteRows,
    hourRows: stats.hourRows,
    bytes: stats.bytes,
    bytesPerStoredRow: perRow,
    samplesReceived: received,
    samplesStored: stored,
    compressionRatio: ratio,
    bytesPerReceivedSample: perRow !== null && ratio !== null ? perRow / ratio : null,
    compression: { compressedTags: stats.compression?.compressedTags ?? 0, unresolvedTags: stats.compression?.unresolvedTags ?? [] },
    pendingSamples: stats.pendingSamples,
  };
}

export async function historianStatsRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.get(
    '/api/v1/historian/stats',
    { schema: { tags: ['system'], summary: 'Historian storage: rows, bytes on disk, bytes per stored row and per received sample, compression ratio' } },
    async () => storageStats(await deps.historian.stats(), deps.historianEngine ?? null),
  );
}
