// The simulator's per-machine transport choice, declared once (the `simulator` block wires it in).
import { z } from 'zod';

/** How simulated machines reach Loom. */
export const SIMULATOR_TRANSPORTS = ['direct', 'sparkplug', 'opcua', 'modbus'] as const;
export type SimulatorTransport = (typeof SIMULATOR_TRANSPORTS)[number];

/** `simulator.machines`: machine path -> transport, overriding `simulator.transport` for that machine. */
export const simulatorMachinesSchema = z
  .record(z.string().min(1), z.enum(SIMULATOR_TRANSPORTS))
  .default({})
  .describe(
    "Per machine (full path, e.g. acme/berlin/baking/line-3/oven-1): direct, sparkplug, opcua (an in-process OPC UA server on a free loopback port, read by Loom's OPC UA client) or modbus (a Modbus TCP device read by Loom's poller); other machines use transport",
  );

interface PlantIds {
  enterprise: { id: string };
  sites: Array<{ id: string; areas: Array<{ id: string; lines: Array<{ id: string; machines: Array<{ id: string }> }> }> }>;
}

/**
 * Keys of `simulator.machines` that are not machine paths of the plant (checked with the whole config,
 * so `loom check` names them with their line).
 */
export function unknownSimulatorMachines(machines: Record<string, unknown>, plant: PlantIds): string[] {
  const paths = new Set<string>();
  for (const site of plant.sites)
    for (const area of site.areas) for (const line of area.lines) for (const machine of line.machines) paths.add([plant.enterprise.id, site.id, area.id, line.id, machine.id].join('/'));
  return Object.keys(machines).filter((path) => !paths.has(path));
}
