import { join } from 'node:path';
import type { PlantConfig, TagDefinition } from '../../model/index.js';
import type { Connector, ConnectorContext, ConnectorHealth, ConnectorState, RawSample } from '../types.js';
import { FactorySimulation, simulatorCoverage, simulatorTagDefinitions, type MachineStatus, type SkippedMachine } from './engine.js';
import { writeGroundTruth, type GroundTruthRecord } from './faults.js';
import { resolveOptions, type ResolvedSimulatorOptions, type SimulatorOptions } from './options.js';

/** Name of the ground-truth file the live connector appends to inside the data folder. */
export const GROUND_TRUTH_FILE = 'simulator-ground-truth.jsonl';

export interface VirtualFactoryInit {
  plant: PlantConfig;
  /** The config's `simulator` block, or any SimulatorOptions. */
  options?: SimulatorOptions;
  /** Data folder: ground truth goes to `<dataDir>/simulator-ground-truth.jsonl` unless `groundTruthFile` says otherwise. */
  dataDir?: string;
  /** Where to append each injected fault once repaired (JSON Lines); none when absent and no dataDir. */
  groundTruthFile?: string;
  /** Connector id. Default `simulator`. */
  id?: string;
  /** Continue this simulation (e.g. the one a backfill returned) instead of starting a new one at start(). */
  simulation?: FactorySimulation;
  /** Most simulated time caught up after a stall (or a backfill's end); older ticks are skipped. Default 6 h. */
  maxCatchUpMs?: number;
}

/** Ticks generated per turn of the event loop while catching up. */
const TICKS_PER_TURN = 2_000;
const BATCH = 5_000;

/**
 * The virtual factory as a Loom connector: every machine of the plant whose kind it knows, live.
 * Simulated time follows the wall clock (times `speed`); each tick publishes the process signals, and
 * the discrete tags (state, counts, product, order) when they change and every keep-alive interval.
 *
 * @example
 * const factory = new VirtualFactory({ plant: config.plant, options: config.simulator, dataDir });
 * for (const tag of factory.tagDefinitions()) registry.upsert(tag);
 * await factory.start({ registry, logger, publish: (samples, source) => ingest.publish(samples, source) });
 */
export class VirtualFactory implements Connector {
  readonly id: string;
  readonly kind = 'simulator';
  private readonly plant: PlantConfig;
  private readonly options: ResolvedSimulatorOptions;
  private readonly groundTruthFile: string | undefined;
  private readonly maxCatchUpMs: number;
  private sim: FactorySimulation | undefined;
  private context: ConnectorContext | undefined;
  private state: ConnectorState = 'stopped';
  private lastError: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private wallOrigin = 0;
  private simOrigin = 0;
  private writes: Promise<void> = Promise.resolve();
  private cachedCoverage: { simulated: string[]; skipped: SkippedMachine[] } | undefined;
  private readonly counters = { samplesEmitted: 0, ticks: 0, ticksSkipped: 0, publishErrors: 0, groundTruthWriteErrors: 0 };

  constructor(init: VirtualFactoryInit) {
    this.id = init.id ?? 'simulator';
    this.plant = init.plant;
    this.options = resolveOptions(init.options);
    this.groundTruthFile = init.groundTruthFile ?? (init.dataDir ? join(init.dataDir, GROUND_TRUTH_FILE) : undefined);
    this.maxCatchUpMs = init.maxCatchUpMs ?? 6 * 3_600_000;
    this.sim = init.simulation;
  }

  tagDefinitions(): TagDefinition[] {
    return this.sim ? this.sim.tagDefinitions() : simulatorTagDefinitions(this.plant, this.options);
  }

  async start(context: ConnectorContext): Promise<void> {
    if (this.running) throw new Error(`connector '${this.id}' is already running: stop it first`);
    this.state = 'starting';
    this.context = context;
    const now = Date.now();
    const sim = (this.sim ??= new FactorySimulation(this.plant, this.options, now));
    sim.onGroundTruth = (record, event) => {
      if (event === 'repaired') this.appendGroundTruth([record]);
    };
    for (const skipped of sim.skipped) context.logger.warn({ machine: skipped.path, kind: skipped.kind }, `simulator skips ${skipped.path}: ${skipped.reason}`);
    context.logger.info(
      { machines: sim.machineCount, skipped: sim.skipped.length, seed: this.options.seed, speed: this.options.speed, tickMs: this.options.tickMs, faults: this.options.faults },
      'virtual factory started',
    );
    this.wallOrigin = now;
    this.simOrigin = now;
    this.running = true;
    this.state = 'connected';
    this.loop = this.run(sim, context).catch((error: unknown) => {
      // A bug in the simulation must not take the process down: report it and stop ticking.
      this.running = false;
      this.state = 'degraded';
      this.lastError = `simulation failed: ${(error as Error).message}`;
      context.logger.error({ err: error }, 'simulator: simulation failed; the virtual factory stopped');
    });
  }

