import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { loadDemoConfig } from '../../model/index.js';
import type { RawSample } from '../types.js';
import { FactorySimulation, alignToTick, resolveOptions, simulatorCoverage, simulatorTagDefinitions, STATE_NAMES, type SimulatorOptions } from './index.js';
import { onePlant, record } from './testing.js';

const H = 3_600_000;
const plant = loadDemoConfig().config.plant;
const START = Date.UTC(2025, 5, 2, 5, 0); // Monday 2 June 2025, 07:00 in Berlin

/** Runs the demo plant for `hours` and returns every sample plus a digest of them all. */
function run(options: SimulatorOptions, hours: number, start = START) {
  const sim = new FactorySimulation(plant, options, start);
  const samples: RawSample[] = [];
  while (sim.nextTs < start + hours * H) sim.step(samples);
  const hash = createHash('sha256');
  for (const s of samples) hash.update(`${s.tag}|${s.ts}|${String(s.value)}\n`);
  return { sim, samples, digest: hash.digest('hex') };
}

test('same seed and start time: identical samples', () => {
  const a = run({ seed: 7 }, 2);
  const b = run({ seed: 7 }, 2);
  assert.ok(a.samples.length > 50_000, `${a.samples.length} samples in 2 h`);
  assert.equal(a.digest, b.digest);
  assert.deepEqual(a.samples.slice(0, 2_000), b.samples.slice(0, 2_000));
});

test('different seed: different series', () => {
  const a = run({ seed: 7 }, 1);
  const b = run({ seed: 8 }, 1);
  assert.notEqual(a.digest, b.digest);
  const temp = (r: typeof a) => r.samples.filter((s) => s.tag.endsWith('press-1/temperature')).map((s) => s.value);
  const ta = temp(a);
  const tb = temp(b);
  assert.equal(ta.length, tb.length);
  const differing = ta.filter((v, i) => v !== tb[i]).length;
  assert.ok(differing > ta.length / 2, `${differing} of ${ta.length} temperatures differ`);
});

test('a seed is deterministic across the faults switch until the first fault', () => {
  // Faults draw from their own random stream, so switching them off does not reshuffle the rest.
  const withFaults = run({ seed: 3, faults: true }, 1);
  const without = run({ seed: 3, faults: false }, 1);
  assert.equal(withFaults.sim.groundTruth().length, 0, 'no fault shows within the first hour');
  assert.equal(withFaults.digest, without.digest);
});

test('the tick grid: samples sit on multiples of tickMs from the aligned start', () => {
  const sim = new FactorySimulation(plant, { tickMs: 250 }, Date.UTC(2025, 0, 1, 0, 0, 0, 123));
  assert.equal(sim.startTs, Date.UTC(2025, 0, 1, 0, 0, 0, 250));
  const out: RawSample[] = [];
  for (let i = 0; i < 40; i++) sim.step(out);
  for (const s of out) assert.equal((s.ts as number) % 250, 0);
  assert.equal(sim.nextTs, sim.startTs + 40 * 250);
  assert.equal(alignToTick(1000, 1000), 1000);
  assert.equal(alignToTick(1001, 1000), 2000);
});

test('faults disabled: no fault records over a week', () => {
  const week = record(plant, { seed: 42, tickMs: 30_000, faults: false }, START, START + 7 * 24 * H);
  assert.deepEqual(week.groundTruth, []);
  assert.deepEqual(week.sim.openFaults(), []);
  // Breakdowns without a lead-up still happen: machines do fail at random.
  const breakdowns = [...week.series.entries()].filter(([tag, s]) => tag.endsWith('/state') && s.values.includes(6));
  assert.ok(breakdowns.length >= 3, `${breakdowns.length} machines had random breakdowns`);
});

