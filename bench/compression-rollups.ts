// How far rollups computed from compressed (stored) points stray from rollups of every sample: the
// demo plant's process signals (seed 42) for a simulated day, per aggregate and bucket width, as a
// multiple of each tag's compDev. Rollups follow the historian's semantics (twa: step interpolation).
// Run: node --import tsx bench/compression-rollups.ts [--hours 24] [--comp-max 8h]
// Prints one line per figure.

import { FactorySimulation } from '../src/connectors/simulator/index.js';
import type { RawSample } from '../src/connectors/types.js';
import { compressionSchema, resolveCompression, TagCompressor } from '../src/historian/compression/index.js';
import { tagRoleSchema } from '../src/model/config-schema.js';
import { loadDemoConfig, type Sample } from '../src/model/index.js';

const args = process.argv.slice(2);
const hoursArg = args.indexOf('--hours');
const HOURS = hoursArg >= 0 ? Number(args[hoursArg + 1]) : 24;
const compMaxArg = args.indexOf('--comp-max');
const COMP_MAX = compMaxArg >= 0 ? args[compMaxArg + 1] : undefined;
const T0 = Date.UTC(2025, 0, 6);
const AGGS = ['twa', 'avg', 'min', 'max'] as const;

/** Per bucket holding samples: twa (each sample holds until the next, the bucket starts with the last one before it), avg, min, max. */
function rollup(samples: readonly Sample[], width: number, agg: (typeof AGGS)[number]): Map<number, number> {
  const out = new Map<number, number>();
  let previous: Sample | undefined;
  for (let i = 0; i < samples.length; ) {
    const bucket = Math.floor(samples[i].ts / width) * width;
    let j = i;
    while (j < samples.length && samples[j].ts < bucket + width) j++;
    const inside = samples.slice(i, j);
    const values = inside.map((x) => x.value as number);
    if (agg === 'avg') out.set(bucket, values.reduce((a, b) => a + b, 0) / values.length);
    else if (agg === 'min') out.set(bucket, Math.min(...values));
    else if (agg === 'max') out.set(bucket, Math.max(...values));
    else {
      let sum = 0;
      let covered = 0;
      let holding = previous;
      let cursor = bucket;
      for (const x of [...inside, undefined]) {
        const until = x?.ts ?? bucket + width;
        if (holding) {
          sum += (holding.value as number) * (until - cursor);
          covered += until - cursor;
        }
        cursor = until;
        holding = x;
      }
      out.set(bucket, sum / covered);
    }
    previous = inside.at(-1);
    i = j;
  }
  return out;
}

for (const percent of [0.2, 1]) {
  const sim = new FactorySimulation(loadDemoConfig().config.plant, { seed: 42 }, T0);
  const config = compressionSchema(tagRoleSchema).parse({ enabled: true, compDevPercent: percent, ...(COMP_MAX ? { compMax: COMP_MAX } : {}), classes: [{ roles: ['process'] }, { tags: '#', enabled: false }] });
  const tags = sim.tagDefinitions().filter((t) => t.role === 'process');
  const compressors = new Map<string, TagCompressor>();
  for (const tag of tags) {
    const resolved = resolveCompression(config, tag);
    if (resolved.compress) compressors.set(tag.path, new TagCompressor(resolved.settings));
  }
  const all = new Map<string, Sample[]>(tags.map((t) => [t.path, []]));
  const kept = new Map<string, Sample[]>(tags.map((t) => [t.path, []]));
  const out: RawSample[] = [];
  while (sim.nextTs < T0 + HOURS * 3_600_000) {
    out.length = 0;
    sim.step(out, true);
    for (const raw of out) {
      const compressor = compressors.get(raw.tag);
      if (!compressor) continue;
      const sample: Sample = { tag: raw.tag, ts: raw.ts as number, value: raw.value as number, quality: 'good' };
      all.get(raw.tag)!.push(sample);
      compressor.offer(sample, kept.get(raw.tag)!);
    }
  }
  for (const [path, compressor] of compressors) compressor.drain(kept.get(path)!);
  const received = [...all.values()].reduce((n, l) => n + l.length, 0);
  const stored = [...kept.values()].reduce((n, l) => n + l.length, 0);
  console.log(`compDev ${percent} % of span, compMax ${COMP_MAX ?? 'default'}: ratio ${(received / stored).toFixed(2)}:1`);
  for (const agg of AGGS) {
    for (const width of [60_000, 3_600_000]) {
      let worst = 0;
      let sum = 0;
      let buckets = 0;
      let missing = 0;
      for (const [path, compressor] of compressors) {
        const exact = rollup(all.get(path)!, width, agg);
        const fromStored = rollup(kept.get(path)!, width, agg);
        for (const [bucket, value] of exact) {
          const approx = fromStored.get(bucket);
          if (approx === undefined) {
            missing++;
            continue;
          }
          const error = Math.abs(value - approx) / compressor.settings.compDev;
          worst = Math.max(worst, error);
          sum += error;
          buckets++;
        }
      }
      const name = `compDev ${percent} % of span, ${agg}, ${width === 60_000 ? '1-minute' : '1-hour'} buckets`;
      console.log(`${name.padEnd(44)} mean |error| ${(sum / buckets).toFixed(2)} x compDev, worst ${worst.toFixed(1)} x compDev, buckets without a stored point ${((100 * missing) / (missing + buckets)).toFixed(1)} %`);
    }
  }
}
