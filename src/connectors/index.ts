import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoomConfig } from '../model/index.js';
import type { Connector } from './types.js';
import type { DeadLetterStore } from '../ingest/index.js';
import type { BrokerConnection } from '../broker/index.js';
import { FactorySimulation, ServedMachines, VirtualFactory, planTransports, type ServedTransport, type SimulatorOptions, type TransportPlan } from './simulator/index.js';
import { MqttJsonConnector, toStoreReason } from './mqtt/index.js';
import { SparkplugHost, SparkplugSimulator, sparkplugMappingsForPlant, storeReason } from './sparkplug/index.js';

export type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from './types.js';

/** Where connectors may keep files (ground truth logs, certificates); absent when running in memory. */
export interface ConnectorEnvironment {
  dataDir?: string;
  /** True when the historian holds no data yet (a first start): the simulator may fill some history. */
  freshHistorian?: boolean;
  now?: number;
  /** Where refused inputs go, with their reason. */
  deadLetters?: DeadLetterStore;
  /** Loom's MQTT broker (embedded or external), when there is one. */
  mqtt?: BrokerConnection;
  /** Where protocol stacks' own chatter goes (debug log). */
  log?: (message: string) => void;
}

/**
 * The connector registry: one line per connector kind. Adding a connector means a folder under
 * `src/connectors/` and a line here.
 */
export async function createConnectors(config: LoomConfig, environment: ConnectorEnvironment): Promise<Connector[]> {
  const connectors: Connector[] = [];
  const sim = config.simulator;
  const plan = sim.enabled ? planTransports(config.plant, sim) : { direct: [], sparkplug: [], opcua: [], modbus: [] };
  const simulated = Object.values(plan).flat().length;
  // Each transport simulates the whole plant (lines stay coupled) and emits only its own machines.
  const emitting = (machines: string[]) => ({ ...sim, emitMachines: machines.length === simulated ? undefined : machines });
  const now = environment.now ?? Date.now();
  const history = environment.freshHistorian ? sim.history : 0;
  const simulateOverSparkplug = plan.sparkplug.length > 0;
  if (simulateOverSparkplug && !environment.mqtt) throw new Error("simulator.transport 'sparkplug' needs an MQTT broker: enable mqtt.broker or set mqtt.url");
  if (plan.direct.length > 0) {
    // Starting the simulation in the past makes the live factory catch up through that history first.
    const simulation = history > 0 ? new FactorySimulation(config.plant, emitting(plan.direct), now - history) : undefined;
    connectors.push(new VirtualFactory({ plant: config.plant, options: emitting(plan.direct), dataDir: environment.dataDir, simulation }));
  }
  const deadLetters = environment.deadLetters;
  for (const json of config.mqtt.json) {
    connectors.push(
      new MqttJsonConnector({
        config: json,
        url: environment.mqtt?.url,
        username: environment.mqtt?.username,
        password: environment.mqtt?.password,
        deadLetter: (reason, detail, raw) => deadLetters?.add({ source: json.id, reason: toStoreReason(reason), detail: `${reason}: ${detail}`, sample: raw }),
      }),
    );
  }
  if (config.sparkplug.enabled || simulateOverSparkplug) {
    const id = config.sparkplug.id;
    // The simulated edge nodes publish under the enterprise id as group, one node per line.
    const mappings = simulateOverSparkplug ? [...config.sparkplug.mappings, ...sparkplugMappingsForPlant(config.plant)] : config.sparkplug.mappings;
    connectors.push(
      new SparkplugHost({
        config: { ...config.sparkplug, mappings, username: config.sparkplug.username ?? environment.mqtt?.username, password: config.sparkplug.password ?? environment.mqtt?.password },
        defaultUrl: environment.mqtt?.url,
        deadLetter: (reason, detail, raw) => deadLetters?.add({ source: id, reason: storeReason(reason), detail: `[${reason}] ${detail}`, sample: raw }),
      }),
    );
  }
  // OPC UA and Modbus load their protocol stacks only when configured (node-opcua takes a second to load).
  if (config.opcua.length > 0) {
    const { OpcUaConnector, quietOpcUa } = await import('./opcua/index.js');
    quietOpcUa(environment.log);
    for (const c of config.opcua) connectors.push(new OpcUaConnector({ config: c, pkiDir: join(environment.dataDir ?? tmpdir(), 'pki', 'opcua') }));
  }
  if (config.modbus.length > 0) {
    const { ModbusConnector } = await import('./modbus/index.js');
    for (const c of config.modbus) connectors.push(new ModbusConnector({ config: c }));
  }
  connectors.push(...servedMachines(config, plan, { emitting, history, now, environment }));
  if (simulateOverSparkplug) {
    connectors.push(new SparkplugSimulator({ plant: config.plant, options: emitting(plan.sparkplug), url: environment.mqtt!.url, historyMs: history }));
  }
  return connectors;
}

/**
 * Simulated machines served over OPC UA or Modbus (`simulator.machines`): a server in-process and the
 * client connector reading it, loaded in the background at start (node-opcua takes seconds).
 */
function servedMachines(
  config: LoomConfig,
  plan: TransportPlan,
  { emitting, history, now, environment }: { emitting: (machines: string[]) => SimulatorOptions; history: number; now: number; environment: ConnectorEnvironment },
): Connector[] {
  const served: Connector[] = [];
  const pkiDir = join(environment.dataDir ?? tmpdir(), 'pki');
  const serveMachines = (
    kind: 'opcua' | 'modbus',
    machines: string[],
    stack: { prepare(): Promise<unknown>; discard?(): Promise<void> },
    serve: (id: string, simulation: FactorySimulation) => Promise<ServedTransport>,
  ) => {
    const id = `simulator-${kind}`;
    if (machines.length > 0) served.push(new ServedMachines({ id, kind, plant: config.plant, options: emitting(machines), historyMs: history, now, ...stack, serve: (simulation) => serve(id, simulation) }));
  };
  const loadOpcUa = () => import('./opcua/index.js');
  const loadModbus = () => import('./modbus/index.js');
  const serverPkiDir = join(pkiDir, 'opcua-simulator');
  // node-opcua's server takes seconds to load and initialise: that happens while the history runs.
  let opcuaServer: ReturnType<Awaited<ReturnType<typeof loadOpcUa>>['prepareSimulatedOpcUa']> | undefined;
  const prepareOpcUa = async () => {
    const { prepareSimulatedOpcUa, quietOpcUa } = await loadOpcUa();
    quietOpcUa(environment.log);
    opcuaServer = prepareSimulatedOpcUa(serverPkiDir);
    return opcuaServer;
  };
  const discardOpcUa = async () => {
    await (await opcuaServer?.catch(() => undefined))?.shutdown(0).catch(() => undefined);
  };
  serveMachines('opcua', plan.opcua, { prepare: prepareOpcUa, discard: discardOpcUa }, async (id, simulation) =>
    (await loadOpcUa()).serveSimulatedOpcUa({ id, plant: config.plant, simulation, server: opcuaServer, serverPkiDir, clientPkiDir: join(pkiDir, 'opcua') }),
  );
  serveMachines('modbus', plan.modbus, { prepare: loadModbus }, async (id, simulation) => (await loadModbus()).serveSimulatedModbus({ id, plant: config.plant, simulation }));
  return served;
}
