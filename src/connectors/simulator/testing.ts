// Helpers for the simulator's tests: run a simulation and keep each tag's series compactly.
import { parseConfig, type PlantConfig, type SampleValue } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation } from './engine.js';
import type { GroundTruthRecord } from './faults.js';
import type { SimulatorOptions } from './options.js';

export interface Series {
  ts: number[];
  values: SampleValue[];
}

export interface Recording {
  series: Map<string, Series>;
  groundTruth: GroundTruthRecord[];
  sim: FactorySimulation;
  samples: number;
  /** Tick times, in order. */
  ticks: number[];
}

/** Adds samples to per-tag series. */
export function collect(samples: readonly RawSample[], into: Map<string, Series>): void {
  for (const s of samples) {
    let series = into.get(s.tag);
    if (!series) {
      series = { ts: [], values: [] };
      into.set(s.tag, series);
    }
    series.ts.push(s.ts as number);
    series.values.push(s.value as SampleValue);
  }
}

/** Simulates [from, to) and records every sample by tag. */
export function record(plant: PlantConfig, options: SimulatorOptions, from: number, to: number): Recording {
  const sim = new FactorySimulation(plant, options, from);
  const series = new Map<string, Series>();
  const ticks: number[] = [];
  let out: RawSample[] = [];
  let samples = 0;
  while (sim.nextTs < to) {
    ticks.push(sim.nextTs);
    sim.step(out);
    collect(out, series);
    samples += out.length;
    out = [];
  }
  return { series, groundTruth: sim.groundTruth(), sim, samples, ticks };
}

/** The value in force at each tick, for tags sent on change (carries the last value forward). */
export function perTick(series: Series | undefined, ticks: readonly number[]): SampleValue[] {
  if (!series) throw new Error('no such series');
  const result: SampleValue[] = new Array(ticks.length);
  let j = 0;
  let current: SampleValue = series.values[0];
  for (let i = 0; i < ticks.length; i++) {
    while (j < series.ts.length && series.ts[j] <= ticks[i]) current = series.values[j++];
    result[i] = current;
  }
  return result;
}

/** Contiguous runs of ticks where `predicate` holds: [start, end) with end the first tick after. */
export function intervals(values: readonly SampleValue[], ticks: readonly number[], predicate: (v: SampleValue) => boolean): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < values.length; i++) {
    const hit = predicate(values[i]);
    if (hit && start < 0) start = ticks[i];
    if (!hit && start >= 0) {
      result.push([start, ticks[i]]);
      start = -1;
    }
  }
  if (start >= 0) result.push([start, ticks[ticks.length - 1] + (ticks[1] - ticks[0])]);
  return result;
}

/** A plant config from YAML lines under `plant:` (defaults filled in by the real schema). */
export function plantFromYaml(plantYaml: string): PlantConfig {
  return parseConfig(`plant:\n${plantYaml}`, 'test-plant.yaml').plant;
}

/** A plant with one site in `timezone` and one line of the given machine kinds. */
export function onePlant(timezone: string, kinds: Array<string | undefined>): PlantConfig {
  const machines = kinds.map((kind, i) => `              - { id: m-${i + 1}${kind === undefined ? '' : `, kind: ${kind}`} }`).join('\n');
  return plantFromYaml(`  enterprise: { id: test }
  sites:
    - id: site
      timezone: ${timezone}
      areas:
        - id: area
          lines:
            - id: line
              machines:
${machines}
`);
}

/** Local wall-clock time `HH:MM` of an instant, formatted by Intl (independent of the simulator's code). */
export function localHHMM(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ts));
}