test('faults enabled: records appear, each once, in failure order, and the sink is told', () => {
  const events: string[] = [];
  const sim = new FactorySimulation(plant, { seed: 42, tickMs: 30_000, faultMeanIntervalHours: 24 }, START);
  sim.onGroundTruth = (record, event) => events.push(`${event}:${record.machine}:${record.failureAt}`);
  const out: RawSample[] = [];
  while (sim.nextTs < START + 5 * 24 * H) {
    sim.step(out);
    out.length = 0;
  }
  const truth = sim.groundTruth();
  assert.ok(truth.length >= 5, `${truth.length} faults`);
  for (let i = 1; i < truth.length; i++) assert.ok(truth[i].failureAt >= truth[i - 1].failureAt);
  for (const r of truth) {
    assert.ok(r.leadUpStart >= START && r.leadUpStart < r.failureAt);
    assert.ok(['bearing_wear', 'thermal_runaway'].includes(r.fault));
    assert.ok(events.includes(`failure:${r.machine}:${r.failureAt}`));
    if (r.repairedAt !== undefined) assert.ok(events.includes(`repaired:${r.machine}:${r.failureAt}`));
  }
  assert.equal(events.filter((e) => e.startsWith('failure')).length, truth.length);
  // Fillers only wear bearings; there is no thermal runaway for them.
  assert.ok(truth.filter((r) => r.machine.endsWith('filler-1')).every((r) => r.fault === 'bearing_wear'));
  // groundTruth() hands out copies.
  truth[0].failureAt = 0;
  assert.notEqual(sim.groundTruth()[0].failureAt, 0);
});

test('unknown kinds and machines without a kind are skipped, not an error', () => {
  const mixed = onePlant('UTC', ['press', 'robot', undefined, 'oven']);
  const sim = new FactorySimulation(mixed, {}, START);
  assert.equal(sim.machineCount, 2);
  assert.deepEqual(
    sim.skipped.map((s) => [s.path, s.kind]),
    [
      ['test/site/area/line/m-2', 'robot'],
      ['test/site/area/line/m-3', undefined],
    ],
  );
  assert.match(sim.skipped[0].reason, /unknown kind 'robot'.*press/);
  assert.match(sim.skipped[1].reason, /no kind/);
  const out: RawSample[] = [];
  for (let i = 0; i < 10; i++) sim.step(out);
  assert.ok(out.every((s) => s.tag.startsWith('test/site/area/line/m-1/') || s.tag.startsWith('test/site/area/line/m-4/')));
  // Press and oven are coupled across the skipped machines as one line.
  assert.deepEqual(simulatorCoverage(mixed), { simulated: ['test/site/area/line/m-1', 'test/site/area/line/m-4'], skipped: sim.skipped });
  assert.equal(simulatorTagDefinitions(mixed).filter((t) => t.name === 'state').length, 2);
});

test('a plant with nothing to simulate gives an empty, working simulation', () => {
  const sim = new FactorySimulation(onePlant('UTC', ['robot']), {}, START);
  const out: RawSample[] = [];
  assert.equal(sim.step(out), 0);
  assert.equal(sim.machineCount, 0);
  assert.equal(sim.skipped.length, 1);
});

test('an unknown time zone is refused with the site named', () => {
  // The config schema checks time zones too; this guards plants built in code.
  const bad = onePlant('UTC', ['press']);
  bad.sites[0].timezone = 'Mars/Olympus';
  assert.throws(() => new FactorySimulation(bad, {}, START), /site test\/site.*unknown time zone 'Mars\/Olympus'/);
});

test('tagDefinitions describe exactly the tags that are published, with matching types', () => {
  const defs = simulatorTagDefinitions(plant);
  const byPath = new Map(defs.map((d) => [d.path, d]));
  assert.equal(byPath.size, defs.length, 'paths are unique');
  const { samples } = run({ seed: 1 }, 0.25);
  const published = new Set(samples.map((s) => s.tag));
  assert.deepEqual([...published].sort(), [...byPath.keys()].sort());
  for (const s of samples) {
    const def = byPath.get(s.tag);
    assert.ok(def);
    assert.equal(typeof s.value, def.type, `${s.tag} is a ${def.type}`);
    if (def.type === 'number') {
      if (def.min !== undefined) assert.ok((s.value as number) >= def.min, `${s.tag} ${String(s.value)} >= ${def.min}`);
      if (def.max !== undefined) assert.ok((s.value as number) <= def.max, `${s.tag} ${String(s.value)} <= ${def.max}`);
    }
    assert.equal(s.quality, 'good');
  }
  for (const d of defs) {
    assert.equal(d.path, `${d.asset}/${d.name}`);
    assert.equal(d.source, 'simulator');
    assert.ok(d.description && d.description.length > 5, `${d.path} has a description`);
  }
  const state = byPath.get('acme/berlin/machining/line-1/press-1/state');
  assert.equal(state?.role, 'state');
  assert.deepEqual(state?.states, STATE_NAMES);
  const roles = new Map(defs.filter((d) => d.asset.endsWith('press-1')).map((d) => [d.name, [d.role, d.unit]]));
  assert.deepEqual(Object.fromEntries(roles), {
    state: ['state', undefined],
    running: [undefined, undefined],
    good_count: ['good_count', 'pcs'],
    scrap_count: ['scrap_count', 'pcs'],
    cycle_time: ['cycle_time', 's'],
    ideal_cycle_time: ['ideal_cycle_time', 's'],
    product: ['product', undefined],
    order: ['order', undefined],
    temperature: ['process', 'degC'],
    vibration: ['process', 'mm/s'],
    pressure: ['process', 'bar'],
    power: ['process', 'kW'],
    energy: ['energy', 'kWh'],
  });
  // The counter range follows a per-kind override.
  const overridden = simulatorTagDefinitions(plant, { counterRollover: { cnc: 10_000 } }).find((d) => d.path.endsWith('cnc-1/good_count'));
  assert.equal(overridden?.max, 9_999);
});

