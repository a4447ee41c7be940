import type { Logger } from 'pino';
import type { Sample, SampleValue, TagDefinition, TagRegistry } from '../model/index.js';

/** A raw value as a connector read it, before normalisation checks it against the tag registry. */
export interface RawSample {
  tag: string;
  /** ms since the epoch, or an ISO 8601 string, or a Date. */
  ts: number | string | Date;
  value: unknown;
  quality?: Sample['quality'];
  historical?: boolean;
}

export type ConnectorState = 'starting' | 'connected' | 'degraded' | 'disconnected' | 'stopped';

export interface ConnectorHealth {
  id: string;
  kind: string;
  state: ConnectorState;
  lastError?: string;
  /** Free-form figures shown on the system page (samples read, reconnects ...). */
  counters?: Record<string, number>;
}

/** What the composition root hands a connector. */
export interface ConnectorContext {
  registry: TagRegistry;
  logger: Logger;
  /**
   * Sends samples into normalisation and on to the bus. Resolves when the bus has room again:
   * connectors that can wait (backfill) await it; live ones may ignore it.
   */
  publish(samples: RawSample[], source: string): Promise<void>;
}

/** One protocol or source. Each lives in its own folder under `src/connectors/`. */
export interface Connector {
  readonly id: string;
  readonly kind: string;
  /** Tags this connector provides, registered before `start`. */
  tagDefinitions(): TagDefinition[];
  start(context: ConnectorContext): Promise<void>;
  stop(): Promise<void>;
  health(): ConnectorHealth;
  /** Writes a value back to the source (later issues); absent when the connector is read-only. */
  write?(tag: string, value: SampleValue): Promise<void>;
}
