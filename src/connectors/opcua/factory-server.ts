// The virtual factory served over OPC UA: each machine's tags as variables in an ISA-95 folder tree.
import { DataType, StatusCodes, Variant, type OPCUAServer, type UAObject, type UAVariable } from 'node-opcua';
import { listMachines, type PlantConfig, type TagDefinition } from '../../model/index.js';
import { FactorySimulation, type SimulatorOptions } from '../simulator/index.js';
import type { RawSample } from '../types.js';
import type { OpcUaConnectorInput, OpcUaMappingInput } from './config.js';
import { createOpcUaServer, serverPort } from './server-base.js';

export interface ServeFactoryOpcUaOptions {
  plant: PlantConfig;
  options?: SimulatorOptions;
  /** Default 4840; 0 = ephemeral. */
  port?: number;
  hostname?: string;
  /** Folder of the server's certificate and trust list, e.g. `<dataDir>/pki/opcua-simulator`. */
  pkiDir: string;
  /** User names and passwords accepted besides anonymous. */
  users?: Record<string, string>;
  allowAnonymous?: boolean;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Simulation start (default now); the simulation then follows the wall clock. */
  start?: number;
  /** Serve this simulation (e.g. one a backfill returned, or one that emits only some machines) instead of a new one. */
  simulation?: FactorySimulation;
  /** A server from `createOpcUaServer`, initialised, not started (prepared while a backfill ran); its own port and PKI apply. */
  server?: OPCUAServer;
}

export interface ServedFactoryOpcUa {
  server: OPCUAServer;
  port: number;
  endpointUrl: string;
  simulation: FactorySimulation;
  /** Paths of the machines served. */
  machines: string[];
  /** An `opcua` connector config subscribing every served tag (or those of `machines`). */
  clientConfig(init?: { id?: string; machines?: string[]; securityMode?: OpcUaConnectorInput['securityMode']; auth?: OpcUaConnectorInput['auth'] }): OpcUaConnectorInput;
  close(): Promise<void>;
}

/** NodeId of a served tag or folder: namespace 1, the UNS path as string id. */
export function factoryNodeId(path: string): string {
  return `ns=1;s=${path}`;
}

/** The product name the factory server announces. */
export const FACTORY_PRODUCT = 'Loom virtual factory';

const OPCUA_TYPE: Record<TagDefinition['type'], DataType> = { number: DataType.Double, boolean: DataType.Boolean, string: DataType.String, json: DataType.String };

/**
 * Serves the virtual factory over OPC UA. The address space: Objects / <enterprise> / <site> / <area> /
 * <line> / <machine> / <tag>, all in namespace 1 with the UNS path as NodeId (`ns=1;s=acme/berlin/...`).
 * Numbers are Double (process signals are AnalogItems with EURange and unit), booleans Boolean,
 * strings String; values carry the simulation's timestamps as source timestamps. Each machine also has
 * a writable `speed_setpoint` (Double, %, held by the server: the simulation does not follow it).
 *
 * @example
 * const served = await serveFactoryOpcUa({ plant: config.plant, port: 4840, pkiDir: join(dataDir, 'pki', 'opcua-simulator') });
 * const opcua = new OpcUaConnector({ config: served.clientConfig({ machines: ['acme/berlin/machining/line-1/press-1'] }), pkiDir });
 */
