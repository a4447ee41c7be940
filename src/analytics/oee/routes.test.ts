// The HTTP routes through Fastify inject(), with the API's error handler (as src/api/server.ts has it)
// and a FAKE in-memory historian.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { Historian } from '../../historian/types.js';
import { oeeRoutes, shiftStartBefore, type OeeDeps } from './routes.js';
import { FakeHistorian, machineTags, rawOnly, Script } from './testing.js';
import type { TagDefinition } from '../../model/index.js';
import { ShiftCalendar } from '../../connectors/simulator/shift-calendar.js';
import { LiveOee } from './live-oee.js';
import { shiftPlan } from './plan-calendar.js';
import { ShiftCellCache } from './shift-cache.js';

const LINE = 'test/site/area/line';
const M1 = `${LINE}/m-1`;
const M2 = `${LINE}/m-2`;
const MIN = 60_000;

function streams(): Script[] {
  const m1 = new Script(M1)
    .product('05:00', 'p60', 60)
    .order('05:00', 'JO-1')
    .counts('05:00', 1000, 50)
    .state('06:00', 'running')
    .state('09:00', 'minor_stop')
    .counts('09:00', 1170, 55)
    .state('09:10', 'running')
    .state('09:45', 'planned_break')
    .state('10:15', 'running')
    .state('12:00', 'breakdown')
    .counts('12:00', 1300, 58)
    .state('13:00', 'running')
    .counts('14:00', 1360, 60)
    .order('14:00', 'JO-2')
    .counts('22:00', 1810, 60);
  const m2 = new Script(M2).product('05:00', 'p30', 30).counts('06:00', 0, 0).state('06:00', 'running').state('08:00', 'starved').counts('08:00', 180, 20);
  return [m1, m2];
}

async function server(overrides: Partial<OeeDeps> = {}): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send({ error: { code: error.code, message: error.message, hint: error.hint } });
    if (error.validation || (error.statusCode && error.statusCode < 500)) return reply.status(400).send({ error: { code: 'LOOM_BAD_REQUEST', message: error.message } });
    return reply.status(500).send({ error: { code: 'LOOM_INTERNAL', message: error.message } });
  });
  const tags: TagDefinition[] = [...machineTags(M1), ...machineTags(M2), { path: `${LINE}/speed`, asset: LINE, name: 'speed', type: 'number', role: 'process' }];
  const samples = streams().flatMap((s) => s.samples);
  await oeeRoutes(app, { historian: new FakeHistorian(samples), registry: { all: () => tags }, plant: onePlant('UTC', ['press', 'press']), ...overrides });
  return app;
}

const range = 'from=2026-11-26T06:00:00Z&to=2026-11-26T14:00:00Z';

test('GET /api/v1/oee: both conventions, time elements, quantities, waterfall of a machine', async () => {
  const app = await server();
  const res = await app.inject({ url: `/api/v1/oee?asset=${M1}&${range}` });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.equal(body.by, 'total');
  assert.deepEqual(body.machines, [M1]);
  const t = body.total;
  assert.equal(t.timeElements.PBT, 450 * MIN);
  assert.equal(t.timeElements.APT, 380 * MIN);
  assert.ok(Math.abs(t.iso.oee - 0.8) < 1e-12 && Math.abs(t.nakajima.oee - 0.8) < 1e-12);
  assert.ok(Math.abs(t.iso.availability - 380 / 450) < 1e-12);
  assert.ok(Math.abs(t.nakajima.availability - 390 / 450) < 1e-12);
  assert.deepEqual([t.quantities.GQ, t.quantities.SQ, t.quantities.PQ], [360, 10, 370]);
  assert.equal(t.waterfall.steps.find((s: { loss: string }) => s.loss === 'breakdowns').ms, 60 * MIN);
  assert.deepEqual(body.groups, []);
  await app.close();
});

