// Which simulated machine reaches Loom over which transport (`simulator.transport` and `simulator.machines`).
import type { PlantConfig } from '../../model/index.js';
import { simulatorCoverage } from './engine.js';
import type { SimulatorTransport } from './config.js';
import type { SimulatorOptions } from './options.js';

/** The simulated machines (paths) of each transport; empty lists for unused transports. */
export type TransportPlan = Record<SimulatorTransport, string[]>;

/**
 * Splits the simulated machines by transport: `machines[path]` when given, else `transport`.
 * Throws, naming the entry, when `machines` names a path that is not a simulated machine.
 *
 * @example planTransports(plant, { transport: 'sparkplug', machines: { 'acme/berlin/baking/line-3/oven-1': 'opcua' } })
 * // { direct: [], sparkplug: [...8 paths], opcua: ['acme/berlin/baking/line-3/oven-1'], modbus: [] }
 */
export function planTransports(plant: PlantConfig, options: SimulatorOptions & { transport?: SimulatorTransport; machines?: Record<string, SimulatorTransport> }): TransportPlan {
  const plan: TransportPlan = { direct: [], sparkplug: [], opcua: [], modbus: [] };
  const { simulated, skipped } = simulatorCoverage(plant, options);
  const known = new Set(simulated);
  for (const path of Object.keys(options.machines ?? {})) {
    if (known.has(path)) continue;
    const why = skipped.find((s) => s.path === path)?.reason;
    throw new Error(
      why
        ? `simulator.machines: '${path}' is not simulated (${why})`
        : `simulator.machines: '${path}' is not a machine of the plant; use a full machine path such as ${simulated[0] ?? 'enterprise/site/area/line/machine'}`,
    );
  }
  for (const path of simulated) plan[options.machines?.[path] ?? options.transport ?? 'direct'].push(path);
  return plan;
}
