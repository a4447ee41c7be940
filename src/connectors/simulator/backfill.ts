import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { PlantConfig } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation } from './engine.js';
import { writeGroundTruth, type GroundTruthRecord } from './faults.js';
import type { SimulatorOptions } from './options.js';

export interface BackfillOptions {
  plant: PlantConfig;
  /** Seed, tick, faults ...; `speed` here is ignored (see `speed` below). */
  options?: SimulatorOptions;
  /** Simulated interval [from, to); the first tick is `from` rounded up to the tick grid. */
  from: number | Date;
  to: number | Date;
  /** `'max'` (default): as fast as publish allows; a number: that many simulated seconds per real second. */
  speed?: number | 'max';
  /**
   * Receives batches of samples. Its promise is the backpressure: the next batch is generated only
   * after it resolves, so nothing is dropped however slow the consumer is.
   */
  publish: (samples: RawSample[]) => Promise<void> | void;
  /** Called at most every `progressIntervalMs` and once at the end with 1 (or the share done when aborted). */
  onProgress?: (fractionDone: number, samplesSoFar: number) => void;
  progressIntervalMs?: number;
  /** Samples per publish call. Default 5,000. */
  batchSize?: number;
  /** Mark samples historical (stored, not acted on live). Default true. */
  historical?: boolean;
  /** Stops the run after the current batch; the result says `aborted`. */
  signal?: AbortSignal;
  /** Writes the ground truth as JSON Lines here at the end (e.g. `<dataDir>/simulator-ground-truth.jsonl`). */
  groundTruthFile?: string;
  /** Continue this simulation instead of starting a new one at `from` (its clock must not be past `to`). */
  simulation?: FactorySimulation;
}

export interface BackfillResult {
  /** Samples published. */
  samples: number;
  ticks: number;
  /** First simulated tick and the end of the interval. */
  from: number;
  to: number;
  elapsedMs: number;
  aborted: boolean;
  /** Every injected fault that broke a machine down in the interval. */
  groundTruth: GroundTruthRecord[];
  /** The simulation, positioned at the first tick at or after `to`; hand it on to continue. */
  simulation: FactorySimulation;
}

const DEFAULT_BATCH = 5_000;
/** With 'max' speed the loop gives the event loop a turn this often, even if publish never waits. */
const YIELD_EVERY_MS = 50;
/** With a finite speed, a batch is sent at least this often (real time), so consumers see a steady flow. */
const PACED_FLUSH_MS = 100;

/**
 * Simulates [from, to) as fast as possible (or at `speed` times real time) and hands the samples to
 * `publish` in batches, awaiting each. This is what `loom simulate --days 7 --speed max` runs.
 *
 * @example
 * const result = await runBackfill({
 *   plant: config.plant, options: config.simulator,
 *   from: Date.now() - 7 * 86_400_000, to: Date.now(),
 *   publish: (samples) => context.publish(samples, 'simulator'),
 *   onProgress: (done, n) => bar.update(done, `${n} samples`),
 *   groundTruthFile: join(dataDir, 'simulator-ground-truth.jsonl'),
 * });
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const toTs = typeof options.to === 'number' ? options.to : options.to.getTime();
  const fromTs = typeof options.from === 'number' ? options.from : options.from.getTime();
  if (!Number.isFinite(fromTs) || !Number.isFinite(toTs)) throw new Error('backfill: from and to must be valid times');
  if (toTs < fromTs) throw new Error(`backfill: 'to' (${new Date(toTs).toISOString()}) is before 'from' (${new Date(fromTs).toISOString()})`);
  const speed = options.speed ?? 'max';
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed))) throw new Error(`backfill: speed must be 'max' or a positive number (got ${String(speed)})`);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`backfill: batchSize must be a positive integer (got ${batchSize})`);
  const historical = options.historical ?? true;
  const progressEvery = options.progressIntervalMs ?? 100;
  const sim = options.simulation ?? new FactorySimulation(options.plant, options.options ?? {}, fromTs);

  const firstTs = sim.nextTs;
  const span = Math.max(1, toTs - firstTs);
  const startTicks = sim.ticks;
  const wallStart = performance.now();
  let lastYield = wallStart;
  let lastProgress = wallStart;
  let samples = 0;
  let aborted = false;
  let batch: RawSample[] = [];
  let batchWallStart = wallStart;
  const done = () => Math.min(1, Math.max(0, (sim.nextTs - firstTs) / span));

  const flush = async () => {
    const sending = batch;
    batch = [];
    await options.publish(sending);
    samples += sending.length;
  };

  while (sim.nextTs < toTs) {
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    sim.step(batch, historical);
    let now: number;
    if (speed === 'max') {
      if (batch.length < batchSize) continue;
      await flush();
      now = performance.now();
      if (now - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = now = performance.now();
      }
    } else {
      // Paced: send when the batch is full or has covered PACED_FLUSH_MS of real time, then wait for the clock.
      const dueAt = wallStart + (sim.nextTs - firstTs) / speed;
      if (batch.length < batchSize && dueAt - batchWallStart < PACED_FLUSH_MS && sim.nextTs < toTs) continue;
      await flush();
      now = performance.now();
      if (dueAt > now) {
        await sleep(dueAt - now);
        now = performance.now();
      }
      batchWallStart = dueAt;
    }
    if (options.onProgress && now - lastProgress >= progressEvery) {
      lastProgress = now;
      options.onProgress(done(), samples);
    }
  }
  if (batch.length > 0) await flush();
  options.onProgress?.(aborted ? done() : 1, samples);

  const groundTruth = sim.groundTruth();
  if (options.groundTruthFile) await writeGroundTruth(options.groundTruthFile, groundTruth);
  return {
    samples,
    ticks: sim.ticks - startTicks,
    from: firstTs,
    to: toTs,
    elapsedMs: performance.now() - wallStart,
    aborted,
    groundTruth,
    simulation: sim,
  };
}
