// The virtual factory served over Modbus TCP: each simulated machine as a device (own port or unit id).
import { createServer, type AddressInfo } from 'node:net';
import Modbus from 'modbus-serial';
import { listMachines, type PlantConfig } from '../../model/index.js';
import { FactorySimulation, type SimulatorOptions } from '../simulator/index.js';
import type { RawSample } from '../types.js';
import { encode, widthOf, type ValueSpec } from './codec.js';
import type { ModbusArea, ModbusConnectorInput } from './config.js';
import { FACTORY_AREA_SIZE, factoryClientRegisters, factoryRegisterMap, type FactoryRegister } from './factory-map.js';

export interface ServeFactoryModbusOptions {
  plant: PlantConfig;
  options?: SimulatorOptions;
  host?: string;
  /** One server per machine on basePort, basePort + 1 ... (0: each on an ephemeral port). */
  basePort?: number;
  /** Or: one server on this port (0 = ephemeral) with one unit id per machine. */
  port?: number;
  /** Unit ids of the machines on the single port, in plant order; default 1, 2, 3 ... */
  unitIds?: number[];
  /** Only these machine paths (default: every machine the simulator knows). */
  machines?: string[];
  /** Stops the servers when aborted. */
  signal?: AbortSignal;
  /** Simulation start (default now); the simulation then follows the wall clock. */
  start?: number;
  /** Serve this simulation (e.g. one a backfill returned, or one that emits only some machines) instead of a new one. */
  simulation?: FactorySimulation;
}

/** One simulated machine as a Modbus device. */
export interface ServedMachine {
  machine: string;
  kind: string;
  host: string;
  port: number;
  unitId: number;
}

export interface ServedFactoryModbus {
  machines: ServedMachine[];
  simulation: FactorySimulation;
  /** A `modbus` connector config that polls every served machine (tags = the machines' UNS paths). */
  clientConfig(init?: { id?: string; interval?: string | number }): ModbusConnectorInput;
  close(): Promise<void>;
}

interface MachineImage {
  served: ServedMachine;
  areas: Record<ModbusArea, Uint16Array>;
  byName: Map<string, FactoryRegister & ValueSpec>;
}

/** Finds a free loopback port (modbus-serial's ServerTCP treats port 0 as "use 502"). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Serves the virtual factory over Modbus TCP, stepping a `FactorySimulation` in real time. Each
 * machine has the register map of `factoryRegisterMap` (same layout for every kind). Reads beyond an
 * area's size get exception 2; writes to input registers and discrete inputs are refused (exception 1
 * is not reachable: there is no FC for them).
 *
 * @example
 * const served = await serveFactoryModbus({ plant: config.plant, basePort: 5020 });
 * const modbus = new ModbusConnector({ config: served.clientConfig() });
 */
