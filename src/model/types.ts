/** Sample quality, as in OPC UA: good, uncertain or bad. */
export type Quality = 'good' | 'uncertain' | 'bad';

/** The data type of a tag. `json` values are stored as their JSON text. */
export type DataType = 'number' | 'boolean' | 'string' | 'json';

/** A value a tag can hold once normalised. */
export type SampleValue = number | boolean | string;

/**
 * One value of one tag at one time: the unit everything downstream of the connectors works on.
 * Times are milliseconds since the epoch, UTC.
 */
export interface Sample {
  /** Full UNS path of the tag, e.g. `acme/berlin/assembly/line-1/press-1/temperature`. */
  tag: string;
  /** Source timestamp (ms, UTC). */
  ts: number;
  value: SampleValue;
  quality: Quality;
  /** Set by `historical` sources (backfill, Sparkplug historical metrics): stored but not acted on live. */
  historical?: boolean;
}

/** Roles a tag can play for analytics; later issues read these. */
export type TagRole =
  | 'state'
  | 'good_count'
  | 'scrap_count'
  | 'rework_count'
  | 'cycle_time'
  | 'ideal_cycle_time'
  | 'energy'
  | 'product'
  | 'order'
  | 'process';

/** A tag as the registry knows it. */
export interface TagDefinition {
  /** Full UNS path. */
  path: string;
  /** Path of the asset (plant-model node) the tag belongs to. */
  asset: string;
  /** Last path segment. */
  name: string;
  type: DataType;
  unit?: string;
  description?: string;
  /** Engineering range, used by screens for scales and by validation for plausibility. */
  min?: number;
  max?: number;
  role?: TagRole;
  /** Who feeds this tag: `simulator`, `config`, a connector id. */
  source?: string;
  /** For state tags: the meaning of each code. */
  states?: Record<string, string>;
}

/** ISA-95 equipment hierarchy levels Loom models. */
export type AssetLevel = 'enterprise' | 'site' | 'area' | 'line' | 'machine';

/** A node of the plant model as served by the API (`GET /api/v1/assets`). */
export interface AssetNode {
  path: string;
  id: string;
  name: string;
  level: AssetLevel;
  kind?: string;
  /** Sites only: the plant's IANA time zone, in which the UI shows times. */
  timezone?: string;
  description?: string;
  children: AssetNode[];
}
