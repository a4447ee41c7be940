// Unit test of the SPC routes through Fastify inject(): the historian is a fake implementing only
// `query` (the real DuckDB historian is tested in src/historian). The error handler below mirrors the
// one buildApi installs (src/api/server.ts), so answers have the API's error shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { ApiError } from '../../api/errors.js';
import { TagRegistry } from '../../model/index.js';
import type { HistoryPoint, HistoryQuery, HistoryResult } from '../../historian/types.js';
import { spcRoutes } from './index.js';

const TAG = 'acme/berlin/machining/line-1/cnc-1/ring-diameter';
const TEXT_TAG = 'acme/berlin/machining/line-1/cnc-1/product';
const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);

const diameters = readFileSync(new URL('./fixtures/pistonrings.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => /^\d/.test(line))
  .map((line) => Number(line.split(',')[1]));

/** A historian that answers every query with `points` (raw) or a bucketed answer, and records queries. */
function fakeHistorian(points: HistoryPoint[], options: { bucketed?: boolean; fail?: string } = {}) {
  const queries: HistoryQuery[] = [];
  return {
    queries,
    async query(query: HistoryQuery): Promise<HistoryResult> {
      queries.push(query);
      if (options.fail) throw new Error(options.fail);
      return { tag: query.tag, from: query.from, to: query.to, resolution: options.bucketed ? '1m' : 'raw', bucketMs: options.bucketed ? 60_000 : null, agg: null, points };
    },
  };
}

async function app(historian = fakeHistorian(diameters.map((value, i) => ({ ts: t0 + i * 1000, value, quality: 'good' as const })))) {
  const registry = new TagRegistry();
  registry.upsert({ path: TAG, asset: 'acme/berlin/machining/line-1/cnc-1', name: 'ring-diameter', type: 'number', unit: 'mm' });
  registry.upsert({ path: TEXT_TAG, asset: 'acme/berlin/machining/line-1/cnc-1', name: 'product', type: 'string' });
  const server = Fastify({ ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
  server.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send({ error: { code: error.code, message: error.message, hint: error.hint } });
    if (error.validation) return reply.status(400).send({ error: { code: 'LOOM_BAD_REQUEST', message: error.message } });
    return reply.status(500).send({ error: { code: 'LOOM_INTERNAL', message: error.message } });
  });
  await spcRoutes(server, { historian, registry });
  return { server, historian };
}

const range = `from=${t0}&to=${t0 + 3_600_000}`;

describe('GET /api/v1/spc (unit test of the route, fake historian)', () => {
  test('charts the piston-ring history as REFERENCE.md section 5 states', async () => {
    const { server, historian } = await app();
    const url = `/api/v1/spc?tag=${TAG}&${range}&chart=xbar-r&n=5&phase1=25&rules=1&lsl=73.95&usl=74.05&constants=rounded`;
    const response = await server.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(historian.queries, [{ tag: TAG, from: t0, to: t0 + 3_600_000, maxPoints: 100_000 }]);
    assert.equal(body.tag, TAG);
    assert.equal(body.chart, 'xbar-r');
    assert.equal(body.n, 5);
    assert.deepEqual(body.samples, { used: 200, skipped: 0, dropped: 0 });
    assert.equal(body.points.length, 40);
    assert.deepEqual(body.points[0], { index: 0, location: 74.0102, dispersion: body.points[0].dispersion, ts: t0 + 4000, phaseI: true });
    assert.equal(body.points[0].dispersion.toFixed(3), '0.038');
    assert.equal(body.limits.location.lower.toFixed(5), '73.98804');
    assert.equal(body.limits.location.upper.toFixed(5), '74.01431');
    assert.equal(body.limits.dispersion.upper.toFixed(5), '0.04811');
    assert.deepEqual(body.rules, ['nelson-1']);
    assert.deepEqual(body.violations.map((v: { index: number; ts?: number }) => v.index + 1), [37, 38, 39]);
    assert.deepEqual([body.capability.cp, body.capability.cpk, body.capability.pp, body.capability.ppk].map((v: number) => v.toFixed(3)), ['1.703', '1.663', '1.655', '1.616']);
  });

  test('defaults: individuals chart, Nelson rules, all points phase I, no capability without a spec', async () => {
    const { server } = await app();
    const body = (await server.inject({ method: 'GET', url: `/api/v1/spc?tag=${TAG}&${range}` })).json();
    assert.equal(body.chart, 'imr');
    assert.equal(body.n, 1);
    assert.equal(body.points.length, 200);
    assert.equal(body.points[0].dispersion, null);
    assert.equal(body.rules.length, 8);
    assert.ok(body.points.every((p: { phaseI: boolean }) => p.phaseI));
    assert.equal(body.capability, null);
  });

  test('bad-quality and non-numeric samples are skipped and an incomplete last subgroup is dropped', async () => {
    const points: HistoryPoint[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ ts: t0 + i, value: 10 + (i % 3), quality: 'good' as const })),
      { ts: t0 + 20, value: 99, quality: 'bad' },
      { ts: t0 + 21, value: 99, quality: 'uncertain' },
      { ts: t0 + 22, value: null },
      { ts: t0 + 23, value: 'x' },
    ];
    const { server } = await app(fakeHistorian(points));
    const body = (await server.inject({ method: 'GET', url: `/api/v1/spc?tag=${TAG}&${range}&chart=xbar-s&n=5` })).json();
    assert.deepEqual(body.samples, { used: 12, skipped: 4, dropped: 2 });
    assert.equal(body.points.length, 2);
    assert.equal(body.points[1].ts, t0 + 9);
  });

  const errors: Array<[string, string, number, string, RegExp?]> = [
    ['unknown tag', `tag=acme/nope&${range}`, 404, 'LOOM_UNKNOWN_TAG'],
    ['text tag', `tag=${TEXT_TAG}&${range}`, 400, 'LOOM_BAD_REQUEST', /number tag/],
    ['unknown rule', `tag=${TAG}&${range}&rules=9`, 400, 'LOOM_BAD_REQUEST', /unknown rule '9'/],
    ['unknown chart', `tag=${TAG}&${range}&chart=p`, 400, 'LOOM_BAD_REQUEST'],
    ['subgroup too large', `tag=${TAG}&${range}&chart=xbar-r&n=26`, 400, 'LOOM_BAD_REQUEST'],
    ['reversed range', `tag=${TAG}&from=${t0 + 10}&to=${t0}`, 400, 'LOOM_BAD_RANGE'],
    ['usl below lsl', `tag=${TAG}&${range}&usl=1&lsl=2`, 400, 'LOOM_BAD_REQUEST', /greater than lsl/],
  ];
  for (const [name, query, status, code, message] of errors) {
    test(`refuses: ${name} (${code})`, async () => {
      const { server } = await app();
      const response = await server.inject({ method: 'GET', url: `/api/v1/spc?${query}` });
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error.code, code);
      if (message) assert.match(response.json().error.message, message);
    });
  }

  test('a range too long for raw samples, and a failing historian, are explained', async () => {
    const bucketed = await app(fakeHistorian([], { bucketed: true }));
    const tooLong = await bucketed.server.inject({ method: 'GET', url: `/api/v1/spc?tag=${TAG}&${range}` });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.json().error.message, /more than 100000 samples/);
    const failing = await app(fakeHistorian([], { fail: 'disk on fire' }));
    const failed = await failing.server.inject({ method: 'GET', url: `/api/v1/spc?tag=${TAG}&${range}` });
    assert.equal(failed.json().error.code, 'LOOM_QUERY_FAILED');
    assert.match(failed.json().error.message, /disk on fire/);
  });

  test('too few samples for a chart is a bad request, not a crash', async () => {
    const { server } = await app(fakeHistorian([{ ts: t0, value: 1, quality: 'good' }]));
    const response = await server.inject({ method: 'GET', url: `/api/v1/spc?tag=${TAG}&${range}` });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().error.message, /at least 2/);
  });
});

