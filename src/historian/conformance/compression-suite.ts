// Conformance cases for compression and retention classes, run against every backend beside the main
// suite (./suite.ts): the same compressed data must read back within its error bound from each, and
// retention classes must delete one class's raw samples while keeping another's and the rollups.

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Sample } from '../../model/index.js';
import { tagRoleSchema } from '../../model/config-schema.js';
import { withCompression, compressionSchema, deviation, errorBound, resolveCompression } from '../compression/index.js';
import { applyRetentionClasses, retentionSchema } from '../retention/index.js';
import { FactorySimulation } from '../../connectors/simulator/index.js';
import type { RawSample } from '../../connectors/types.js';
import { loadDemoConfig } from '../../model/index.js';
import type { Historian } from '../types.js';
import { random } from './reference.js';
import { OTHER, s, T0, TAGS, TEMP, type HistorianHandle, type MakeHistorian } from './suite.js';

const M = 60_000;
const D = 86_400_000;
const COMPRESSION = compressionSchema(tagRoleSchema).parse({ enabled: true, classes: [{ tags: TEMP, compDev: 0.5, excDev: 0.05 }, { tags: '#', enabled: false }] });

/** A random walk of `n` samples a second apart from `from`, with a few bad samples. */
function walk(tag: string, from: number, n: number, seed: number): Sample[] {
  const next = random(seed);
  let value = 50;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    value += (next() - 0.5) * (next() < 0.05 ? 20 : 0.6);
    samples.push(s(tag, from + i * 1_000 + Math.floor(next() * 50), Math.round(value * 100) / 100, next() < 0.01 ? 'bad' : 'good'));
  }
  return samples;
}

async function readAll(h: Historian, tag: string, from: number, to: number) {
  const result = await h.query({ tag, from, to, maxPoints: 100_000 });
  assert.equal(result.resolution, 'raw');
  return result.points;
}

