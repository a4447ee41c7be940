import type { PlantConfig, Sample, TagRegistry } from '../model/index.js';
import type { Bus } from '../bus/index.js';
import type { Historian } from '../historian/types.js';
import type { DeadLetterStore, Ingest } from '../ingest/index.js';
import type { Connector, ConnectorHealth } from '../connectors/types.js';
import type { Telemetry } from './telemetry.js';
import type { AuditLog, WriteBack } from '../act/index.js';
import type { LiveOee, ShiftCellCache } from '../analytics/oee/index.js';
import type { SpcEventLog } from '../analytics/spc/index.js';
import type { ImportConfig } from '../transfer/config.js';

/** Everything the API reads; the composition root (src/app.ts) builds it. */
export interface ApiDeps {
  plant: PlantConfig;
  registry: TagRegistry;
  bus: Bus<Sample>;
  historian: Historian;
  /** Which backend `historian` stores in, for `GET /api/v1/historian/stats`. */
  historianEngine?: 'duckdb' | 'postgres';
  ingest: Ingest;
  deadLetters: DeadLetterStore;
  telemetry: Telemetry;
  connectors: () => ConnectorHealth[];
  writeBack: WriteBack;
  /** Running OEE totals per asset, when analytics run. */
  liveOee?: LiveOee;
  /** OEE cells of closed shifts, kept between requests. */
  oeeCache?: ShiftCellCache;
  /** Rule violations of the live SPC monitors. */
  spcEvents?: SpcEventLog;
  audit: AuditLog;
  /** The running connectors themselves (OPC UA browse, mappings, certificates). */
  connectorInstances?: () => Connector[];
  /** The config file Loom was started with; absent for the built-in demo (nothing is saved then). */
  configFile?: string;
  /** Ids of the OPC UA connectors declared in the config file's `opcua:` list (mappings can be saved to them). */
  configuredOpcUa?: string[];
  /** The data folder (absent when Loom keeps nothing on disk): uploads are spooled there. */
  dataDir?: string;
  /** Limits of `POST /api/v1/import`. */
  importConfig?: ImportConfig;
  /** Folder of the built dashboard; absent or missing: `/` explains how to build it. */
  uiDir?: string;
  version: string;
  startedAt: number;
}