export async function serveFactoryModbus(init: ServeFactoryModbusOptions): Promise<ServedFactoryModbus> {
  const host = init.host ?? '127.0.0.1';
  const simulation = init.simulation ?? new FactorySimulation(init.plant, init.options ?? {}, init.start ?? Date.now());
  const known = new Set(simulation.tagDefinitions().map((d) => d.asset));
  const refs = listMachines(init.plant).filter((m) => m.kind !== undefined && known.has(m.path) && (!init.machines || init.machines.includes(m.path)));
  if (refs.length === 0) throw new Error('serveFactoryModbus: no simulated machine to serve (check the plant kinds and the machines filter)');
  const single = init.port !== undefined;
  const images = new Map<string, MachineImage>();
  const byUnit = new Map<number, MachineImage>();
  const servers: Array<InstanceType<typeof Modbus.ServerTCP>> = [];

  const singlePort = single ? (init.port === 0 ? await freePort(host) : (init.port as number)) : 0;
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const unitId = single ? (init.unitIds?.[i] ?? i + 1) : 1;
    const port = single ? singlePort : init.basePort === undefined || init.basePort === 0 ? await freePort(host) : init.basePort + i;
    const map = factoryRegisterMap(ref.kind as string);
    const image: MachineImage = {
      served: { machine: ref.path, kind: ref.kind as string, host, port, unitId },
      areas: { input: new Uint16Array(FACTORY_AREA_SIZE.input), holding: new Uint16Array(FACTORY_AREA_SIZE.holding), coil: new Uint16Array(FACTORY_AREA_SIZE.coil), discrete: new Uint16Array(FACTORY_AREA_SIZE.discrete) },
      byName: new Map(map.map((r) => [r.name, { ...r, wordOrder: 'big' as const, byteOrder: 'big' as const, offset: 0 }])),
    };
    image.areas.holding[0] = 100; // speed_setpoint
    image.areas.coil[0] = 1; // enabled
    images.set(ref.path, image);
    byUnit.set(unitId, image);
    if (!single) servers.push(await listen(vectorFor(() => image), host, port, 255));
  }
  if (single) servers.push(await listen(vectorFor((unitId) => byUnit.get(unitId)), host, singlePort, 255));

  const apply = (samples: RawSample[]) => {
    for (const s of samples) {
      const slash = s.tag.lastIndexOf('/');
      const image = images.get(s.tag.slice(0, slash));
      const register = image?.byName.get(s.tag.slice(slash + 1));
      if (!image || !register) continue;
      let words: number[];
      try {
        words = encode(register.type === 'string' ? String(s.value).slice(0, 2 * (register.length ?? 1)) : (s.value as number | boolean), register);
      } catch {
        continue; // out of the register's range: the PLC would keep its last value
      }
      image.areas[register.area].set(words, register.address);
    }
  };
  const tick = () => {
    const out: RawSample[] = [];
    while (simulation.nextTs <= Date.now()) simulation.step(out);
    apply(out);
  };
  if (init.simulation) {
    // A simulation that ran before (a backfill) sent its discrete values long ago: send them all again.
    init.simulation.resendAll();
    await init.simulation.untilNextTick();
  }
  tick();
  const timer = setInterval(tick, Math.min(1000, simulation.options.tickMs));
  timer.unref();

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  init.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    machines: [...images.values()].map((i) => i.served),
    simulation,
    clientConfig({ id = 'modbus', interval = '1s' } = {}) {
      return {
        id,
        pollGroups: { default: interval },
        devices: [...images.values()].map(({ served }) => ({
          id: served.machine.slice(served.machine.lastIndexOf('/') + 1),
          host: served.host,
          port: served.port,
          unitId: served.unitId,
          registers: factoryClientRegisters(served.machine, served.kind),
        })),
      };
    },
    close,
  };
}

function illegalAddress(): never {
  throw { modbusErrorCode: 2, msg: 'illegal data address' };
}

function vectorFor(imageOf: (unitId: number) => MachineImage | undefined) {
  const area = (name: ModbusArea, unitId: number, address: number, length: number): Uint16Array => {
    const image = imageOf(unitId);
    // A gateway with no device at this unit id answers "target device failed to respond".
    if (!image) throw { modbusErrorCode: 11, msg: 'no such unit' };
    const data = image.areas[name];
    if (address < 0 || address + length > data.length) illegalAddress();
    return data;
  };
  const writable = (name: 'holding' | 'coil', unitId: number, address: number) => {
    const image = imageOf(unitId);
    if (!image) throw { modbusErrorCode: 11, msg: 'no such unit' };
    const register = [...image.byName.values()].find((r) => r.area === name && r.address <= address && address < r.address + widthOf(r));
    if (!register?.writable) illegalAddress();
    return image.areas[name];
  };
  return {
    getInputRegister: (address: number, unitId: number) => area('input', unitId, address, 1)[address],
    getMultipleInputRegisters: (address: number, length: number, unitId: number) => Array.from(area('input', unitId, address, length).subarray(address, address + length)),
    getHoldingRegister: (address: number, unitId: number) => area('holding', unitId, address, 1)[address],
    getMultipleHoldingRegisters: (address: number, length: number, unitId: number) => Array.from(area('holding', unitId, address, length).subarray(address, address + length)),
    getCoil: (address: number, unitId: number) => area('coil', unitId, address, 1)[address] === 1,
    getDiscreteInput: (address: number, unitId: number) => area('discrete', unitId, address, 1)[address] === 1,
    setRegister: (address: number, value: number, unitId: number) => {
      writable('holding', unitId, address)[address] = value;
    },
    setCoil: (address: number, value: boolean, unitId: number) => {
      writable('coil', unitId, address)[address] = value ? 1 : 0;
    },
  };
}

/** Starts a modbus-serial ServerTCP and waits until it listens. */
export async function listen(vector: object, host: string, port: number, unitID = 255): Promise<InstanceType<typeof Modbus.ServerTCP>> {
  const server = new Modbus.ServerTCP(vector, { host, port, unitID });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (error: Error) => reject(new Error(`cannot serve Modbus TCP on ${host}:${port}: ${error.message}`)));
  });
  // Client sockets that reset are normal (pollers reconnect); keep them from becoming unhandled errors.
  server.on('socketError', () => undefined);
  server.on('error', () => undefined);
  return server;
}