test('GET /api/v1/oee of a line, by shift and by order; sums machines before ratios', async () => {
  const app = await server();
  const line = (await app.inject({ url: `/api/v1/oee?asset=${LINE}&from=2026-11-26T06:00:00Z&to=2026-11-26T22:00:00Z&by=shift` })).json();
  assert.deepEqual(line.machines, [M1, M2]);
  assert.deepEqual(line.groups.map((g: { key: string }) => g.key), ['2026-11-26 early', '2026-11-26 late']);
  const early = line.groups[0];
  assert.equal(early.timeElements.PBT, 2 * 450 * MIN);
  const byOrder = (await app.inject({ url: `/api/v1/oee?asset=${M1}&from=2026-11-26T06:00:00Z&to=2026-11-26T22:00:00Z&by=order` })).json();
  assert.deepEqual(byOrder.groups.map((g: { key: string }) => g.key), ['JO-1', 'JO-2']);
  assert.equal(byOrder.groups[1].quantities.GQ, 450);
  await app.close();
});

test('GET /api/v1/kpis lists computed KPIs and the missing ones with what each lacks', async () => {
  const app = await server();
  const body = (await app.inject({ url: `/api/v1/kpis?asset=${M1}&${range}` })).json();
  const computed = Object.fromEntries(body.computed.map((k: { id: string; value: number }) => [k.id, k.value]));
  for (const id of ['allocation_efficiency', 'utilization_efficiency', 'technical_efficiency', 'setup_rate', 'throughput_rate', 'scrap_ratio', 'first_pass_yield', 'mtbf', 'mttr', 'corrective_maintenance_ratio', 'equipment_load_ratio']) {
    assert.ok(id in computed, `${id} computed`);
  }
  assert.ok(Math.abs(computed.throughput_rate - 370 / 8) < 1e-9, 'PQ per hour of order time');
  const missing = Object.fromEntries(body.missing.map((k: { id: string; lacks: string }) => [k.id, k.lacks]));
  assert.match(missing.worker_efficiency, /APWT/);
  assert.match(missing.rework_ratio, /rework_count/);
  assert.match(missing.comprehensive_energy_consumption, /energy/);
  assert.match(missing.process_capability, /SPC/);
  await app.close();
});

test('errors: unknown asset, asset without state, bad group, bad range, too long, historian failure', async () => {
  const app = await server();
  const code = async (url: string) => {
    const res = await app.inject({ url });
    return [res.statusCode, res.json().error?.code];
  };
  assert.deepEqual(await code(`/api/v1/oee?asset=nope/x&${range}`), [404, 'LOOM_UNKNOWN_ASSET']);
  assert.deepEqual(await code(`/api/v1/kpis?asset=${LINE}/m-9&${range}`), [404, 'LOOM_UNKNOWN_ASSET']);
  assert.deepEqual(await code(`/api/v1/oee?asset=${M1}&${range}&by=month`), [400, 'LOOM_BAD_REQUEST']);
  assert.deepEqual(await code(`/api/v1/oee?asset=${M1}`), [200, undefined]);
  assert.deepEqual(await code(`/api/v1/oee?${range}`), [400, 'LOOM_BAD_REQUEST']);
  assert.deepEqual(await code(`/api/v1/oee?asset=${M1}&from=2026-11-26T14:00:00Z&to=2026-11-26T06:00:00Z`), [400, 'LOOM_BAD_RANGE']);
  assert.deepEqual(await code(`/api/v1/oee?asset=${M1}&from=2026-01-01T00:00:00Z&to=2026-11-26T06:00:00Z`), [400, 'LOOM_BAD_REQUEST']);
  await app.close();

  const noState = await server({ registry: { all: () => [{ path: `${LINE}/speed`, asset: LINE, name: 'speed', type: 'number', role: 'process' }] } });
  assert.equal((await noState.inject({ url: `/api/v1/oee?asset=${LINE}&${range}` })).json().error.code, 'LOOM_NO_STATE_TAG');
  await noState.close();

  const failing: Pick<Historian, 'query'> = { query: async () => Promise.reject(new Error('disk on fire')) };
  const broken = await server({ historian: failing });
  const res = await broken.inject({ url: `/api/v1/oee?asset=${M1}&${range}` });
  assert.deepEqual([res.statusCode, res.json().error.code, res.json().error.message], [400, 'LOOM_QUERY_FAILED', 'disk on fire']);
  await broken.close();
});

