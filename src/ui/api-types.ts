// The JSON shapes the dashboard reads from the Loom API (`/api/v1/...`).
// Plant-model types come from the model module; the rest mirror what the API serializes.
import type { AssetNode, Quality, SampleValue, TagDefinition } from '../model/types.js';

export type { AssetNode, Quality, SampleValue, TagDefinition };

/** A plant-model node; sites may carry their IANA time zone. */
export type PlantNode = AssetNode & { timezone?: string; children: PlantNode[] };

export interface LiveValue {
  ts: number;
  value: SampleValue;
  quality: Quality;
}

export interface LiveSample extends LiveValue {
  tag: string;
}

/** `GET /api/v1/tags`: a tag definition with its latest value when there is one. */
export type TagInfo = TagDefinition & Partial<LiveValue>;

export interface HistoryPoint {
  ts: number;
  value: SampleValue | null;
  quality?: Quality;
}

export interface HistoryResult {
  tag: string;
  from: number;
  to: number;
  resolution: 'raw' | '1m' | '1h';
  bucketMs: number | null;
  agg: string | null;
  points: HistoryPoint[];
}

export interface StateInterval {
  from: number;
  /** Null or absent while the interval is still open. */
  to: number | null;
  code: number;
  state: string;
}

export interface StatesResult {
  asset: string;
  tag: string;
  states: Record<string, string>;
  intervals: StateInterval[];
}

export interface SubscriberStats {
  name: string;
  pattern: string;
  depth: number;
  limit: number;
  delivered: number;
  dropped: number;
  errors: number;
}

export interface BusStats {
  published: number;
  unrouted: number;
  dropped: number;
  subscribers: SubscriberStats[];
}

export interface HistorianStats {
  tags: number;
  rawRows: number;
  minuteRows: number;
  hourRows: number;
  bytes: number;
  bytesPerSample: number | null;
  pendingSamples: number;
  samplesWritten: number;
}

export interface ConnectorHealth {
  id: string;
  kind: string;
  state: 'starting' | 'connected' | 'degraded' | 'disconnected' | 'stopped';
  lastError?: string;
  counters?: Record<string, number>;
}

export interface SystemInfo {
  uptimeS: number;
  eventLoopLagMs: number;
  ingest: { received: number; accepted: number; rejected: number; ratePerS: number };
  bus: BusStats;
  historian: HistorianStats;
  writeLatencyMs: { p50: number | null; p99: number | null };
  deadLetters: { total: number; byReason: Record<string, number> };
  connectors: ConnectorHealth[];
}

export interface DeadLetter {
  ts: number;
  source: string;
  reason: string;
  detail?: string;
  sample: unknown;
}

export interface DeadLetters {
  total: number;
  byReason: Record<string, number>;
  items: DeadLetter[];
}

export interface Health {
  status: 'ok';
  version: string;
  uptimeS: number;
}

/** Messages the live WebSocket sends. */
export type LiveMessage =
  | { type: 'snapshot'; samples: LiveSample[] }
  | { type: 'samples'; samples: LiveSample[] }
  | { type: 'error'; message?: string; error?: string };
