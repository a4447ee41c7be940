import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FaultKind } from './kinds.js';

/**
 * One injected fault, as it really happened in the simulation: the truth an anomaly detector or a
 * predictive-maintenance model is scored against. Times are ms since the epoch, UTC.
 */
export interface GroundTruthRecord {
  /** Machine path, e.g. `acme/berlin/machining/line-1/press-1`. */
  machine: string;
  fault: FaultKind;
  /** The tag that shows the lead-up (vibration for bearing wear, temperature for thermal runaway). */
  tag: string;
  /** When the degradation began to show in the signal. */
  leadUpStart: number;
  /** When the machine broke down (state `breakdown`). */
  failureAt: number;
  /** When the repair ended; absent while the machine is still down. */
  repairedAt?: number;
}

export interface FaultModel {
  /** Signal (tag name) whose rise announces the fault. */
  signal: string;
  /** Range of the lead-up: from the first sign to the breakdown. */
  leadUpHours: readonly [number, number];
  /** Range of the repair time. */
  repairHours: readonly [number, number];
  /** Shape of the rise, 0 at the start of the lead-up and 1 at the scheduled failure. */
  shape(progress: number): number;
  /** Share of the full effect seen in each power level (off, standby, producing). */
  levelFactor: readonly [number, number, number];
}

const EXP_K = 3;
const EXP_NORM = Math.exp(EXP_K) - 1;

/** The fault catalogue. */
export const FAULT_MODELS: Readonly<Record<FaultKind, FaultModel>> = Object.freeze({
  // Bearing wear: vibration creeps up over many hours (quadratic), mostly visible under load.
  bearing_wear: {
    signal: 'vibration',
    leadUpHours: [8, 36],
    repairHours: [2, 6],
    shape: (p: number) => p * p,
    levelFactor: [0, 0.15, 1],
  },
  // Thermal runaway (cooling or heater-control failure): temperature rises ever faster until the
  // over-temperature trip stops the machine.
  thermal_runaway: {
    signal: 'temperature',
    leadUpHours: [1, 4],
    repairHours: [0.5, 2],
    shape: (p: number) => (Math.exp(EXP_K * p) - 1) / EXP_NORM,
    levelFactor: [0, 1, 1],
  },
});

/** Ground truth as JSON Lines: one record per line, in the given order. */
export function groundTruthJsonl(records: readonly GroundTruthRecord[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

/**
 * Writes ground-truth records to a JSON Lines file (creating its folder), replacing the file, or
 * appending to it with `{ append: true }`.
 *
 * @example await writeGroundTruth(join(dataDir, 'simulator-ground-truth.jsonl'), result.groundTruth);
 */
export async function writeGroundTruth(file: string, records: readonly GroundTruthRecord[], options: { append?: boolean } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const text = groundTruthJsonl(records);
  if (options.append) await appendFile(file, text);
  else await writeFile(file, text);
}