test('a counter rollover override makes the counter wrap there', () => {
  const sim = new FactorySimulation(onePlant('UTC', ['press']), { counterRollover: { press: 1_000 }, tickMs: 10_000 }, START);
  const out: RawSample[] = [];
  while (sim.nextTs < START + 12 * H) sim.step(out);
  const good = out.filter((s) => s.tag.endsWith('/good_count')).map((s) => s.value as number);
  assert.ok(good.every((v) => v >= 0 && v < 1_000));
  const wraps = good.filter((v, i) => i > 0 && v < good[i - 1]).length;
  assert.ok(wraps >= 5, `${wraps} wraps of a 1,000 counter in 12 h of pressing`);
});

test('the config block is accepted as options, and bad options are refused', () => {
  const fromConfig = resolveOptions(loadDemoConfig().config.simulator);
  assert.equal(fromConfig.tickMs, 1000);
  assert.equal(fromConfig.seed, 42);
  assert.equal(resolveOptions({ tickInterval: 5000 }).tickMs, 5000);
  assert.equal(resolveOptions({ tickInterval: 5000, tickMs: 200 }).tickMs, 200);
  assert.throws(() => resolveOptions({ speed: 0 }), /speed must be a positive number/);
  assert.throws(() => resolveOptions({ tickMs: 0.5 }), /tickMs must be a whole number/);
  assert.throws(() => resolveOptions({ seed: 1.5, counterRollover: { press: 1 } }), /seed must be an integer.*counterRollover.press/);
});

test('the plant keeps working on the night shift and across midnight in another time zone', () => {
  // A Chicago plant simulated over its local midnight: breaks at 01:45 local, production before and after.
  const chicago = onePlant('America/Chicago', ['filler', 'labeler', 'packer']);
  const from = Date.UTC(2025, 6, 10, 4, 0); // 23:00 CDT
  const rec = record(chicago, { seed: 5, tickMs: 5_000 }, from, from + 4 * H);
  const states = rec.series.get('test/site/area/line/m-1/state');
  assert.ok(states);
  const breakStart = states.ts.find((t, i) => states.values[i] === 8);
  assert.equal(breakStart, Date.UTC(2025, 6, 10, 6, 45), 'break at 01:45 CDT');
  assert.ok(states.values.includes(1));
});

test('a plant met in its break starts at standby levels; heated machines met at work do not start in setup', () => {
  const first = (start: number) => {
    const sim = new FactorySimulation(plant, { seed: 3 }, start);
    const out: RawSample[] = [];
    sim.step(out);
    return new Map(out.map((s) => [s.tag, s.value]));
  };
  const inBreak = first(Date.UTC(2025, 5, 2, 7, 50)); // 09:50 in Berlin, break 09:45-10:15
  for (const [tag, value] of inBreak) if (tag.endsWith('/state')) assert.equal(value, 8, tag);
  assert.ok((inBreak.get('acme/berlin/machining/line-1/press-1/vibration') as number) < 1, 'standby vibration');
  assert.ok((inBreak.get('acme/berlin/machining/line-1/press-1/pressure') as number) < 40, 'standby pressure');
  const atWork = first(Date.UTC(2025, 5, 3, 9, 0)); // 11:00 on a Tuesday
  for (const [tag, value] of atWork) if (tag.endsWith('/state')) assert.notEqual(value, 5, `${tag} starts in setup`);
});
