// Simulated machines as Modbus TCP devices in-process, read by Loom's poller (the demo's Modbus machine).
import type { PlantConfig } from '../../model/index.js';
import type { FactorySimulation } from '../simulator/index.js';
import { serveFactoryModbus } from './factory-server.js';
import { ModbusConnector } from './modbus-connector.js';

/**
 * Serves the simulation's machines (its `emitMachines`) on one free loopback port, one unit id per
 * machine, and returns them with a poller reading every register each second. Fits `ServedMachines.serve`.
 */
export async function serveSimulatedModbus(options: { id: string; plant: PlantConfig; simulation: FactorySimulation }) {
  const served = await serveFactoryModbus({ plant: options.plant, simulation: options.simulation, host: '127.0.0.1', port: 0 });
  const client = new ModbusConnector({ config: served.clientConfig({ id: options.id, interval: '1s' }) });
  const { host, port } = served.machines[0];
  return { client, address: `modbus-tcp://${host}:${port}`, close: () => served.close() };
}
