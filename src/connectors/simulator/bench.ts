// Generator throughput of the virtual factory, one line per figure:
//   node --import tsx src/connectors/simulator/bench.ts [--days 1]
// The baseline, measured in the same run, is the cost of merely allocating as many sample objects
// with precomputed tag paths: the floor any generator that hands out objects has to pay.
import { loadDemoConfig } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, runBackfill } from './index.js';

const args = process.argv.slice(2);
const daysArg = args.indexOf('--days');
const days = daysArg >= 0 ? Number(args[daysArg + 1]) : 1;
const plant = loadDemoConfig().config.plant;
const from = Date.UTC(2025, 0, 6);
const to = from + days * 86_400_000;
const BATCH = 5_000;

const rate = (n: number, ms: number) => `${((n / ms) * 1000 / 1e6).toFixed(2)}M samples/s`;

function baseline(total: number): number {
  const tags = Array.from({ length: 120 }, (_, i) => `acme/berlin/area/line-${i % 3}/machine-${i % 9}/tag-${i}`);
  const started = performance.now();
  let batch: RawSample[] = [];
  let sink = 0;
  for (let i = 0; i < total; i++) {
    batch.push({ tag: tags[i % 120], ts: from + i, value: (i % 1000) / 100, quality: 'good', historical: true });
    if (batch.length >= BATCH) {
      sink += batch.length;
      batch = [];
    }
  }
  if (sink < 0) console.log(sink);
  return performance.now() - started;
}

function engineOnly(): { samples: number; ms: number } {
  const sim = new FactorySimulation(plant, { seed: 42 }, from);
  const started = performance.now();
  let batch: RawSample[] = [];
  let samples = 0;
  while (sim.nextTs < to) {
    sim.step(batch, true);
    if (batch.length >= BATCH) {
      samples += batch.length;
      batch = [];
    }
  }
  samples += batch.length;
  return { samples, ms: performance.now() - started };
}

const engine = engineOnly();
const baseMs = baseline(engine.samples);
const started = performance.now();
const backfill = await runBackfill({ plant, options: { seed: 42 }, from, to, publish: () => undefined });
const backfillMs = performance.now() - started;

console.log(`baseline   allocate ${engine.samples} sample objects in batches of ${BATCH}: ${rate(engine.samples, baseMs)} (${baseMs.toFixed(0)} ms)`);
console.log(`engine     demo plant (9 machines), ${days} day(s) at 1 s ticks: ${engine.samples} samples, ${rate(engine.samples, engine.ms)} (${engine.ms.toFixed(0)} ms)`);
console.log(`backfill   runBackfill speed max, no-op publish, same interval: ${backfill.samples} samples, ${rate(backfill.samples, backfillMs)} (${backfillMs.toFixed(0)} ms)`);
console.log(`ratio      engine / baseline: ${(baseMs / engine.ms).toFixed(2)}`);