export async function serveFactoryOpcUa(init: ServeFactoryOpcUaOptions): Promise<ServedFactoryOpcUa> {
  const simulation = init.simulation ?? new FactorySimulation(init.plant, init.options ?? {}, init.start ?? Date.now());
  const defs = simulation.tagDefinitions();
  const server = init.server ?? (await createOpcUaServer({ port: init.port ?? 4840, hostname: init.hostname, pkiDir: init.pkiDir, users: init.users, allowAnonymous: init.allowAnonymous }, FACTORY_PRODUCT));
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('no address space');
  const ns = addressSpace.getOwnNamespace();
  const folders = new Map<string, UAObject>();
  const folderFor = (path: string, parent: UAObject, name: string): UAObject => {
    let folder = folders.get(path);
    if (!folder) {
      folder = ns.addFolder(parent, { browseName: name, nodeId: `s=${path}` });
      folders.set(path, folder);
    }
    return folder;
  };

  const variables = new Map<string, { variable: UAVariable; dataType: DataType }>();
  const served = new Set(defs.map((d) => d.asset));
  const machines = listMachines(init.plant).filter((m) => served.has(m.path));
  const mappings: OpcUaMappingInput[] = [];
  for (const machine of machines) {
    const segments = machine.path.split('/');
    let parent: UAObject = addressSpace.rootFolder.objects;
    for (let i = 1; i < segments.length; i++) parent = folderFor(segments.slice(0, i).join('/'), parent, segments[i - 1]);
    const machineNode = ns.addObject({ organizedBy: parent, browseName: machine.id, nodeId: `s=${machine.path}`, description: machine.name });
    for (const def of defs.filter((d) => d.asset === machine.path)) {
      const dataType = OPCUA_TYPE[def.type];
      // Measured values: clients read them; only the setpoint below is writable.
      const common = { componentOf: machineNode, browseName: def.name, nodeId: `s=${def.path}`, description: def.description, accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' } as const;
      const variable =
        def.role === 'process' && def.min !== undefined && def.max !== undefined
          ? ns.addAnalogDataItem({ ...common, dataType: 'Double', engineeringUnitsRange: { low: def.min, high: def.max }, engineeringUnits: undefined })
          : ns.addVariable({ ...common, dataType: DataType[dataType] });
      variable.setValueFromSource(new Variant({ dataType, value: dataType === DataType.Boolean ? false : dataType === DataType.String ? '' : 0 }), StatusCodes.UncertainInitialValue);
      variables.set(def.path, { variable, dataType });
      mappings.push({ nodeId: factoryNodeId(def.path), tag: def.path, type: def.type === 'json' ? 'string' : def.type, unit: def.unit });
    }
    const setpointPath = `${machine.path}/speed_setpoint`;
    ns.addVariable({
      componentOf: machineNode,
      browseName: 'speed_setpoint',
      nodeId: `s=${setpointPath}`,
      dataType: 'Double',
      description: 'Speed setpoint in % (held by the server; the simulation does not follow it)',
      accessLevel: 'CurrentRead | CurrentWrite',
      userAccessLevel: 'CurrentRead | CurrentWrite',
      value: { dataType: DataType.Double, value: 100 },
    });
    mappings.push({ nodeId: factoryNodeId(setpointPath), tag: setpointPath, unit: '%', writable: true });
  }

  const apply = (samples: RawSample[]) => {
    for (const s of samples) {
      const entry = variables.get(s.tag);
      if (entry) entry.variable.setValueFromSource(new Variant({ dataType: entry.dataType, value: s.value }), StatusCodes.Good, new Date(s.ts as number));
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
  await server.start();
  const timer = setInterval(tick, Math.min(1000, simulation.options.tickMs));
  timer.unref();
  const port = serverPort(server);
  const endpointUrl = `opc.tcp://${init.hostname ?? '127.0.0.1'}:${port}`;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    await server.shutdown(0);
  };
  init.signal?.addEventListener('abort', () => void close(), { once: true });

  return {
    server,
    port,
    endpointUrl,
    simulation,
    machines: machines.map((m) => m.path),
    clientConfig({ id = 'opcua', machines: only, securityMode = 'None', auth } = {}) {
      const chosen = only ? mappings.filter((m) => only.some((p) => m.tag.startsWith(`${p}/`))) : mappings;
      return { id, endpoint: endpointUrl, securityMode, auth, mappings: chosen.map((m) => ({ ...m })) };
    },
    close,
  };
}