  async stop(): Promise<void> {
    if (!this.running) {
      this.state = 'stopped';
      return;
    }
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    // Faults that are still being repaired go to the file too, without repairedAt.
    if (this.sim) {
      const open = this.sim.openFaults();
      if (open.length > 0) this.appendGroundTruth(open);
    }
    await this.writes;
    this.state = 'stopped';
  }

  health(): ConnectorHealth {
    const sim = this.sim;
    return {
      id: this.id,
      kind: this.kind,
      state: this.state,
      lastError: this.lastError,
      counters: {
        ...this.counters,
        machinesSimulated: sim ? sim.machineCount : this.coverage().simulated.length,
        machinesSkipped: sim ? sim.skipped.length : this.coverage().skipped.length,
        faultsInjected: sim ? sim.groundTruth().length : 0,
        faultsOpen: sim ? sim.openFaults().length : 0,
        lagMs: sim && this.running ? Math.max(0, this.simNow() - sim.nextTs) : 0,
      },
    };
  }

  /** Injected faults so far, with lead-up start, failure and repair times. */
  groundTruth(): GroundTruthRecord[] {
    return this.sim ? this.sim.groundTruth() : [];
  }

  /** Machines of the plant that are not simulated (no or unknown kind), with the reason. */
  skippedMachines(): SkippedMachine[] {
    return this.sim ? this.sim.skipped.map((s) => ({ ...s })) : this.coverage().skipped;
  }

  /** What each simulated machine is doing; empty before start. */
  status(): MachineStatus[] {
    return this.sim ? this.sim.status() : [];
  }

  /** The simulation behind the connector (after start, or the one passed in). */
  get simulation(): FactorySimulation | undefined {
    return this.sim;
  }

  private coverage(): { simulated: string[]; skipped: SkippedMachine[] } {
    return (this.cachedCoverage ??= simulatorCoverage(this.plant, this.options));
  }

  private simNow(): number {
    return this.simOrigin + (Date.now() - this.wallOrigin) * this.options.speed;
  }

  private async run(sim: FactorySimulation, context: ConnectorContext): Promise<void> {
    const tickMs = this.options.tickMs;
    while (this.running) {
      const target = this.simNow();
      if (target - sim.nextTs > this.maxCatchUpMs) {
        // Too far behind (a stalled process, or a backfill that ended long ago): skip, and say so.
        const resumeAt = Math.ceil((target - this.maxCatchUpMs) / tickMs) * tickMs;
        this.counters.ticksSkipped += Math.round((resumeAt - sim.nextTs) / tickMs);
        sim.nextTs = resumeAt;
      }
      const out: RawSample[] = [];
      let steps = 0;
      while (sim.nextTs <= target && steps < TICKS_PER_TURN) {
        sim.step(out, false);
        steps++;
      }
      this.counters.ticks += steps;
      for (let i = 0; i < out.length && this.running; i += BATCH) {
        const chunk = i === 0 && out.length <= BATCH ? out : out.slice(i, i + BATCH);
        try {
          // Awaiting is the backpressure: a full bus delays the next tick, which then catches up.
          await context.publish(chunk, this.id);
          this.counters.samplesEmitted += chunk.length;
          if (this.state === 'degraded') this.state = 'connected';
        } catch (error) {
          this.counters.publishErrors++;
          this.lastError = `publish failed: ${(error as Error).message}`;
          this.state = 'degraded';
          context.logger.error({ err: error }, 'simulator: publish failed');
        }
      }
      if (!this.running) break;
      if (steps >= TICKS_PER_TURN) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const wallDue = this.wallOrigin + (sim.nextTs - this.simOrigin) / this.options.speed;
      await this.sleep(Math.max(0, wallDue - Date.now()));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  private appendGroundTruth(records: GroundTruthRecord[]): void {
    const file = this.groundTruthFile;
    if (!file) return;
    const copies = records.map((r) => ({ ...r }));
    this.writes = this.writes
      .then(() => writeGroundTruth(file, copies, { append: true }))
      .catch((error: unknown) => {
        this.counters.groundTruthWriteErrors++;
        this.lastError = `cannot write ground truth to ${file}: ${(error as Error).message}`;
        this.context?.logger.error({ err: error, file }, 'simulator: cannot write ground truth');
      });
  }
}
