import type { LoomConfig } from '../model/index.js';
import type { Connector } from './types.js';
import { FactorySimulation, VirtualFactory } from './simulator/index.js';

export type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from './types.js';

/** Where connectors may keep files (ground truth logs, certificates); absent when running in memory. */
export interface ConnectorEnvironment {
  dataDir?: string;
  /** True when the historian holds no data yet (a first start): the simulator may fill some history. */
  freshHistorian?: boolean;
  now?: number;
}

/**
 * The connector registry: one line per connector kind. Adding a connector means a folder under
 * `src/connectors/` and a line here.
 */
export function createConnectors(config: LoomConfig, environment: ConnectorEnvironment): Connector[] {
  const connectors: Connector[] = [];
  if (config.simulator.enabled) {
    const history = environment.freshHistorian ? config.simulator.history : 0;
    // Starting the simulation in the past makes the live factory catch up through that history first.
    const simulation = history > 0 ? new FactorySimulation(config.plant, config.simulator, (environment.now ?? Date.now()) - history) : undefined;
    connectors.push(new VirtualFactory({ plant: config.plant, options: config.simulator, dataDir: environment.dataDir, simulation }));
  }
  return connectors;
}
