// Simulated machines served by an in-process protocol server and read back by Loom's own client.
import type { PlantConfig, SampleValue, TagDefinition } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth } from '../types.js';
import { runBackfill } from './backfill.js';
import { FactorySimulation, simulatorTagDefinitions } from './engine.js';
import type { SimulatorOptions } from './options.js';

/** A running server for simulated machines and the protocol client connector that reads it. */
export interface ServedTransport {
  /** The client connector (OPC UA, Modbus); its id is the ServedMachines' id. */
  client: Connector;
  /** Where the server listens, e.g. `opc.tcp://127.0.0.1:40123`. */
  address: string;
  /** Stops the server. */
  close(): Promise<void>;
}

export interface ServedMachinesInit {
  /** Connector id, used by the client too (the tags' source). */
  id: string;
  /** The protocol, as the client's kind: `opcua` or `modbus`. */
  kind: string;
  plant: PlantConfig;
  /** Simulator options with `emitMachines` set to the served machines. */
  options: SimulatorOptions;
  /** Simulate this much past first (published as history) before serving live. */
  historyMs?: number;
  /** Simulation start when there is no history (default: start() time). */
  now?: number;
  /** Loads what `serve` needs (the protocol stack); runs alongside the history so the two overlap. */
  prepare?(): Promise<unknown>;
  /** Frees what `prepare` made when Loom stops before serving. */
  discard?(): Promise<void>;
  /** Starts the server fed by `simulation` and creates its client; loaded lazily (protocol stacks are heavy). */
  serve(simulation: FactorySimulation): Promise<ServedTransport>;
}

/**
 * Some simulated machines as real devices: on start() it fills the history (if asked), starts a
 * protocol server for the machines on a free loopback port and the client connector that reads it,
 * all in the background so Loom's start is not held up. Samples reach the UNS through the client,
 * over a real socket, exactly as from a plant's server. Health is the client's.
 *
 * @example
 * new ServedMachines({ id: 'simulator-opcua', kind: 'opcua', plant, options: { ...config.simulator, emitMachines: [oven] },
 *   serve: async (simulation) => (await import('../opcua/index.js')).serveSimulatedOpcUa({ simulation, id: 'simulator-opcua', pkiDir }) });
 */
export class ServedMachines implements Connector {
  readonly id: string;
  readonly kind: string;
  private served: ServedTransport | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failure: string | undefined;
  private backfilled = 0;
  private readonly abort = new AbortController();

  constructor(private readonly init: ServedMachinesInit) {
    this.id = init.id;
    this.kind = init.kind;
  }

  /** The client connector once the server runs (undefined while starting). */
  get clientConnector(): Connector | undefined {
    return this.served?.client;
  }

  tagDefinitions(): TagDefinition[] {
    return simulatorTagDefinitions(this.init.plant, this.init.options).map((tag) => ({ ...tag, source: this.id }));
  }

  /** Resolves at once: history, server and client start in the background (see health()). */
  async start(context: ConnectorContext): Promise<void> {
    this.stopped = false;
    this.running = this.run(context).catch((error: unknown) => {
      this.failure = `cannot serve the simulated machines over ${this.kind}: ${(error as Error).message}`;
      context.logger.error({ err: error }, this.failure);
    });
  }

  private async run(context: ConnectorContext): Promise<void> {
    const now = this.init.now ?? Date.now();
    const prepared = this.init.prepare?.();
    let simulation: FactorySimulation;
    if (this.init.historyMs && this.init.historyMs > 0) {
      const result = await runBackfill({
        plant: this.init.plant,
        options: this.init.options,
        from: now - this.init.historyMs,
        to: Date.now(),
        publish: (samples) => context.publish(samples, this.id),
        signal: this.abort.signal,
      });
      this.backfilled = result.samples;
      simulation = result.simulation;
    } else {
      simulation = new FactorySimulation(this.init.plant, this.init.options, now);
    }
    await prepared;
    if (this.stopped) {
      await this.init.discard?.();
      return;
    }
    const served = await this.init.serve(simulation);
    if (this.stopped) {
      await served.close();
      return;
    }
    // The client may add tags of its own (setpoints): they join the registry before its first sample.
    for (const tag of served.client.tagDefinitions()) context.registry.upsert(tag);
    this.served = served;
    await served.client.start(context);
    context.logger.info({ connector: this.id, address: served.address }, `simulated machines served over ${this.kind}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.running;
    await this.served?.client.stop();
    await this.served?.close();
    this.served = undefined;
  }

  health(): ConnectorHealth {
    const client = this.served?.client.health();
    const counters = { ...client?.counters, machines: this.init.options.emitMachines?.length ?? 0, historySamples: this.backfilled };
    if (this.failure) return { id: this.id, kind: this.kind, state: 'disconnected', lastError: this.failure, counters };
    if (!client) return { id: this.id, kind: this.kind, state: this.stopped ? 'stopped' : 'starting', counters };
    return { ...client, id: this.id, kind: this.kind, counters };
  }

  /** Write-back goes through the client, to the served device. */
  async write(tag: string, value: SampleValue): Promise<void> {
    const client = this.served?.client;
    if (!client?.write) throw new Error(`${this.id} is not serving yet: try again in a moment`);
    await client.write(tag, value);
  }
}
