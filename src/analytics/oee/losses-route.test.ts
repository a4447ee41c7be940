// GET /api/v1/oee/losses through Fastify inject(), with the API's error handler and a FAKE in-memory
// historian (the scripted machines of routes.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiError } from '../../api/errors.js';
import { onePlant } from '../../connectors/simulator/testing.js';
import type { TagDefinition } from '../../model/index.js';
import { bucketedPlan, downtimeReasons, oeeLossRoutes } from './losses-route.js';
import { continuousPlan } from './plan-calendar.js';
import { oeeRoutes } from './routes.js';
import { FakeHistorian, machineTags, Script } from './testing.js';

const LINE = 'test/site/area/line';
const M1 = `${LINE}/m-1`;
const M2 = `${LINE}/m-2`;
const MIN = 60_000;
const range = 'from=2026-11-26T06:00:00Z&to=2026-11-26T14:00:00Z';

async function server(): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
    if (error.validation || (error.statusCode && error.statusCode < 500)) return reply.status(400).send({ error: { code: 'LOOM_BAD_REQUEST', message: error.message } });
    return reply.status(500).send({ error: { code: 'LOOM_INTERNAL', message: error.message } });
  });
  // m-1: a 10-min minor stop, the calendar break (09:45-10:15) and a 1-h breakdown; m-2 starved from 08:00.
  const m1 = new Script(M1)
    .product('05:00', 'p60', 60)
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
    .counts('14:00', 1360, 60);
  const m2 = new Script(M2).product('05:00', 'p30', 30).counts('06:00', 0, 0).state('06:00', 'running').state('08:00', 'starved').counts('08:00', 180, 20);
  const tags: TagDefinition[] = [...machineTags(M1), ...machineTags(M2)];
  const deps = { historian: new FakeHistorian([...m1.samples, ...m2.samples]), registry: { all: () => tags }, plant: onePlant('UTC', ['press', 'press']) };
  await oeeRoutes(app, deps);
  await oeeLossRoutes(app, deps);
  return app;
}

test('downtime reasons of a line: time inside planned busy time per reason, largest first, with stops', async () => {
  const app = await server();
  const res = await app.inject({ url: `/api/v1/oee/losses?asset=${LINE}&${range}` });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(body.machines, [M1, M2]);
  // m-2 starves 08:00-14:00 but the calendar break (30 min) is planned downtime, not a loss.
  assert.deepEqual(body.reasons, [
    { reason: 'starved', category: 'starved', ms: 330 * MIN, stops: 1 },
    { reason: 'breakdown', category: 'breakdown', ms: 60 * MIN, stops: 1 },
    { reason: 'minor_stop', category: 'minor_stop', ms: 10 * MIN, stops: 1 },
  ]);
  // The reasons account for all of planned busy time that was not production time.
  const late = 'from=2026-11-26T05:00:00Z&to=2026-11-26T14:00:00Z';
  const withGap = (await app.inject({ url: `/api/v1/oee/losses?asset=${LINE}&${late}` })).json();
  const report = (await app.inject({ url: `/api/v1/oee?asset=${LINE}&${late}` })).json().total.timeElements;
  const lost = withGap.reasons.reduce((sum: number, r: { ms: number }) => sum + r.ms, 0);
  assert.equal(lost, report.PBT - report.APT);
  assert.ok(withGap.reasons.some((r: { reason: string }) => r.reason === 'no data'), 'the hour before the first state is no data');
  await app.close();
});

test('OEE trend per bucket: the buckets add up to the report of the whole range', async () => {
  const app = await server();
  const body = (await app.inject({ url: `/api/v1/oee/losses?asset=${M1}&${range}&bucket=1h` })).json();
  assert.equal(body.bucketMs, 60 * MIN);
  assert.equal(body.trend.length, 8);
  assert.deepEqual(body.trend.map((b: { from: number }) => new Date(b.from).toISOString().slice(11, 16)), ['06:00', '07:00', '08:00', '09:00', '10:00', '11:00', '12:00', '13:00']);
  const at = (hour: number) => body.trend[hour - 6];
  assert.equal(at(7).iso.availability, 1, 'a full hour running');
  assert.equal(at(12).iso.availability, 0, 'the breakdown hour');
  assert.equal(at(12).iso.oee, 0);
  assert.ok(Math.abs(at(9).iso.availability - 35 / 45) < 1e-12, 'minor stop (ISO availability) with the break out of PBT');
  assert.ok(Math.abs(at(9).nakajima.availability - 1) < 1e-12, 'a minor stop is a performance loss for Nakajima');
  const total = (await app.inject({ url: `/api/v1/oee?asset=${M1}&${range}` })).json().total;
  const pbt = body.trend.reduce((sum: number, b: { pbtMs: number }) => sum + b.pbtMs, 0);
  assert.equal(pbt, total.timeElements.PBT);
  await app.close();
});

test('errors: unknown asset, too many buckets, bad bucket', async () => {
  const app = await server();
  const code = async (url: string) => {
    const res = await app.inject({ url });
    return [res.statusCode, res.json().error?.code];
  };
  assert.deepEqual(await code(`/api/v1/oee/losses?asset=nope/x&${range}`), [404, 'LOOM_UNKNOWN_ASSET']);
  assert.deepEqual(await code(`/api/v1/oee/losses?asset=${M1}&${range}&bucket=1s`), [400, 'LOOM_BAD_REQUEST']);
  assert.deepEqual(await code(`/api/v1/oee/losses?asset=${M1}&${range}&bucket=soon`), [400, 'LOOM_BAD_BUCKET']);
  await app.close();
});

test('bucketedPlan cuts slots at bucket edges; downtimeReasons leaves out planned and producing time', () => {
  const from = Date.parse('2026-11-26T00:00:00Z');
  const plan = bucketedPlan(continuousPlan(), from, 15 * MIN);
  const slot = plan.at(from + 20 * MIN);
  assert.deepEqual([slot.shift, slot.until - from], ['1', 30 * MIN]);
  const reasons = downtimeReasons(
    [
      { from, to: from + 10 * MIN, category: 'running', reason: 'running', autoReason: 'running' },
      { from: from + 10 * MIN, to: from + 15 * MIN, category: 'planned_maintenance', reason: 'pm', autoReason: 'pm' },
      { from: from + 15 * MIN, to: from + 20 * MIN, category: 'breakdown', reason: 'jammed feeder', autoReason: 'breakdown', operatorReason: 'jammed feeder' },
      { from: from + 20 * MIN, to: from + 22 * MIN, category: 'breakdown', reason: 'jammed feeder', autoReason: 'breakdown', operatorReason: 'jammed feeder' },
    ],
    continuousPlan(),
    from,
    from + 21 * MIN,
  );
  assert.deepEqual(reasons, [{ reason: 'jammed feeder', category: 'breakdown', ms: 6 * MIN, stops: 2 }]);
});

test('downtimeReasons lists time without any state as no data (offline), as the report books it', () => {
  const from = Date.parse('2026-11-26T00:00:00Z');
  const reasons = downtimeReasons(
    [
      { from: from + 10 * MIN, to: from + 20 * MIN, category: 'running', reason: 'running', autoReason: 'running' },
      { from: from + 25 * MIN, to: from + 30 * MIN, category: 'running', reason: 'running', autoReason: 'running' },
    ],
    continuousPlan(),
    from,
    from + 40 * MIN,
  );
  assert.deepEqual(reasons, [{ reason: 'no data', category: 'offline', ms: 25 * MIN, stops: 3 }]);
});
