// Simulated machines behind an in-process OPC UA server, read by Loom's OPC UA client (the demo's OPC UA machine).
import type { PlantConfig } from '../../model/index.js';
import type { FactorySimulation } from '../simulator/index.js';
import type { OPCUAServer } from 'node-opcua';
import { FACTORY_PRODUCT, serveFactoryOpcUa } from './factory-server.js';
import { createOpcUaServer } from './server-base.js';
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
  /** The server from `prepareSimulatedOpcUa` (default: prepared now). */
  server?: Promise<OPCUAServer>;
}

/**
 * The server part that takes seconds (certificate on first use, initialisation), on a free loopback
 * port: start it while the history is simulated, and pass it to `serveSimulatedOpcUa`.
 */
export function prepareSimulatedOpcUa(serverPkiDir: string): Promise<OPCUAServer> {
  return createOpcUaServer({ port: 0, hostname: '127.0.0.1', pkiDir: serverPkiDir }, FACTORY_PRODUCT);
}

/**
 * Starts the factory OPC UA server on a free loopback port for the simulation's machines and returns
 * it with an OPC UA client connector subscribed to every served variable (security None: both ends
 * are this process). Fits `ServedMachines.serve`.
 */
export async function serveSimulatedOpcUa(options: ServeSimulatedOpcUaOptions) {
  const server = await (options.server ?? prepareSimulatedOpcUa(options.serverPkiDir));
  const served = await serveFactoryOpcUa({ plant: options.plant, simulation: options.simulation, server, hostname: '127.0.0.1', pkiDir: options.serverPkiDir });
  const config = served.clientConfig({ id: options.id });
  const client = new OpcUaConnector({
    pkiDir: options.clientPkiDir,
    config: { ...config, subscription: { publishingInterval: '500ms', samplingInterval: '500ms' }, reconnect: { initialDelay: '250ms', maxDelay: '5s' } },
  });
  return { client, address: served.endpointUrl, close: () => served.close() };
}
