// Benchmarks of the OEE, each with a same-run baseline:
//   live:   LiveOee for 100 simulated machines at 1 Hz signals: CPU share of one core.
//   report: a one-month OEE report by shift for one line from the DuckDB historian: uncached, and
//           with closed shifts' cells cached (ShiftCellCache: filled by a request, by the background
//           warm-up, or restored after a clean restart), against a raw read of the same month.
// Run: node --import tsx src/analytics/oee/bench.ts [--minutes 20] [--days 30] [--postgres] [--report-only]
import { FactorySimulation } from '../../connectors/simulator/engine.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { RawSample } from '../../connectors/types.js';
import type { Sample, TagDefinition } from '../../model/index.js';
import { computeOeeFromHistory, queryRaw, type HistorySource } from './history.js';
import { rawOnly } from './testing.js';
import { ShiftCellCache, oeeAssetOf } from './shift-cache.js';
import { Bus } from '../../bus/index.js';
import type { Cell } from './types.js';
import { DuckDbHistorian } from '../../historian/duckdb-historian.js';
import { openTestStore } from '../../transfer/testing.js';
import { LiveOee } from './live-oee.js';
import { groupCells } from './aggregate.js';
import { oeeReport } from './kpis.js';
import { shiftPlan } from './plan-calendar.js';
import { machineCellsFor } from './routes.js';
import { ShiftWarmUp } from './warm-up.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const KINDS = ['press', 'cnc', 'filler', 'labeler', 'packer', 'mixer', 'oven'];
const START = Date.parse('2026-11-02T05:00:00Z'); // a Monday, 06:00 CET
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Samples per simulated second (one array per tick). */
function simulate(kinds: string[], from: number, seconds: number, keep: (tag: TagDefinition | undefined) => boolean) {
  const plant = onePlant('Europe/Berlin', kinds);
  const sim = new FactorySimulation(plant, { seed: 1, faults: true }, from);
  const tags = sim.tagDefinitions();
  const byPath = new Map(tags.map((t) => [t.path, t]));
  const ticks: Sample[][] = [];
  let out: RawSample[] = [];
  for (let i = 0; i < seconds; i++) {
    sim.step(out);
    const tick: Sample[] = [];
    for (const s of out) if (keep(byPath.get(s.tag))) tick.push({ tag: s.tag, ts: s.ts as number, value: s.value as Sample['value'], quality: 'good' });
    ticks.push(tick);
    out = [];
  }
  return { tags, ticks, machines: plant.sites[0].areas[0].lines[0].machines.length };
}

async function benchLive(): Promise<void> {
  const minutes = arg('minutes', 20);
  const kinds = Array.from({ length: 100 }, (_, i) => KINDS[i % KINDS.length]);
  const { tags, ticks } = simulate(kinds, START, minutes * 60, () => true);
  const samples = ticks.reduce((a, t) => a + t.length, 0);

  // Baseline: route each sample to its asset through a Map (the least any consumer does).
  const byPath = new Map(tags.map((t) => [t.path, t]));
  const seen = new Map<string, number>();
  let c0 = cpuMs();
  for (const tick of ticks) for (const s of tick) {
    const asset = byPath.get(s.tag)?.asset ?? '';
    seen.set(asset, (seen.get(asset) ?? 0) + 1);
  }
  const baseMs = cpuMs() - c0;

  const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));
  const live = new LiveOee({ tags: () => tags, planFor: () => plan, start: START });
  c0 = cpuMs();
  for (const tick of ticks) {
    live.ingest(tick);
    if (tick.length > 0) live.tick(tick[0].ts);
  }
  const liveMs = cpuMs() - c0;

  // Through the bus, as in the app: the same samples published one by one; baseline a bus with one
  // subscriber that does nothing, then LiveOee and the shift cache's late-data watch subscribed.
  const viaBus = async (attach: (bus: Bus<Sample>) => void, onTick: (ts: number) => void) => {
    const bus = new Bus<Sample>();
    attach(bus);
    const start = cpuMs();
    for (const tick of ticks) {
      for (const s of tick) bus.publish(s.tag, s);
      await bus.idle();
      if (tick.length > 0) onTick(tick[0].ts);
    }
    return cpuMs() - start;
  };
  const busBaseMs = await viaBus((bus) => bus.subscribe('#', () => undefined, { name: 'live:noop', maxBatch: 5000 }), () => undefined);
  const busLive = new LiveOee({ tags: () => tags, planFor: () => plan, start: START });
  const cache = new ShiftCellCache();
  const busLiveMs = await viaBus(
    (bus) => {
      busLive.attach(bus);
      cache.attach(bus, oeeAssetOf((tag) => byPath.get(tag)));
    },
    (ts) => busLive.tick(ts),
  );
  const simSeconds = minutes * 60;
  const share = (ms: number) => ((ms / simSeconds / 1000) * 100).toFixed(3);
  const report = live.report('test/site/area/line')!;
  console.log(`baseline   route ${samples} samples of 100 machines (${simSeconds} s at 1 Hz) to their asset: ${baseMs.toFixed(0)} ms CPU, ${share(baseMs)} % of one core`);
  console.log(`live       LiveOee, same samples + a tick per second: ${liveMs.toFixed(0)} ms CPU, ${share(liveMs)} % of one core (${(samples / (liveMs / 1000) / 1e6).toFixed(2)}M samples/s); line OEE ${report.iso.oee?.toFixed(3)}`);
  console.log(`baseline   same samples through the bus to one subscriber that does nothing: ${busBaseMs.toFixed(0)} ms CPU, ${share(busBaseMs)} % of one core`);
  console.log(`live+bus   through the bus to LiveOee and the shift cache's late-data watch: ${busLiveMs.toFixed(0)} ms CPU, ${share(busLiveMs)} % of one core (${(busLiveMs / busBaseMs).toFixed(2)} x the bus baseline); line OEE ${busLive.report('test/site/area/line')!.iso.oee?.toFixed(3)}`);
}