describe('POST /api/v1/spc/measurements', () => {
  const post = async (payload: unknown) => {
    const { server } = await app();
    const response = await server.inject({ method: 'POST', url: '/api/v1/spc/measurements', payload: payload as object });
    return { status: response.statusCode, body: response.json() };
  };
  const subgroups = Array.from({ length: 40 }, (_, s) => diameters.slice(s * 5, s * 5 + 5));

  test('subgroups default to an X-bar/R chart; phase I and specification as for GET', async () => {
    const { status, body } = await post({ measurements: subgroups, phase1: 25, lsl: 73.95, usl: 74.05, rules: 'we' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.chart, 'xbar-r');
    assert.equal(body.limits.location.center.toFixed(6), '74.001176');
    assert.deepEqual(body.rules, ['we-1', 'we-2', 'we-3', 'we-4']);
    assert.deepEqual(body.violations.filter((v: { rule: string }) => v.rule === 'we-1').map((v: { index: number }) => v.index + 1), [37, 38, 39]);
    assert.equal(body.capability.cp.toFixed(3), '1.703');
  });

  test('frozen limits from an earlier answer monitor new subgroups (phase II)', async () => {
    const first = await post({ measurements: subgroups.slice(0, 25) });
    assert.equal(first.status, 200);
    const second = await post({ measurements: subgroups.slice(25), limits: first.body.limits, rules: '1' });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.deepEqual(second.body.limits, first.body.limits);
    assert.ok(second.body.points.every((p: { phaseI: boolean }) => !p.phaseI));
    assert.deepEqual(second.body.violations.filter((v: { chart: string }) => v.chart === 'location').map((v: { index: number }) => v.index + 26), [37, 38, 39]);
  });

  test('a flat array is an individuals chart, or grouped by n for X-bar charts', async () => {
    const imr = await post({ measurements: [10, 12, 11, 13, 10, 30], rules: '1', usl: 40, lsl: 0 });
    assert.equal(imr.body.chart, 'imr');
    assert.equal(imr.body.points.length, 6);
    assert.ok(imr.body.capability.cpk > 0);
    const grouped = await post({ measurements: diameters.slice(0, 12), chart: 'xbar-s', n: 5 });
    assert.equal(grouped.body.n, 5);
    assert.equal(grouped.body.points.length, 2);
    assert.deepEqual(grouped.body.samples, { dropped: 2 });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['mixed numbers and subgroups', { measurements: [1, [2, 3]] }, /all numbers or all subgroups/],
    ['unequal subgroups', { measurements: [[1, 2], [1, 2, 3]] }, /equal size/],
    ['subgroups for an individuals chart', { measurements: [[1, 2], [3, 4]], chart: 'imr' }, /flat array/],
    ['no variation', { measurements: [5, 5, 5, 5] }, /no variation/],
    ['limits of another chart', { measurements: [1, 2, 2, 4], chart: 'xbar-r', n: 2, limits: { chart: 'imr', n: 1, constants: 'exact', location: { center: 0, lower: -1, upper: 1, sigma: 0.3 }, dispersion: { center: 0.4, lower: 0, upper: 1, sigma: 0.3 }, sigmaWithin: 0.3, phaseISize: 5 } }, /limits are for imr/],
    ['malformed limits', { measurements: [1, 2, 3], limits: { chart: 'imr' } }, /must have required property/],
    ['no measurements', {}, /measurements/],
    ['text values', { measurements: ['a', 'b'] }, /number/],
  ];
  for (const [name, payload, message] of refused) {
    test(`refuses: ${name}`, async () => {
      const { status, body } = await post(payload);
      assert.equal(status, 400, JSON.stringify(body));
      assert.equal(body.error.code, 'LOOM_BAD_REQUEST');
      assert.match(body.error.message, message);
    });
  }
});