export function compressionConformance(name: string, makeHistorian: MakeHistorian): void {
  describe(`historian compression and retention classes: ${name}`, () => {
    const handles: HistorianHandle[] = [];
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.cleanup();
    });

    async function open(): Promise<{ h: Historian; handle: HistorianHandle }> {
      const handle = await makeHistorian();
      handles.push(handle);
      const h = withCompression(handle.historian, COMPRESSION);
      await h.defineTags(TAGS);
      return { h, handle };
    }

    it('reads a compressed signal back within its error bound by linear interpolation between stored points', async () => {
      const { h } = await open();
      const temp = walk(TEMP, T0, 3_000, 7);
      const other = walk(OTHER, T0, 600, 8);
      for (let i = 0; i < temp.length; i += 500) await h.write([...temp.slice(i, i + 500), ...other.slice(i / 5, i / 5 + 100)]);
      await h.flush();
      const stored = await readAll(h, TEMP, T0, T0 + D);
      const found = deviation(temp, stored);
      const settings = resolveCompression(COMPRESSION, TAGS[0]);
      assert.ok(settings.compress);
      const bound = errorBound(settings.settings);
      assert.equal(found.uncovered, 0, 'every good sample has stored points around it');
      assert.ok(found.max <= bound + 1e-9, `deviation ${found.max} > bound ${bound} at ${JSON.stringify(found.at)}`);
      assert.ok(stored.length < temp.length / 3, `stored ${stored.length} of ${temp.length}`);
      for (const bad of temp.filter((x) => x.quality === 'bad')) {
        assert.ok(stored.some((p) => p.ts === bad.ts && p.quality === 'bad'), `bad sample at ${bad.ts - T0} stored`);
      }
      assert.equal((await readAll(h, OTHER, T0, T0 + D)).length, other.length, 'a class with compression off stores every sample');

      const stats = await h.stats();
      assert.equal(stats.compression?.samplesReceived, temp.length + other.length);
      assert.equal(stats.compression?.samplesStored, stored.length + other.length);
      assert.equal(stats.rawRows, stored.length + other.length);
      assert.equal(stats.compression?.compressedTags, 1);
    });

    it("reads the simulator's process signals back within each tag's bound (0.5 % of span)", async () => {
      const handle = await makeHistorian();
      handles.push(handle);
      const config = compressionSchema(tagRoleSchema).parse({ enabled: true, compDevPercent: 0.5, classes: [{ roles: ['process'] }, { tags: '#', enabled: false }] });
      const h = withCompression(handle.historian, config);
      const sim = new FactorySimulation(loadDemoConfig().config.plant, { seed: 7 }, T0);
      const tags = sim.tagDefinitions().filter((t) => t.role === 'process');
      await h.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
      const received = new Map<string, Sample[]>(tags.map((t) => [t.path, []]));
      const out: RawSample[] = [];
      while (sim.nextTs < T0 + 3_600_000) {
        out.length = 0;
        while (out.length < 20_000 && sim.nextTs < T0 + 3_600_000) sim.step(out, true);
        const batch = out.flatMap((raw) => {
          const list = received.get(raw.tag);
          if (!list) return [];
          const sample = s(raw.tag, raw.ts as number, raw.value as number, raw.quality ?? 'good');
          list.push(sample);
          return [sample];
        });
        await h.write(batch);
      }
      await h.flush();
      let receivedCount = 0;
      for (const tag of tags) {
        const resolved = resolveCompression(config, tag);
        assert.ok(resolved.compress, tag.path);
        const stored = await readAll(h, tag.path, T0, T0 + D);
        const found = deviation(received.get(tag.path)!, stored);
        assert.equal(found.uncovered, 0, tag.path);
        assert.ok(found.max <= errorBound(resolved.settings) * (1 + 1e-9), `${tag.path}: ${found.max}`);
        receivedCount += received.get(tag.path)!.length;
      }
      const stats = h.compressionStats();
      assert.equal(stats.samplesReceived, receivedCount);
      assert.ok(stats.ratio! > 2, `ratio ${stats.ratio}`);
    });

    it('serves the newest received value as latest and stores it on flush and on close', async () => {
      const { h, handle } = await open();
      const temp = walk(TEMP, T0, 200, 11).map((x) => ({ ...x, quality: 'good' as const }));
      await h.write(temp);
      const newest = temp.at(-1)!;
      assert.deepEqual(
        h.latest(TEMP).map((v) => [v.ts, v.value]),
        [[newest.ts, newest.value]],
      );
      const more = walk(TEMP, newest.ts + 1_000, 100, 12).map((x) => ({ ...x, quality: 'good' as const }));
      await h.write(more);
      if (!handle.reopen) return;
      await h.close(); // no flush: close stores what is held
      const reopened = await handle.reopen();
      const stored = await readAll(reopened, TEMP, T0, T0 + D);
      assert.deepEqual([stored.at(-1)!.ts, stored.at(-1)!.value], [more.at(-1)!.ts, more.at(-1)!.value]);
      assert.ok(deviation([...temp, ...more], stored).max <= 0.6 + 1e-9);
    });

    it('retention classes delete one class of raw samples and keep another, and keep the rollups', async () => {
      const handle = await makeHistorian();
      handles.push(handle);
      const h = handle.historian;
      await h.defineTags(TAGS);
      const samples: Sample[] = [];
      for (let minute = 0; minute < 4 * 24 * 60; minute += 30) {
        samples.push(s(TEMP, T0 + minute * M, minute), s(OTHER, T0 + minute * M, -minute));
      }
      await h.write(samples);
      await h.flush();
      const now = T0 + 4 * D;
      const config = retentionSchema(tagRoleSchema).parse({ raw: '30d', classes: [{ tags: 'acme/+/+/+/press-1/#', raw: '1d', minute: '3d' }] });
      const steps = await applyRetentionClasses(h, config, TAGS, now);
      assert.deepEqual(
        steps.map((x) => x.label),
        ['all tags (longest ages)', 'classes[0]'],
      );
      const temp = await readAll(h, TEMP, T0, now);
      assert.ok(temp.length > 0 && temp.every((p) => p.ts >= now - D), 'the class keeps one day of raw samples');
      assert.equal(temp.length, 48);
      assert.equal((await readAll(h, OTHER, T0, now)).length, 4 * 48, 'the other tags keep theirs');
      const hours = await h.query({ tag: TEMP, from: T0, to: now, bucketMs: 3_600_000, agg: 'max' });
      assert.equal(hours.resolution, '1h');
      assert.equal(hours.points.length, 96, 'hour rollups outlive the raw samples');
      assert.equal(hours.points[0].value, 30);
      const minutes = await h.query({ tag: TEMP, from: T0, to: now, bucketMs: M, agg: 'max' });
      assert.equal(minutes.resolution, '1m');
      assert.equal(minutes.points[0].ts, now - 3 * D, 'minute rollups: three days');
      const otherMinutes = await h.query({ tag: OTHER, from: T0, to: now, bucketMs: M, agg: 'min' });
      assert.equal(otherMinutes.points[0].ts, T0);
    });
  });
}