async function benchReport(): Promise<void> {
  const days = arg('days', 30);
  const kinds = ['press', 'cnc', 'packer'];
  const ROLES = new Set(['state', 'good_count', 'scrap_count', 'ideal_cycle_time', 'product', 'order']);
  const lookBack = 3_600_000;
  const { tags, ticks } = simulate(kinds, START - lookBack, days * 86_400 + 3600, (t) => t?.role !== undefined && ROLES.has(t.role));
  const samples = ticks.flat();
  // The real embedded historian, in memory: the report reads what a running Loom would read.
  const historian = new DuckDbHistorian({ path: ':memory:' });
  await historian.open();
  await historian.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
  for (let i = 0; i < samples.length; i += 50_000) await historian.write(samples.slice(i, i + 50_000));
  await historian.flush();
  const from = START;
  const to = START + days * 86_400_000;
  const machines = [...new Set(tags.filter((t) => t.role === 'state').map((t) => t.asset))];
  const plan = shiftPlan(new ShiftCalendar('Europe/Berlin'));
  const byShift = (cells: Cell[]) => groupCells(cells, 'shift').map((g) => ({ key: g.key, report: oeeReport(g.totals) }));
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const result = await work();
    return [result, performance.now() - t0];
  };

  // Baseline: read the same raw series from the same historian, nothing computed.
  const [read, readMs] = await timed(async () => {
    let n = 0;
    for (const m of machines) for (const t of tags.filter((x) => x.asset === m && x.role && ROLES.has(x.role))) n += (await queryRaw(historian, t.path, from - lookBack, to + 1)).length;
    return n;
  });

  // Uncached: every shift computed from history, once reading every raw sample (before the reduced
  // reads), once reading changes and counter sums (what a first request costs now). Both must agree.
  const compute = (source: HistorySource, m: string) => async (f: number, t: number) => (await computeOeeFromHistory(source, m, tags, f, t, { plan, lookBackMs: lookBack })).cells;
  // Machines at once, as the route asks for them.
  const report = async (source: HistorySource) => byShift((await Promise.all(machines.map((m) => compute(source, m)(from, to)))).flat());
  const [rawShifts, rawPathMs] = await timed(() => report(rawOnly(historian)));
  // Median of 3: the machine is shared, single runs vary.
  const directRuns = [await timed(() => report(historian)), await timed(() => report(historian)), await timed(() => report(historian))].sort((a, b) => a[1] - b[1]);
  const [directShifts, directMs] = directRuns[1];
  if (JSON.stringify(directShifts) !== JSON.stringify(rawShifts)) throw new Error('the reduced reads give another report than the raw reads');

  // Cached: the first request fills the cache with the closed shifts, later ones read it.
  const cache = new ShiftCellCache({ now: () => to + 3_600_000 });
  const cachedReport = async () => byShift((await Promise.all(machines.map((m) => cache.cells(m, from, to, plan, '', compute(historian, m))))).flat());
  const [, fillMs] = await timed(cachedReport);
  const filled = cache.shifts;
  const warm: number[] = [];
  let shifts = directShifts;
  for (let i = 0; i < 5; i++) {
    const [answer, ms] = await timed(cachedReport);
    shifts = answer;
    warm.push(ms);
  }
  const warmMs = warm.sort((a, b) => a - b)[2];
  if (JSON.stringify(shifts) !== JSON.stringify(directShifts)) throw new Error('the cached report differs from the uncached one');
  // A late sample one day before the end drops that day's shifts of its machine; the next report recomputes them only.
  cache.observe([{ tag: `${machines[0]}/state`, ts: to - 86_400_000, value: 1, quality: 'good' }], (tag) => tags.find((t) => t.path === tag)?.asset);
  const [, lateMs] = await timed(cachedReport);
  // Background warm-up as the app runs it (a fresh cache, every closed shift of the month, a few shifts
  // per step with a yield between), then the report a user opens.
  const warmCache = new ShiftCellCache({ now: () => to + 3_600_000 });
  const warmDeps = { historian, registry: { all: () => tags }, plant: onePlant('Europe/Berlin', kinds), planFor: () => plan, cache: warmCache, history: { lookBackMs: lookBack } };
  const warmUp = new ShiftWarmUp(warmDeps, { days: days + 1, now: () => to + 3_600_000 });
  const [, warmUpMs] = await timed(() => warmUp.pass());
  const afterWarmUp = machineCellsFor(warmDeps);
  const [warmedShifts, afterWarmUpMs] = await timed(async () => byShift((await Promise.all(machines.map((m) => afterWarmUp(m, from, to, (days + 1) * 86_400_000)))).flat()));
  if (JSON.stringify(warmedShifts) !== JSON.stringify(directShifts)) throw new Error('the report after the warm-up differs from the uncached one');
  // A clean restart: the warmed cache as the file a closing server writes, read into a fresh cache, then the report.
  const [snapshotText, saveMs] = await timed(async () => JSON.stringify(warmCache.snapshot()));
  const restartedCache = new ShiftCellCache({ now: () => to + 3_600_000 });
  const [restored, restoreMs] = await timed(async () => restartedCache.restore(JSON.parse(snapshotText)));
  const afterRestart = machineCellsFor({ ...warmDeps, cache: restartedCache });
  const [restartedShifts, afterRestartMs] = await timed(async () => byShift((await Promise.all(machines.map((m) => afterRestart(m, from, to, (days + 1) * 86_400_000)))).flat()));
  if (JSON.stringify(restartedShifts) !== JSON.stringify(directShifts)) throw new Error('the report after a restart differs from the uncached one');
  if (restartedCache.stats.computed !== 0) throw new Error('the report after a restart computed shifts instead of using the restored ones');
  await historian.close();
  console.log(`baseline   read ${read} raw samples of a ${kinds.length}-machine line, ${days} days, from the DuckDB historian (in memory): ${readMs.toFixed(0)} ms`);
  console.log(`raw path   OEE by shift for the line from every raw sample (${directShifts.length} shifts, both conventions, all KPIs): ${rawPathMs.toFixed(0)} ms`);
  console.log(`uncached   same report from value changes and counter sums (same numbers, median of 3): ${directMs.toFixed(0)} ms = ${(directMs / readMs).toFixed(3)} x the raw read, ${(rawPathMs / directMs).toFixed(0)}x faster than the raw path`);
  console.log(`cache fill first request (computes and keeps ${filled} closed machine-shifts): ${fillMs.toFixed(0)} ms`);
  console.log(`cached     same report, closed shifts from the cache (median of 5): ${warmMs.toFixed(1)} ms = ${(warmMs / readMs).toFixed(4)} x the raw read, ${(directMs / warmMs).toFixed(0)}x faster than uncached`);
  console.log(`warm-up    background pass over the month (${warmCache.shifts} closed machine-shifts, ${warmUp.stats.steps} steps): ${warmUpMs.toFixed(0)} ms; then the report: ${afterWarmUpMs.toFixed(1)} ms (${warmedShifts.length} shifts)`);
  console.log(`restart    shift cache kept across a clean restart (${(snapshotText.length / 1e6).toFixed(1)} MB of JSON, ${restored} machine-shifts): serialise ${saveMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms; then the report: ${afterRestartMs.toFixed(1)} ms, nothing computed`);
  console.log(`late data  after a late sample 1 day before the end (its machine's last day recomputed): ${lateMs.toFixed(0)} ms`);
  if (!process.argv.includes('--postgres')) return;
  // The same month in PostgreSQL (a schema of its own, dropped after): the same reduced reads.
  const store = await openTestStore('postgres');
  try {
    const pgHistorian = store.historian;
    await pgHistorian.defineTags(tags.map((t, i) => ({ ...t, id: i + 1 })));
    for (let i = 0; i < samples.length; i += 50_000) await pgHistorian.write(samples.slice(i, i + 50_000));
    await pgHistorian.flush();
    const [pgShifts, pgMs] = await timed(() => report(pgHistorian));
    if (JSON.stringify(pgShifts) !== JSON.stringify(directShifts)) throw new Error('PostgreSQL gives another report than DuckDB');
    console.log(`postgres   same uncached report from PostgreSQL (same numbers): ${pgMs.toFixed(0)} ms = ${(pgMs / directMs).toFixed(1)} x DuckDB`);
  } finally {
    await store.close();
  }
}

if (!process.argv.includes('--report-only')) await benchLive();
await benchReport();