test('a historian that answers buckets for big ranges is asked again in smaller raw windows', async () => {
  const samples = streams().flatMap((s) => s.samples);
  const small = new FakeHistorian(samples, 3);
  const app = await server({ historian: rawOnly(small) });
  const body = (await app.inject({ url: `/api/v1/oee?asset=${M1}&${range}` })).json();
  assert.ok(Math.abs(body.total.iso.oee - 0.8) < 1e-12);
  assert.ok(small.queries.length > 20, `${small.queries.length} queries`);
  await app.close();
});

/** A LiveOee of m-1 started at `start` (hh:mm) and fed its samples until 14:00. */
function liveUntil2pm(start: string) {
  const tags = [...machineTags(M1), ...machineTags(M2)];
  const plan = shiftPlan(new ShiftCalendar('UTC'));
  const [m1] = streams();
  const live = new LiveOee({ tags: () => tags, planFor: () => plan, start: m1.t(start) });
  live.ingest(m1.sorted().filter((s) => s.ts <= m1.t('14:00')));
  live.tick(m1.t('14:00'));
  return { m1, plan, live };
}

test('GET /api/v1/oee/live answers from a LiveOee fed the same samples', async () => {
  const { live } = liveUntil2pm('06:00');
  const app = await server({ live });
  const body = (await app.inject({ url: `/api/v1/oee/live?asset=${LINE}&by=shift` })).json();
  assert.deepEqual(body.machines, [M1]);
  assert.ok(Math.abs(body.total.iso.oee - 0.8) < 1e-12 && Math.abs(body.total.nakajima.oee - 0.8) < 1e-12);
  assert.deepEqual(body.groups.map((g: { key: string }) => g.key), ['2026-11-26 early']);
  assert.equal((await app.inject({ url: `/api/v1/oee/live?asset=nope` })).json().error.code, 'LOOM_UNKNOWN_ASSET');
  assert.equal((await app.inject({ url: `/api/v1/oee/live?asset=${M2}` })).json().error.code, 'LOOM_NO_STATE_TAG');
  await app.close();
  const without = await server();
  assert.equal((await without.inject({ url: `/api/v1/oee/live?asset=${M1}` })).json().error.code, 'LOOM_BAD_REQUEST');
  await without.close();
});

test('GET /api/v1/oee/live started mid-shift takes the shift before the start from history, so the current shift is whole', async () => {
  // The server started at 10:00; the samples before only set baselines in the live feed.
  const { m1, plan, live } = liveUntil2pm('10:00');
  const sinceStart = live.report(M1)!;
  const app = await server({ live, planFor: () => plan, historian: new FakeHistorian(m1.samples) });
  const body = (await app.inject({ url: `/api/v1/oee/live?asset=${M1}&by=shift` })).json();
  const history = (await app.inject({ url: `/api/v1/oee?asset=${M1}&from=2026-11-26T06:00:00Z&to=2026-11-26T14:00:00Z` })).json();
  assert.deepEqual(body.groups.map((g: { key: string }) => g.key), ['2026-11-26 early']);
  assert.equal(body.total.timeElements.PBT, history.total.timeElements.PBT);
  assert.equal(body.total.quantities.PQ, history.total.quantities.PQ);
  assert.ok(Math.abs(body.total.iso.oee - history.total.iso.oee) < 1e-12, `live ${body.total.iso.oee} vs history ${history.total.iso.oee}`);
  assert.ok(sinceStart.timeElements.PBT < body.total.timeElements.PBT, 'the live feed alone covers 10:00-14:00 only');
  await app.close();
});

