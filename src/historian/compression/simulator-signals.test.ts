// Compression on the virtual factory's process signals (the demo plant, six simulated hours): the
// error bound holds on every tag, and the compression ratio is reported.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FactorySimulation } from '../../connectors/simulator/index.js';
import type { RawSample } from '../../connectors/types.js';
import { loadDemoConfig, type Sample } from '../../model/index.js';
import { compressionSchema } from './config.js';
import { deviation } from './check.js';
import { resolveCompression } from './settings.js';
import { errorBound, TagCompressor } from './tag-compressor.js';
import { tagRoleSchema } from '../../model/config-schema.js';

/** Compresses the demo plant's process signals for `hours` at each error bound (% of span); per bound: received, stored, worst deviation / bound. */
function compressSimulation(hours: number, percents: number[]) {
  const plant = loadDemoConfig().config.plant;
  const sim = new FactorySimulation(plant, { seed: 42 }, Date.UTC(2025, 0, 6));
  const runs = percents.map((percent) => {
    const config = compressionSchema(tagRoleSchema).parse({ enabled: true, classes: [{ roles: ['process'], compDevPercent: percent }, { tags: '#', enabled: false }] });
    const compressors = new Map<string, TagCompressor>();
    for (const tag of sim.tagDefinitions()) {
      const resolved = resolveCompression(config, tag);
      if (resolved.compress) compressors.set(tag.path, new TagCompressor(resolved.settings));
    }
    return { percent, compressors, stored: new Map<string, Sample[]>() };
  });
  const received = new Map<string, Sample[]>();
  const end = sim.startTs + hours * 3_600_000;
  const out: RawSample[] = [];
  while (sim.nextTs < end) {
    out.length = 0;
    sim.step(out, true);
    for (const raw of out) {
      if (!runs[0].compressors.has(raw.tag)) continue;
      const sample = { tag: raw.tag, ts: raw.ts as number, value: raw.value as number, quality: raw.quality ?? 'good' } as Sample;
      let list = received.get(raw.tag);
      if (!list) received.set(raw.tag, (list = []));
      list.push(sample);
      for (const run of runs) {
        let keep = run.stored.get(raw.tag);
        if (!keep) run.stored.set(raw.tag, (keep = []));
        run.compressors.get(raw.tag)!.offer(sample, keep);
      }
    }
  }
  return runs.map(({ percent, compressors, stored }) => {
    let totalReceived = 0;
    let totalStored = 0;
    let worst = 0;
    for (const [tag, compressor] of compressors) {
      const keep = stored.get(tag) ?? [];
      compressor.drain(keep);
      const found = deviation(received.get(tag) ?? [], keep);
      assert.equal(found.uncovered, 0, tag);
      worst = Math.max(worst, found.max / errorBound(compressor.settings));
      totalReceived += received.get(tag)?.length ?? 0;
      totalStored += keep.length;
    }
    return { percent, tags: compressors.size, received: totalReceived, stored: totalStored, ratio: totalReceived / totalStored, worst };
  });
}

it('process signals of the demo plant stay within the error bound; a wider bound compresses more', (t) => {
  const [narrow, wide] = compressSimulation(6, [0.2, 1]);
  for (const run of [narrow, wide]) {
    t.diagnostic(`compDev ${run.percent} % of span: ${run.tags} process tags, ${run.received} samples received, ${run.stored} stored, ratio ${run.ratio.toFixed(2)}:1, worst deviation ${(run.worst * 100).toFixed(0)} % of the bound`);
    assert.ok(run.tags >= 9, `process tags compressed: ${run.tags}`);
    assert.ok(run.worst <= 1 + 1e-9, `deviation ${run.worst} x the bound`);
  }
  assert.ok(narrow.ratio > 1.3, `ratio at 0.2 %: ${narrow.ratio}`);
  assert.ok(wide.ratio > narrow.ratio * 1.5, `ratio at 1 % (${wide.ratio}) against 0.2 % (${narrow.ratio})`);
});
