// Simulated machines behind an in-process OPC UA server, read by Loom's OPC UA client (the demo's OPC UA machine).
import type { PlantConfig } from '../../model/index.js';
import type { FactorySimulation } from '../simulator/index.js';
import { serveFactoryOpcUa } from './factory-server.js';
import { OpcUaConnector } from './opcua-connector.js';

export interface ServeSimulatedOpcUaOptions {
  /** Connector id of the client (the tags' source). */
  id: string;
  plant: PlantConfig;
  /** The simulation to serve; it decides which machines (its `emitMachines`). */
  simulation: FactorySimulation;
  /** Server certificate folder, e.g. `<dataDir>/pki/opcua-simulator`. */
  serverPkiDir: string;
  /** Loom's client certificate folder, `<dataDir>/pki/opcua`. */
  clientPkiDir: string;
}

/**
 * Starts the factory OPC UA server on a free loopback port for the simulation's machines and returns
 * it with an OPC UA client connector subscribed to every served variable (security None: both ends
 * are this process). Fits `ServedMachines.serve`.
 */
export async function serveSimulatedOpcUa(options: ServeSimulatedOpcUaOptions) {
  const served = await serveFactoryOpcUa({ plant: options.plant, simulation: options.simulation, port: 0, hostname: '127.0.0.1', pkiDir: options.serverPkiDir });
  const config = served.clientConfig({ id: options.id });
  const client = new OpcUaConnector({
    pkiDir: options.clientPkiDir,
    config: { ...config, subscription: { publishingInterval: '500ms', samplingInterval: '500ms' }, reconnect: { initialDelay: '250ms', maxDelay: '5s' } },
  });
  return { client, address: served.endpointUrl, close: () => served.close() };
}
