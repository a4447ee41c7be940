// The register map the virtual factory serves over Modbus TCP, one layout for every machine kind.
import { MACHINE_KINDS, type KindProfile } from '../simulator/index.js';
import type { ModbusArea, ModbusRegisterInput, ModbusType } from './config.js';

/** One value of a simulated machine's register map. */
export interface FactoryRegister {
  /** Tag name under the machine's path (the simulator's tag names, plus the setpoints). */
  name: string;
  area: ModbusArea;
  address: number;
  type: ModbusType;
  length?: number;
  scale: number;
  unit?: string;
  writable?: boolean;
  description: string;
}

/** Size of each area a simulated machine serves; reads beyond it get exception 2 (illegal data address). */
export const FACTORY_AREA_SIZE: Record<ModbusArea, number> = { input: 64, holding: 8, coil: 8, discrete: 8 };

/** First input register of the process signals (two registers each, int32 scaled by the sensor resolution). */
export const SIGNAL_BASE = 20;
export const STRING_REGISTERS = 8;

/**
 * The register map of a machine kind:
 *
 * | area | address | type | value |
 * |---|---|---|---|
 * | input | 0 | uint16 | state code |
 * | input | 1-2 | uint32 | good_count |
 * | input | 3-4 | uint32 | scrap_count |
 * | input | 5-6 | float32 | cycle_time (s) |
 * | input | 7-8 | float32 | ideal_cycle_time (s) |
 * | input | 9-12 | float64 | energy (kWh), kinds with a power signal |
 * | input | 20 + 2i | int32, x resolution | process signal i in the kind's order |
 * | input | 40-47 | string(16) | product |
 * | input | 48-55 | string(16) | order |
 * | discrete | 0 | bool | running |
 * | holding | 0 | uint16 | speed_setpoint (%), writable |
 * | coil | 0 | bool | enabled, writable |
 *
 * All multi-register values are big-endian (high word first, high byte first).
 */
export function factoryRegisterMap(kind: string): FactoryRegister[] {
  const profile: KindProfile | undefined = Object.hasOwn(MACHINE_KINDS, kind) ? MACHINE_KINDS[kind] : undefined;
  if (!profile) throw new Error(`the virtual factory has no machine kind '${kind}' (it knows ${Object.keys(MACHINE_KINDS).join(', ')})`);
  const map: FactoryRegister[] = [
    { name: 'state', area: 'input', address: 0, type: 'uint16', scale: 1, description: 'Machine state code' },
    { name: 'good_count', area: 'input', address: 1, type: 'uint32', scale: 1, unit: 'pcs', description: 'Good units, cumulative' },
    { name: 'scrap_count', area: 'input', address: 3, type: 'uint32', scale: 1, unit: 'pcs', description: 'Scrapped units, cumulative' },
    { name: 'cycle_time', area: 'input', address: 5, type: 'float32', scale: 1, unit: 's', description: 'Measured cycle time' },
    { name: 'ideal_cycle_time', area: 'input', address: 7, type: 'float32', scale: 1, unit: 's', description: 'Ideal cycle time of the product' },
  ];
  if (profile.signals.some((s) => s.name === 'power')) map.push({ name: 'energy', area: 'input', address: 9, type: 'float64', scale: 1, unit: 'kWh', description: 'Active energy, cumulative' });
  profile.signals.forEach((s, i) => map.push({ name: s.name, area: 'input', address: SIGNAL_BASE + 2 * i, type: 'int32', scale: s.resolution, unit: s.unit, description: s.description }));
  map.push(
    { name: 'product', area: 'input', address: 40, type: 'string', length: STRING_REGISTERS, scale: 1, description: 'Product' },
    { name: 'order', area: 'input', address: 48, type: 'string', length: STRING_REGISTERS, scale: 1, description: 'Job order id' },
    { name: 'running', area: 'discrete', address: 0, type: 'bool', scale: 1, description: 'True while producing' },
    { name: 'speed_setpoint', area: 'holding', address: 0, type: 'uint16', scale: 1, unit: '%', writable: true, description: 'Speed setpoint (held by the server; the simulation does not follow it)' },
    { name: 'enabled', area: 'coil', address: 0, type: 'bool', scale: 1, writable: true, description: 'Remote enable (held by the server)' },
  );
  return map;
}

/** The client-side register map entries for one machine: tag paths under `machinePath`. */
export function factoryClientRegisters(machinePath: string, kind: string, poll = 'default'): ModbusRegisterInput[] {
  return factoryRegisterMap(kind).map((r) => ({
    tag: `${machinePath}/${r.name}`,
    area: r.area,
    address: r.address,
    type: r.type,
    length: r.length,
    scale: r.scale,
    unit: r.unit,
    description: r.description,
    writable: r.writable ?? false,
    poll,
  }));
}
