// The JSON shapes the dashboard reads from the Loom API (`/api/v1/...`).
// Plant-model types come from the model module; the rest mirror what the API serializes.
import type { AssetNode, Quality, SampleValue, TagDefinition } from '../model/types.js';
// Analytics answers: the report and chart types are pure data, shared with the server's code.
import type { OeeReport } from '../analytics/oee/kpis.js';
import type { ChartViolation, SpcAnalysis } from '../analytics/spc/analyse.js';
import type { Capability } from '../analytics/spc/capability.js';
import type { ChartKind, LineLimits } from '../analytics/spc/types.js';

export type { AssetNode, OeeReport, Quality, SampleValue, TagDefinition };

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

/** `GET /api/v1/oee` and `GET /api/v1/oee/live`. */
export interface OeeResult {
  asset: string;
  from?: number;
  to?: number;
  by: string;
  machines: string[];
  total: OeeReport;
  groups: Array<OeeReport & { key: string }>;
  /** Live only: machines whose shift before the server started could not be read from history. */
  missingLeadIn?: Array<{ machine: string; from: number; to: number; reason: string }>;
}

export interface DowntimeReason {
  reason: string;
  category: string;
  ms: number;
  stops: number;
}

/** `GET /api/v1/oee/losses`: OEE per time bucket and downtime reasons, largest first. */
export interface OeeLosses {
  asset: string;
  from: number;
  to: number;
  bucketMs: number;
  machines: string[];
  trend: Array<{
    from: number;
    to: number;
    iso: Pick<OeeReport['iso'], 'oee' | 'availability' | 'effectiveness' | 'qualityRatio'> | null;
    nakajima: Pick<OeeReport['nakajima'], 'oee' | 'availability' | 'performance' | 'quality'> | null;
    pbtMs: number;
  }>;
  reasons: DowntimeReason[];
}

export type SpcChartKind = ChartKind;
export type SpcLineLimits = LineLimits;
export type SpcViolation = ChartViolation;
export type SpcCapability = Capability;

/** `GET /api/v1/spc` (adds `tag` and the sample counts) and `POST /api/v1/spc/measurements`. */
export interface SpcResult extends SpcAnalysis {
  tag?: string;
  samples: { used?: number; skipped?: number; dropped: number };
  rules: string[];
}

/** Options of a control chart request. */
export interface SpcOptions {
  chart: SpcChartKind;
  n: number;
  rules: string;
  usl?: number;
  lsl?: number;
  target?: number;
  phase1?: number;
}
