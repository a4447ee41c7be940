// Behaviour of the simulated plant over one week (the demo plant, Europe/Berlin, across the March
// 2025 daylight-saving change), read back from the samples it publishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDemoConfig } from '../../model/index.js';
import { FAULT_MODELS, MACHINE_KINDS, STATE_CODES, STATE_NAMES, simulatorTagDefinitions } from './index.js';
import { intervals, localHHMM, perTick, record, type Recording } from './testing.js';

const H = 3_600_000;
const M = 60_000;
const TICK = 10_000;
const FROM = Date.UTC(2025, 2, 26); // Wednesday 26 March 2025; clocks go forward on Sunday 30 March
const TO = FROM + 7 * 24 * H;
const TZ = 'Europe/Berlin';
const plant = loadDemoConfig().config.plant;

let cached: Recording | undefined;
/** One simulated week, shared by the tests below (about 3.5M samples at a 10 s tick). */
function week(): Recording {
  cached ??= record(plant, { seed: 42, tickMs: TICK }, FROM, TO);
  return cached;
}

const machines = () => week().sim.status().map((s) => ({ path: s.machine, kind: s.kind }));
const stateTicks = (machine: string) => perTick(week().series.get(`${machine}/state`), week().ticks) as number[];
const numbers = (tag: string) => {
  const s = week().series.get(tag);
  assert.ok(s, `series ${tag}`);
  return s;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('every machine of the demo plant is simulated', () => {
  assert.equal(week().sim.machineCount, 9);
  assert.equal(week().sim.skipped.length, 0);
  assert.deepEqual(new Set(machines().map((m) => m.kind)), new Set(['press', 'cnc', 'filler', 'labeler', 'packer', 'mixer', 'oven']));
});

test('every state is reached over a simulated week', () => {
  const reached = new Set<number>();
  let withMaintenance = 0;
  for (const { path } of machines()) {
    const states = new Set(stateTicks(path));
    for (const s of states) reached.add(s);
    // Every machine runs, has breaks and minor stops, and changes over at least once.
    for (const name of ['running', 'planned_break', 'setup', 'minor_stop']) {
      assert.ok(states.has(STATE_CODES[name]), `${path} reaches ${name}`);
    }
    if (states.has(STATE_CODES.planned_maintenance)) withMaintenance++;
  }
  // The weekly 2-hour maintenance window is skipped only when a breakdown repair covers it.
  assert.ok(withMaintenance >= machines().length - 1, `${withMaintenance} machines had their weekly maintenance`);
  assert.deepEqual(
    [...reached].sort((a, b) => a - b).map((code) => STATE_NAMES[String(code)]),
    ['offline', 'running', 'idle', 'starved', 'blocked', 'setup', 'breakdown', 'minor_stop', 'planned_break', 'planned_maintenance'],
  );
});

test('running time is a plausible share of the week', () => {
  for (const { path } of machines()) {
    const states = stateTicks(path);
    const share = states.filter((s) => s === STATE_CODES.running).length / states.length;
    assert.ok(share > 0.45 && share < 0.9, `${path} runs ${(share * 100).toFixed(0)}% of the time`);
  }
});

test('planned breaks fall in the middle of each shift in the site time zone, including the DST night', () => {
  // Expected local break starts: 8-hour shifts 06-14, 14-22, 22-06 -> 09:45, 17:45, 01:45. The night of
  // 29 -> 30 March is 7 h long (22:00 CET to 06:00 CEST), so its break starts at 01:15 CET.
  const dstNightBreak: [number, number] = [Date.UTC(2025, 2, 30, 0, 15), Date.UTC(2025, 2, 30, 0, 45)];
  let exact = 0;
  let total = 0;
  for (const { path } of machines()) {
    const states = stateTicks(path);
    const breaks = intervals(states, week().ticks, (s) => s === STATE_CODES.planned_break);
    assert.ok(breaks.length >= 19, `${path}: ${breaks.length} breaks in a week of 21 shifts`);
    let sawDstBreak = false;
    for (const [start, end] of breaks) {
      if (end >= TO) continue; // cut off by the end of the run
      total++;
      const isDst = start >= dstNightBreak[0] && end <= dstNightBreak[1];
      if (isDst) sawDstBreak = true;
      // A break ends on the planned minute; it may start late when a breakdown was being repaired.
      const endLocal = localHHMM(end, TZ);
      if (isDst) assert.equal(end, dstNightBreak[1], `${path} DST-night break ends at 01:45 CET`);
      else assert.ok(['10:15', '18:15', '02:15'].includes(endLocal), `${path} break ending ${new Date(end).toISOString()} (${endLocal} local)`);
      const startLocal = localHHMM(start, TZ);
      if (end - start === 30 * M) {
        exact++;
        if (isDst) assert.equal(startLocal, '01:15');
        else assert.ok(['09:45', '17:45', '01:45'].includes(startLocal), `${path} break starting ${startLocal} local`);
      } else {
        assert.ok(end - start < 30 * M, `${path} break longer than planned at ${new Date(start).toISOString()}`);
        assert.equal(states[week().ticks.indexOf(start) - 1], STATE_CODES.breakdown, 'a shortened break follows a breakdown');
      }
    }
    const dstNightStates = new Set(states.filter((_, i) => week().ticks[i] >= dstNightBreak[0] && week().ticks[i] < dstNightBreak[1]));
    assert.ok(sawDstBreak || dstNightStates.has(STATE_CODES.breakdown), `${path} has its break on the DST night`);
  }
  assert.ok(exact / total > 0.9, `${exact} of ${total} breaks are exactly the planned 30 minutes`);
});

test('no production outside the running state', () => {
  for (const { path } of machines()) {
    const states = stateTicks(path);
    const good = perTick(numbers(`${path}/good_count`), week().ticks) as number[];
    for (let i = 1; i < states.length; i++) {
      // A state sent at a tick holds until the next; the counts at a tick are the units finished since the last.
      if (good[i] !== good[i - 1]) assert.equal(states[i - 1], STATE_CODES.running, `${path} counts while ${STATE_NAMES[String(states[i - 1])]}`);
    }
  }
});

test('counters are cumulative, never go backwards and roll over at the PLC counter size', () => {
  let wrapsSeen = 0;
  for (const { path, kind } of machines()) {
    const modulo = MACHINE_KINDS[kind].counterRollover;
    for (const name of ['good_count', 'scrap_count']) {
      const { values } = numbers(`${path}/${name}`);
      let wraps = 0;
      for (let i = 1; i < values.length; i++) {
        const prev = values[i - 1] as number;
        const cur = values[i] as number;
        assert.ok(Number.isInteger(cur) && cur >= 0 && cur < modulo, `${path}/${name} = ${cur} within [0, ${modulo})`);
        if (cur < prev) {
          wraps++;
          // A wrap: the increase modulo the counter size is small (one tick's production).
          assert.ok((cur - prev + modulo) % modulo < 200, `${path}/${name} went backwards from ${prev} to ${cur}`);
        }
      }
      if (name === 'good_count' && modulo === 65_536 && kind === 'filler') assert.ok(wraps >= 10, `filler wraps its 16-bit counter about every 7 h (saw ${wraps})`);
      wrapsSeen += wraps;
    }
  }
  assert.ok(wrapsSeen > 10);
  // The tag definition states the range.
  const goodDef = simulatorTagDefinitions(plant).find((t) => t.path.endsWith('filler-1/good_count'));
  assert.equal(goodDef?.max, 65_535);
});

test('good + scrap match running time and ideal cycle times', () => {
  const ticks = week().ticks;
  for (const { path, kind } of machines()) {
    const modulo = MACHINE_KINDS[kind].counterRollover;
    const states = stateTicks(path);
    const ideal = perTick(numbers(`${path}/ideal_cycle_time`), ticks) as number[];
    const good = perTick(numbers(`${path}/good_count`), ticks) as number[];
    const scrap = perTick(numbers(`${path}/scrap_count`), ticks) as number[];
    let possible = 0;
    for (let i = 1; i < ticks.length; i++) if (states[i - 1] === STATE_CODES.running) possible += TICK / 1000 / ideal[i - 1];
    let made = 0;
    let scrapped = 0;
    for (let i = 1; i < ticks.length; i++) {
      made += (good[i] - good[i - 1] + modulo) % modulo;
      scrapped += (scrap[i] - scrap[i - 1] + modulo) % modulo;
    }
    made += scrapped;
    const performance = made / possible;
    assert.ok(performance > 0.82 && performance < 1.0, `${path}: made ${made} of ${possible.toFixed(0)} possible at ideal rate (${performance.toFixed(3)})`);
    const scrapShare = scrapped / made;
    assert.ok(scrapShare > 0.001 && scrapShare < 0.06, `${path}: scrap share ${scrapShare.toFixed(4)}`);
  }
});

test('cycle times are measured near the ideal one, and change with the product', () => {
  for (const { path, kind } of machines()) {
    const cycle = numbers(`${path}/cycle_time`);
    // A cycle time belongs to the product made before the tick (an order may end, and a new product
    // be set up, in the same tick).
    const ideal = perTick(numbers(`${path}/ideal_cycle_time`), cycle.ts.map((t) => Math.max(FROM, t - 1))) as number[];
    const ratios = cycle.values.map((v, i) => (v as number) / ideal[i]);
    assert.ok(Math.min(...ratios) > 0.9 && Math.max(...ratios) < 1.35, `${path} cycle/ideal within [0.9, 1.35]`);
    assert.ok(mean(ratios) > 1 && mean(ratios) < 1.15);
    const products = new Set(numbers(`${path}/product`).values);
    assert.ok(products.size >= 2, `${path} makes more than one product in a week`);
    const idealByProduct = new Set(MACHINE_KINDS[kind].products.map((p) => p.idealCycleSec));
    for (const v of numbers(`${path}/ideal_cycle_time`).values) assert.ok(idealByProduct.has(v as number));
  }
});

test('setup (changeover) happens when the product changes, with a new order', () => {
  for (const { path } of machines()) {
    const ticks = week().ticks;
    const product = perTick(numbers(`${path}/product`), ticks);
    const order = perTick(numbers(`${path}/order`), ticks);
    const states = stateTicks(path);
    let changes = 0;
    for (let i = 1; i < ticks.length; i++) {
      if (product[i] !== product[i - 1]) {
        changes++;
        assert.equal(states[i], STATE_CODES.setup, `${path} product change at ${new Date(ticks[i]).toISOString()} starts a setup`);
        assert.notEqual(order[i], order[i - 1], 'a new order comes with the new product');
      }
    }
    assert.ok(changes >= 2);
    for (const [start] of intervals(states, ticks, (s) => s === STATE_CODES.idle)) {
      assert.equal(order[ticks.indexOf(start)], '', `${path} has no order while idle`);
    }
    assert.ok(order.every((o) => o === '' || /^JO-\d{2}-\d{5}$/.test(o as string)));
  }
});

test('process signals sit at the sensor resolution and inside the engineering range', () => {
  for (const def of simulatorTagDefinitions(plant)) {
    if (def.role !== 'process' && def.role !== 'energy') continue;
    const kind = machines().find((m) => def.asset === m.path)?.kind;
    assert.ok(kind);
    const spec = MACHINE_KINDS[kind].signals.find((s) => s.name === def.name);
    const resolution = spec ? spec.resolution : 0.01;
    const inv = Math.round(1 / resolution);
    const { values, ts } = numbers(def.path);
    assert.equal(values.length, week().ticks.length, `${def.path} is sent every tick`);
    assert.equal(ts[0], FROM);
    for (const v of values) {
      assert.equal(typeof v, 'number');
      const scaled = (v as number) * inv;
      assert.ok(Math.abs(scaled - Math.round(scaled)) < 1e-6, `${def.path} = ${v} is not a multiple of ${resolution}`);
      assert.ok((v as number) >= (def.min ?? -Infinity) && (v as number) <= (def.max ?? Infinity), `${def.path} = ${v} in range`);
    }
    if (def.name === 'energy') {
      for (let i = 1; i < values.length; i++) assert.ok((values[i] as number) >= (values[i - 1] as number), `${def.path} never decreases`);
      assert.ok((values.at(-1) as number) > (values[0] as number));
    }
  }
});

test('signals follow the state: vibration and power are higher while running than while stopped', () => {
  for (const { path } of machines()) {
    const states = stateTicks(path);
    const vib = numbers(`${path}/vibration`).values as number[];
    const power = numbers(`${path}/power`).values as number[];
    const pick = (series: number[], code: number) => series.filter((_, i) => states[i] === code);
    assert.ok(mean(pick(vib, STATE_CODES.running)) > 1.4 * mean(pick(vib, STATE_CODES.planned_break)), `${path} vibration`);
    assert.ok(mean(pick(power, STATE_CODES.running)) > 1.3 * mean(pick(power, STATE_CODES.planned_break)), `${path} power`);
    const maintenance = pick(power, STATE_CODES.planned_maintenance);
    if (maintenance.length > 0) assert.ok(mean(maintenance) < mean(pick(power, STATE_CODES.planned_break)), `${path} is switched off for maintenance`);
  }
});

test('discrete tags are sent on change and at least every 60 s (keep-alive)', () => {
  for (const { path } of machines().slice(0, 3)) {
    for (const name of ['state', 'running', 'product', 'order', 'good_count', 'ideal_cycle_time']) {
      const { ts } = numbers(`${path}/${name}`);
      assert.equal(ts[0], FROM, 'sent on the first tick');
      for (let i = 1; i < ts.length; i++) assert.ok(ts[i] - ts[i - 1] <= 60_000, `${path}/${name} gap of ${ts[i] - ts[i - 1]} ms`);
    }
    const state = numbers(`${path}/state`);
    assert.ok(state.ts.length < week().ticks.length / 3, 'state is not sent every tick');
  }
});

const SETTLE_TICKS = (20 * M) / TICK;

/**
 * Running ticks where the process has settled: the machine ran at least 80% of the last 20 minutes
 * on the same product. Right after a stop or a product change temperatures are still moving.
 */
function settled(machine: string): boolean[] {
  const states = stateTicks(machine);
  const product = perTick(numbers(`${machine}/product`), week().ticks);
  const running = [0];
  for (let i = 0; i < states.length; i++) running.push(running[i] + (states[i] === STATE_CODES.running ? 1 : 0));
  let lastChange = 0;
  return states.map((s, i) => {
    if (i > 0 && product[i] !== product[i - 1]) lastChange = i;
    return s === STATE_CODES.running && i - lastChange >= SETTLE_TICKS && running[i + 1] - running[i + 1 - SETTLE_TICKS] >= 0.8 * SETTLE_TICKS;
  });
}

/**
 * Signal minus its usual settled running level for the product being made (products load machines
 * differently: the oven bakes rye hotter than rolls), taken over the week outside every fault window.
 */
function residuals(machine: string, tag: string, ok: boolean[]): number[] {
  const ticks = week().ticks;
  const product = perTick(numbers(`${machine}/product`), ticks);
  const signal = numbers(tag).values as number[];
  const faulty = week().groundTruth.filter((r) => r.machine === machine).map((r) => [r.leadUpStart, (r.repairedAt ?? TO) + 2 * H]);
  const byProduct = new Map<string, number[]>();
  signal.forEach((v, i) => {
    if (!ok[i] || faulty.some(([a, b]) => ticks[i] >= a && ticks[i] < b)) return;
    const list = byProduct.get(product[i] as string) ?? [];
    list.push(v);
    byProduct.set(product[i] as string, list);
  });
  const median = new Map([...byProduct].map(([p, list]) => [p, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]));
  return signal.map((v, i) => v - (median.get(product[i] as string) ?? NaN));
}

/** Mean residual over the settled running ticks in [from, to), or undefined with fewer than 6 of them. */
function settledMean(res: number[], ok: boolean[], from: number, to: number): number | undefined {
  const ticks = week().ticks;
  const picked = res.filter((v, i) => ticks[i] >= from && ticks[i] < to && ok[i] && Number.isFinite(v));
  return picked.length >= 6 ? mean(picked) : undefined;
}

/** What the fault adds to its signal at the end of the lead-up, for this machine's kind. */
function amplitude(machine: string, fault: keyof typeof FAULT_MODELS): number {
  const kind = machines().find((m) => m.path === machine)?.kind ?? '';
  const signal = MACHINE_KINDS[kind].signals.find((s) => s.name === FAULT_MODELS[fault].signal);
  return signal?.faults?.[fault] ?? 0;
}

/**
 * A rise counts when the last quarter of the lead-up sits at least a quarter of the fault's full
 * effect above the 3 hours before it (about 1.5 mm/s for a worn bearing, 6-11 degC for a runaway).
 * Over seeds 1-10 real lead-ups reach 0.39-0.6 of the full effect and healthy windows at most 0.16.
 */
const NEEDED_SHARE = 0.25;

test('faults: the signal rises during the lead-up before each logged breakdown', () => {
  const truth = week().groundTruth;
  assert.ok(truth.length >= 8, `${truth.length} injected faults in a week`);
  const ticks = week().ticks;
  let measured = 0;
  for (const r of truth) {
    const machine = r.machine;
    const states = stateTicks(machine);
    const leadUp = r.failureAt - r.leadUpStart;
    const model = FAULT_MODELS[r.fault];
    assert.equal(r.tag, `${machine}/${model.signal}`);
    assert.ok(leadUp >= model.leadUpHours[0] * H - TICK, `${r.fault} lead-up of ${(leadUp / H).toFixed(1)} h`);
    // Down from failure to repair (a repair still running at the end of the week has no repairedAt).
    const iFail = ticks.indexOf(r.failureAt);
    assert.ok(iFail > 0, 'failure falls on a tick');
    assert.ok(r.repairedAt !== undefined || r.failureAt > TO - model.repairHours[1] * H, `${machine} fault at ${new Date(r.failureAt).toISOString()} was repaired`);
    const iRepair = r.repairedAt === undefined ? ticks.length : ticks.indexOf(r.repairedAt);
    assert.ok(iRepair > iFail, 'repair falls on a later tick');
    assert.ok(states.slice(iFail, iRepair).every((s) => s === STATE_CODES.breakdown), `${machine} is in breakdown from failure to repair`);
    // Compare like with like: settled running samples before the lead-up and in its last quarter.
    const ok = settled(machine);
    const res = residuals(machine, r.tag, ok);
    const before = settledMean(res, ok, r.leadUpStart - 3 * H, r.leadUpStart);
    const late = settledMean(res, ok, r.leadUpStart + 0.75 * leadUp, r.failureAt);
    if (before === undefined || late === undefined) continue;
    measured++;
    const needed = NEEDED_SHARE * amplitude(machine, r.fault);
    assert.ok(late - before > needed, `${machine} ${r.fault}: ${model.signal} rose by ${(late - before).toFixed(2)}, less than ${needed}`);
  }
  assert.ok(measured >= 6 && measured >= 0.5 * truth.length, `${measured} of ${truth.length} faults had settled running samples to compare`);
});

test('faults: no such rise without a fault (the same windows a day earlier stay flat)', () => {
  // The control for the test above: it must not pass merely because signals wander.
  const truth = week().groundTruth;
  let checked = 0;
  for (const r of truth) {
    const day = 24 * H;
    const from = r.leadUpStart - day;
    const to = r.failureAt - day;
    if (from - 3 * H < FROM) continue;
    if (truth.some((o) => o.machine === r.machine && o.leadUpStart < to && (o.repairedAt ?? TO) + 2 * H > from - 3 * H)) continue;
    const ok = settled(r.machine);
    const res = residuals(r.machine, r.tag, ok);
    const before = settledMean(res, ok, from - 3 * H, from);
    const late = settledMean(res, ok, from + 0.75 * (to - from), to);
    if (before === undefined || late === undefined) continue;
    checked++;
    assert.ok(late - before < NEEDED_SHARE * amplitude(r.machine, r.fault), `${r.machine} a day before its fault: ${(late - before).toFixed(2)}`);
  }
  assert.ok(checked >= 2, `checked ${checked} control windows`);
});