test('GET /api/v1/oee/live names a machine whose lead-in history could not be read, instead of hiding it', async () => {
  const { m1, plan, live } = liveUntil2pm('10:00');
  const failing = new FakeHistorian(m1.samples);
  const fail = () => Promise.reject(new Error('historian is closed'));
  const historian = Object.assign(failing, { query: fail, valueChanges: fail, counterSums: fail });
  const app = await server({ live, planFor: () => plan, historian });
  const res = await app.inject({ url: `/api/v1/oee/live?asset=${M1}` });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.missingLeadIn, [{ machine: M1, from: m1.t('06:00'), to: m1.t('10:00'), reason: 'history before the live start could not be read: historian is closed' }]);
  assert.equal(body.total.timeElements.PBT, live.report(M1)!.timeElements.PBT, 'the live part only');
  await app.close();
});

test('shiftStartBefore finds the start of the shift holding an instant', () => {
  const plan = shiftPlan(new ShiftCalendar('UTC'));
  assert.equal(shiftStartBefore(plan, Date.parse('2026-11-26T10:37:12.345Z')), Date.parse('2026-11-26T06:00:00Z'));
  assert.equal(shiftStartBefore(plan, Date.parse('2026-11-27T01:00:00Z')), Date.parse('2026-11-26T22:00:00Z'));
});

test('a month-long range reads energy per minute in windows the historian accepts (at most 10,000 buckets each)', async () => {
  const [m1] = streams();
  for (let h = 0; h < 24 * 31; h++) m1.energy(m1.t('00:00') - 20 * 86_400_000 + h * 3_600_000, 1000 + h);
  const tags = machineTags(M1, { energy: true });
  const historian = new FakeHistorian(m1.samples);
  const app = await server({ historian, registry: { all: () => tags } });
  const res = await app.inject({ url: `/api/v1/kpis?asset=${M1}&from=2026-11-06T00:00:00Z&to=2026-12-06T00:00:00Z` });
  assert.equal(res.statusCode, 200, res.body);
  const energyQueries = historian.queries.filter((q) => q.tag.endsWith('/energy'));
  assert.ok(energyQueries.length >= 5 && energyQueries.every((q) => q.bucketMs === 60_000 && q.agg === 'last'));
  const perUnit = res.json().computed.find((k: { id: string }) => k.id === 'comprehensive_energy_consumption');
  // Readings hourly, +1 kWh each, from 2026-11-06 00:00 to the last at 2026-12-06 23:00 (after `to`): 30 days x 24 h.
  assert.ok(Math.abs(perUnit.value - (30 * 24) / (1810 - 1000 + 60 - 50)) < 1e-9, `${perUnit.value}`);
  await app.close();
});

test('with a cache, a repeated request reads no history for closed shifts and answers the same', async () => {
  const samples = streams().flatMap((s) => s.samples);
  const historian = new FakeHistorian(samples);
  const cache = new ShiftCellCache({ now: () => Date.parse('2026-11-27T12:00:00Z') });
  const app = await server({ historian, cache });
  const url = `/api/v1/oee?asset=${LINE}&from=2026-11-26T06:00:00Z&to=2026-11-27T06:00:00Z&by=shift`;
  const first = (await app.inject({ url })).json();
  const asked = historian.queries.length;
  assert.equal(cache.shifts, 6, '3 shifts of 2 machines');
  const second = (await app.inject({ url })).json();
  assert.equal(historian.queries.length, asked, 'no query the second time');
  assert.deepEqual(second, first);
  const uncached = (await (await server({ historian: new FakeHistorian(samples) })).inject({ url })).json();
  assert.deepEqual(second, uncached);
});

test("a machine's idealCycleTimes in the plant config set its PRI (over the ideal_cycle_time tag)", async () => {
  const plant = onePlant('UTC', ['press', 'press']);
  plant.sites[0].areas[0].lines[0].machines[0].idealCycleTimes = { p60: 30 };
  const app = await server({ plant });
  const body = (await app.inject({ url: `/api/v1/oee?asset=${M1}&${range}` })).json();
  assert.equal(body.total.quantities.PRI, 30);
  assert.equal(body.total.quantities.idealMs, 370 * 30_000);
});
