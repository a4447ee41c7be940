import type { PlantConfig } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth } from '../types.js';
import { runBackfill, simulatorTagDefinitions, type SimulatorOptions } from '../simulator/index.js';
import { startSparkplugEdge, type SparkplugEdgeHandle } from './simulator-edge.js';

export interface SparkplugSimulatorInit {
  plant: PlantConfig;
  options: SimulatorOptions;
  /** The broker the edge nodes connect to (Loom's own, where its Sparkplug host listens). */
  url: string;
  groupId?: string;
  /** Simulated history to fill first (ms), straight into the UNS; 0 for none. */
  historyMs?: number;
}

/**
 * The virtual factory as external Sparkplug B edge nodes, run as a Loom connector so the demo's data
 * takes the real path: edge node -> MQTT broker -> Sparkplug host -> UNS. Any history asked for is
 * simulated first and handed straight to the UNS; the live edge nodes then continue the same
 * simulation, so counters carry on without a jump.
 */
export class SparkplugSimulator implements Connector {
  readonly id = 'simulator';
  readonly kind = 'simulator-sparkplug';
  private edge?: SparkplugEdgeHandle;
  private abort = new AbortController();
  private state: ConnectorHealth['state'] = 'stopped';
  private lastError?: string;
  private backfilled = 0;
  private running?: Promise<void>;

  constructor(private readonly init: SparkplugSimulatorInit) {}

  tagDefinitions() {
    // The host registers these again from the births (as their source); declaring them here lets the
    // history backfill be stored before the first birth arrives.
    return simulatorTagDefinitions(this.init.plant, this.init.options).map((tag) => ({ ...tag, source: 'sparkplug' }));
  }

  /** Resolves at once: the history and the edge nodes' start run in the background (see health()). */
  async start(context: ConnectorContext): Promise<void> {
    this.running = this.run(context).catch((error) => {
      this.state = 'disconnected';
      this.lastError = (error as Error).message;
      context.logger.error({ err: error }, 'simulator over Sparkplug failed to start');
    });
  }

  private async run(context: ConnectorContext): Promise<void> {
    this.state = 'starting';
    const now = Date.now();
    let simulation;
    if (this.init.historyMs && this.init.historyMs > 0) {
      const result = await runBackfill({
        plant: this.init.plant,
        options: this.init.options,
        from: now - this.init.historyMs,
        to: now,
        publish: (samples) => context.publish(samples, this.id),
        signal: this.abort.signal,
      });
      this.backfilled = result.samples;
      simulation = result.simulation;
    }
    if (this.abort.signal.aborted) return;
    try {
      this.edge = await startSparkplugEdge({
        plant: this.init.plant,
        options: this.init.options,
        url: this.init.url,
        groupId: this.init.groupId,
        simulation,
        signal: this.abort.signal,
        logger: context.logger,
      });
      this.state = 'connected';
    } catch (error) {
      this.state = 'disconnected';
      this.lastError = (error as Error).message;
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    await this.edge?.stop();
    this.state = 'stopped';
  }

  health(): ConnectorHealth {
    return {
      id: this.id,
      kind: this.kind,
      state: this.state,
      lastError: this.lastError,
      counters: { historySamples: this.backfilled, ...(this.edge?.counters() ?? {}) },
    };
  }
}
