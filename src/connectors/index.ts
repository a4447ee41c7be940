import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoomConfig } from '../model/index.js';
import type { Connector } from './types.js';
import type { DeadLetterStore } from '../ingest/index.js';
import type { BrokerConnection } from '../broker/index.js';
import { FactorySimulation, VirtualFactory } from './simulator/index.js';
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
  const simulateOverSparkplug = config.simulator.enabled && config.simulator.transport === 'sparkplug';
  if (simulateOverSparkplug && !environment.mqtt) throw new Error("simulator.transport 'sparkplug' needs an MQTT broker: enable mqtt.broker or set mqtt.url");
  if (config.simulator.enabled && !simulateOverSparkplug) {
    const history = environment.freshHistorian ? config.simulator.history : 0;
    // Starting the simulation in the past makes the live factory catch up through that history first.
    const simulation = history > 0 ? new FactorySimulation(config.plant, config.simulator, (environment.now ?? Date.now()) - history) : undefined;
    connectors.push(new VirtualFactory({ plant: config.plant, options: config.simulator, dataDir: environment.dataDir, simulation }));
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
  if (simulateOverSparkplug) {
    connectors.push(
      new SparkplugSimulator({
        plant: config.plant,
        options: config.simulator,
        url: environment.mqtt!.url,
        historyMs: environment.freshHistorian ? config.simulator.history : 0,
      }),
    );
  }
  return connectors;
}
