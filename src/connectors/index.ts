import type { LoomConfig } from '../model/index.js';
import type { Connector } from './types.js';
import { VirtualFactory } from './simulator/index.js';

export type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from './types.js';

/** Where connectors may keep files (ground truth logs, certificates); absent when running in memory. */
export interface ConnectorEnvironment {
  dataDir?: string;
}

/**
 * The connector registry: one line per connector kind. Adding a connector means a folder under
 * `src/connectors/` and a line here.
 */
export function createConnectors(config: LoomConfig, environment: ConnectorEnvironment): Connector[] {
  const connectors: Connector[] = [];
  if (config.simulator.enabled) connectors.push(new VirtualFactory({ plant: config.plant, options: config.simulator, dataDir: environment.dataDir }));
  return connectors;
}
