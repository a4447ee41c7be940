import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { API_ERRORS } from '../src/api/index.js';
import { eventually, startTestLoom } from './helpers.js';

const PRESS = 'acme/berlin/machining/line-1/press-1';
const H = 3_600_000;

describe('HTTP API', () => {
  let loom: Awaited<ReturnType<typeof startTestLoom>>;
  const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);

  before(async () => {
    loom = await startTestLoom();
    // A tag the config does not declare, registered as a connector would.
    loom.registry.upsert({ path: `${PRESS}/temperature`, asset: PRESS, name: 'temperature', type: 'number', unit: 'degC' });
    loom.registry.upsert({ path: `${PRESS}/product`, asset: PRESS, name: 'product', type: 'string' });
    loom.registry.upsert({ path: `${PRESS}/state`, asset: PRESS, name: 'state', type: 'number', role: 'state', states: { '1': 'running', '6': 'breakdown' } });
    await loom.historian.defineTags(loom.registry.all());
  });
  after(async () => loom?.stop());

  const get = async (url: string) => {
    const response = await loom.api.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  };
  const post = async (samples: unknown[]) => (await loom.api.inject({ method: 'POST', url: '/api/v1/samples', payload: { samples } })).json();

  test('health answers ok with version', async () => {
    const { status, body } = await get('/api/v1/health');
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
  });

  test('assets is the ISA-95 tree of the plant', async () => {
    const { body } = await get('/api/v1/assets');
    assert.equal(body.path, 'acme');
    assert.equal(body.level, 'enterprise');
    const line1 = body.children[0].children[0].children[0];
    assert.equal(line1.path, 'acme/berlin/machining/line-1');
    assert.deepEqual(line1.children.map((m: { id: string }) => m.id), ['press-1', 'cnc-1', 'cnc-2']);
    assert.equal(line1.children[0].kind, 'press');
  });

  test('samples posted over HTTP land in history, latest values and tags', async () => {
    const samples = Array.from({ length: 120 }, (_, i) => ({ tag: `${PRESS}/temperature`, ts: t0 + i * 1000, value: 100 + i }));
    assert.deepEqual(await post(samples), { accepted: 120, rejected: 0 });
    assert.deepEqual(await post([{ tag: `${PRESS}/product`, ts: t0, value: 'P-7' }]), { accepted: 1, rejected: 0 });
    await loom.bus.idle();
    await loom.historian.flush();

    const tags = await get(`/api/v1/tags?path=${encodeURIComponent(`${PRESS}/+`)}`);
    const temp = tags.body.tags.find((t: { path: string }) => t.path === `${PRESS}/temperature`);
    assert.deepEqual([temp.value, temp.ts, temp.quality, temp.unit], [219, t0 + 119_000, 'good', 'degC']);
    assert.equal(tags.body.tags.find((t: { name: string }) => t.name === 'product').value, 'P-7');

    const raw = await get(`/api/v1/history?tag=${PRESS}/temperature&from=${t0}&to=${t0 + 120_000}`);
    assert.equal(raw.status, 200);
    assert.equal(raw.body.resolution, 'raw');
    assert.equal(raw.body.points.length, 120);
    assert.deepEqual(raw.body.points[5], { ts: t0 + 5000, value: 105, quality: 'good' });

    const iso = (ms: number) => new Date(ms).toISOString();
    const bucketed = await get(`/api/v1/history?tag=${PRESS}/temperature&from=${iso(t0)}&to=${iso(t0 + 120_000)}&bucket=1m&agg=max`);
    assert.equal(bucketed.status, 200);
    assert.equal(bucketed.body.bucketMs, 60_000);
    assert.deepEqual(bucketed.body.points.map((p: { value: number }) => p.value), [159, 219]);
    const avg = await get(`/api/v1/history?tag=${PRESS}/temperature&from=${t0}&to=${t0 + 120_000}&bucket=1m&agg=avg`);
    assert.deepEqual(avg.body.points.map((p: { value: number }) => p.value), [129.5, 189.5]);
  });

  test('a tag registered at run time is stored from its first sample on (no define race)', async () => {
    for (let i = 0; i < 20; i++) {
      const path = `${PRESS}/runtime-${i}`;
      loom.registry.upsert({ path, asset: PRESS, name: `runtime-${i}`, type: 'number', source: 'test' });
      assert.deepEqual(await post([{ tag: path, ts: t0 + i, value: i }]), { accepted: 1, rejected: 0 });
    }
    await loom.bus.idle();
    await loom.historian.flush();
    for (let i = 0; i < 20; i++) {
      const { body } = await get(`/api/v1/history?tag=${PRESS}/runtime-${i}&from=${t0}&to=${t0 + 60_000}`);
      assert.deepEqual(body.points.map((p: { value: number }) => p.value), [i], `runtime-${i}`);
    }
  });

  test('bad history requests get a 400 or 404 with a code, a message and a hint', async () => {
    const cases: Array<[string, number, string]> = [
      [`/api/v1/history?tag=${PRESS}/nope`, 404, 'LOOM_UNKNOWN_TAG'],
      [`/api/v1/history?tag=${PRESS}/temperature&from=${t0 + H}&to=${t0}`, 400, 'LOOM_BAD_RANGE'],
      [`/api/v1/history?tag=${PRESS}/temperature&from=yesterday`, 400, 'LOOM_BAD_TIME'],
      [`/api/v1/history?tag=${PRESS}/temperature&bucket=fortnightly`, 400, 'LOOM_BAD_BUCKET'],
      [`/api/v1/history?tag=${PRESS}/temperature&from=${t0 - 30 * 24 * H}&to=${t0}&bucket=1s`, 400, 'LOOM_TOO_MANY_BUCKETS'],
      [`/api/v1/history?tag=${PRESS}/temperature&agg=median`, 400, 'LOOM_BAD_REQUEST'],
      ['/api/v1/history', 400, 'LOOM_BAD_REQUEST'],
      ['/api/v1/tags?path=a/%23/b', 400, 'LOOM_BAD_PATTERN'],
      ['/api/v1/states?asset=acme/nowhere', 404, 'LOOM_UNKNOWN_ASSET'],
      ['/api/v1/nothing-here', 404, 'LOOM_BAD_REQUEST'],
    ];
    for (const [url, status, code] of cases) {
      const response = await get(url);
      assert.equal(response.status, status, url);
      assert.equal(response.body.error.code, code, url);
      assert.ok(response.body.error.message.length > 0 && response.body.error.hint.length > 0, url);
    }
  });

  test('history queries: stddev, boundary point, interpolation, value at a time, aligned tags, corrections', async () => {
    const FLOW = `${PRESS}/flow`;
    loom.registry.upsert({ path: FLOW, asset: PRESS, name: 'flow', type: 'number', source: 'test' });
    const f = (s: number, value: number, quality = 'good') => ({ tag: FLOW, ts: t0 + s * 1000, value, quality });
    await post([f(0, 10), f(10, 20), f(20, 30, 'bad'), f(60, 40)]);
    await loom.bus.idle();
    await loom.historian.flush();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());

    const trend = await get(`/api/v1/history?tag=${FLOW}&from=${t0 + 5_000}&to=${t0 + 60_000}&boundary=true`);
    assert.deepEqual(trend.body.before, { ts: t0, value: 10, quality: 'good' });
    assert.deepEqual(trend.body.points.map((p: { ts: number }) => p.ts - t0), [10_000, 20_000]);
    const stddev = await get(`/api/v1/history?tag=${FLOW}&from=${t0}&to=${t0 + 120_000}&bucket=1m&agg=stddev`);
    assert.equal(stddev.status, 200);
    assert.ok(Math.abs(stddev.body.points[0].value - Math.sqrt(50)) < 1e-9, 'stddev of 10 and 20 (the bad 30 left out)');
    assert.equal(stddev.body.points[1].value, null, 'one good value has no sample standard deviation');

    const interpolated = await get(`/api/v1/history/interpolated?tag=${FLOW}&from=${t0}&to=${t0 + 30_000}&step=5s&method=linear&maxGap=30s`);
    assert.equal(interpolated.status, 200);
    assert.deepEqual(
      interpolated.body.points.map((p: { ts: number; value: number | null; reason?: string }) => [(p.ts - t0) / 1000, p.value ?? p.reason]),
      [[0, 10], [5, 15], [10, 20], [15, 'not-good'], [20, 'not-good'], [25, 'gap']], // 20 s (bad) to 60 s is longer than maxGap
    );
    assert.deepEqual([interpolated.body.method, interpolated.body.stepMs, interpolated.body.maxGapMs], ['linear', 5_000, 30_000]);
    const at = await get(`/api/v1/history/at?tag=${FLOW}&ts=${iso(t0 + 5_000)}&method=linear`);
    assert.deepEqual([at.body.value, at.body.before.ts, at.body.after.ts], [15, t0, t0 + 10_000]);

    const aligned = await get(`/api/v1/history/aligned?tag=${FLOW}&tag=${PRESS}/temperature&from=${t0}&to=${t0 + 120_000}&bucket=1m&agg=max`);
    assert.equal(aligned.status, 200);
    assert.deepEqual(aligned.body.buckets, [t0, t0 + 60_000]);
    assert.deepEqual(aligned.body.series.map((x: { tag: string; values: unknown[] }) => [x.tag, x.values]), [[FLOW, [20, 40]], [`${PRESS}/temperature`, [159, 219]]]);
    const single = await get(`/api/v1/history/aligned?tag=${FLOW}&from=${t0}&to=${t0 + 120_000}&bucket=1m&agg=count`);
    assert.deepEqual(single.body.series[0].values, [3, 1], 'one tag param is a list of one');

    await post([f(10, 25)]);
    await loom.bus.idle();
    await loom.historian.flush();
    const corrections = await get(`/api/v1/history/corrections?tag=${FLOW}&from=${t0}&to=${t0 + H}`);
    assert.equal(corrections.status, 200);
    assert.deepEqual(
      corrections.body.corrections.map((c: { ts: number; old: unknown; new: unknown }) => [c.ts - t0, c.old, c.new]),
      [[10_000, { value: 20, quality: 'good' }, { value: 25, quality: 'good' }]],
    );
    assert.equal(corrections.body.count, 1);

    const tooMany = Array.from({ length: 51 }, (_, i) => `tag=${PRESS}/t-${i}`).join('&');
    const cases: Array<[string, number, string, RegExp]> = [
      [`/api/v1/history/aligned?${tooMany}`, 400, 'LOOM_TOO_MANY_TAGS', /51 tags asked; at most 50/],
      [`/api/v1/history/aligned?tag=${FLOW}&tag=${PRESS}/nope`, 404, 'LOOM_UNKNOWN_TAG', /nope/],
      [`/api/v1/history/aligned?tag=${FLOW}&from=${t0 - 30 * 24 * H}&to=${t0}&bucket=1s`, 400, 'LOOM_TOO_MANY_BUCKETS', /at most 10000/],
      [`/api/v1/history/aligned?tag=${FLOW}&tag=${PRESS}/temperature&from=${t0 + H}&to=${t0}`, 400, 'LOOM_BAD_RANGE', /not before/],
      [`/api/v1/history/interpolated?tag=${FLOW}&from=${t0 - 30 * 24 * H}&to=${t0}&step=1s`, 400, 'LOOM_TOO_MANY_BUCKETS', /2592000 points of 1s asked; at most 10000/],
      [`/api/v1/history/interpolated?tag=${FLOW}&from=${t0 + H}&to=${t0}&step=1s`, 400, 'LOOM_BAD_RANGE', /not before/],
      [`/api/v1/history/interpolated?tag=${FLOW}&step=fortnightly`, 400, 'LOOM_BAD_BUCKET', /step 'fortnightly'/],
      [`/api/v1/history/interpolated?tag=${FLOW}&step=1s&maxGap=soon`, 400, 'LOOM_BAD_BUCKET', /maxGap 'soon'/],
      [`/api/v1/history/interpolated?tag=${FLOW}&step=1s&method=spline`, 400, 'LOOM_BAD_REQUEST', /method/],
      [`/api/v1/history/interpolated?tag=${FLOW}`, 400, 'LOOM_BAD_REQUEST', /step/],
      [`/api/v1/history/interpolated?tag=${PRESS}/nope&step=1s`, 404, 'LOOM_UNKNOWN_TAG', /nope/],
      [`/api/v1/history/interpolated?tag=${PRESS}/product&step=1s&method=linear`, 400, 'LOOM_QUERY_FAILED', /'linear' needs numbers/],
      [`/api/v1/history/at?tag=${FLOW}&ts=noon`, 400, 'LOOM_BAD_TIME', /noon/],
      [`/api/v1/history?tag=${PRESS}/product&bucket=1m&agg=stddev`, 400, 'LOOM_QUERY_FAILED', /'stddev' needs numbers/],
      [`/api/v1/history/corrections?limit=0`, 400, 'LOOM_BAD_REQUEST', /limit/],
    ];
    for (const [url, status, code, message] of cases) {
      const response = await get(url);
      assert.equal(response.status, status, url);
      assert.equal(response.body.error.code, code, url);
      assert.match(response.body.error.message, message, url);
    }
  });

  test('states turns the state tag into intervals with names', async () => {
    const s = (ts: number, value: number) => ({ tag: `${PRESS}/state`, ts, value });
    await post([s(t0, 1), s(t0 + 60_000, 1), s(t0 + 120_000, 6), s(t0 + 300_000, 1)]);
    await loom.bus.idle();
    await loom.historian.flush();
    const { status, body } = await get(`/api/v1/states?asset=${PRESS}&from=${t0}&to=${t0 + 600_000}`);
    assert.equal(status, 200);
    assert.equal(body.tag, `${PRESS}/state`);
    assert.deepEqual(body.intervals, [
      { from: t0, to: t0 + 120_000, code: 1, state: 'running' },
      { from: t0 + 120_000, to: t0 + 300_000, code: 6, state: 'breakdown' },
      { from: t0 + 300_000, to: t0 + 600_000, code: 1, state: 'running' },
    ]);
  });

  test('bad samples are refused, counted and visible as dead letters and metrics', async () => {
    const result = await post([
      { tag: `${PRESS}/unknown`, ts: t0, value: 1 },
      { tag: `${PRESS}/temperature`, ts: 'not a time', value: 1 },
      { tag: `${PRESS}/temperature`, ts: t0, value: 'hot' },
      42,
    ]);
    assert.deepEqual(result, { accepted: 0, rejected: 4 });
    const letters = await get('/api/v1/dead-letters?limit=10');
    assert.equal(letters.body.total, 4);
    assert.deepEqual(letters.body.byReason, { unknown_tag: 1, bad_timestamp: 1, wrong_type: 1, malformed: 1 });
    assert.equal(letters.body.items[3].reason, 'unknown_tag');
    assert.equal(letters.body.items[3].source, 'api');
    const system = await get('/api/v1/system');
    assert.equal(system.body.deadLetters.total, 4);
    assert.ok(system.body.ingest.accepted >= 121);
    assert.ok(system.body.bus.subscribers.some((s: { name: string }) => s.name === 'historian'));
    assert.ok(system.body.historian.rawRows >= 121);
    const metrics = await loom.api.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /loom_samples_in_total\{outcome="rejected"\} 4/);
    assert.match(metrics.body, /loom_dead_letters_total\{reason="unknown_tag"\} 1/);
    assert.match(metrics.body, /loom_bus_queue_depth\{subscriber="historian"\} \d+/);
    assert.match(metrics.body, /loom_historian_write_latency_seconds_count \d+/);
    assert.match(metrics.body, /loom_event_loop_lag_seconds \d/);
    assert.match(metrics.body, /loom_bus_dropped_total|loom_bus_queue_limit/);
  });

  test('a malformed body is a 400, never a crash', async () => {
    const response = await loom.api.inject({ method: 'POST', url: '/api/v1/samples', headers: { 'content-type': 'application/json' }, payload: '{"samples": [' });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'LOOM_BAD_REQUEST');
    const health = await get('/api/v1/health');
    assert.equal(health.status, 200);
  });

  test('OpenAPI is served at /docs with every route', async () => {
    const { status, body } = await get('/docs/json');
    assert.equal(status, 200);
    for (const path of ['/api/v1/health', '/api/v1/assets', '/api/v1/tags', '/api/v1/history', '/api/v1/history/aligned', '/api/v1/history/interpolated', '/api/v1/history/at', '/api/v1/history/corrections', '/api/v1/live', '/api/v1/states', '/api/v1/system', '/metrics']) {
      assert.ok(body.paths[path], `missing ${path}`);
    }
  });

  test('the live WebSocket sends a snapshot, then new samples for its pattern only', async () => {
    const ws = new WebSocket(`${loom.url.replace('http', 'ws')}/api/v1/live?path=${encodeURIComponent(`${PRESS}/temperature`)}`);
    const messages: Array<{ type: string; samples: Array<{ tag: string; value: unknown }> }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await eventually(() => messages.find((m) => m.type === 'snapshot'), 5_000, 'snapshot');
      assert.equal(messages[0].samples[0].tag, `${PRESS}/temperature`);
      await post([
        { tag: `${PRESS}/temperature`, ts: t0 + 200_000, value: 77.5 },
        { tag: `${PRESS}/product`, ts: t0 + 200_000, value: 'not for this socket' },
      ]);
      const update = await eventually(() => messages.find((m) => m.type === 'samples'), 5_000, 'live samples');
      assert.deepEqual(update.samples.map((s) => [s.tag, s.value]), [[`${PRESS}/temperature`, 77.5]]);
      ws.send(JSON.stringify({ subscribe: 'a/#/b' }));
      const error = await eventually(() => messages.find((m) => m.type === 'error'), 5_000, 'error message');
      assert.match(JSON.stringify(error), /'#' must be the last level/);
    } finally {
      ws.close();
    }
  });

  test('the live WebSocket catches up with a sample that reached the historian after the snapshot', async () => {
    const ws = new WebSocket(`${loom.url.replace('http', 'ws')}/api/v1/live?path=${encodeURIComponent(`${PRESS}/temperature`)}`);
    const messages: Array<{ type: string; samples: Array<{ tag: string; value: unknown }> }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await eventually(() => messages.find((m) => m.type === 'snapshot'), 5_000, 'snapshot');
      // Written straight to the historian, as a sample published before the subscription and stored
      // after the snapshot would be: it never comes through this socket's bus subscription.
      await loom.historian.write([{ tag: `${PRESS}/temperature`, ts: t0 + 300_000, value: 81.25, quality: 'good' }]);
      const caughtUp = await eventually(() => messages.find((m) => m.type === 'samples' && m.samples.some((s) => s.value === 81.25)), 5_000, 'catch-up');
      assert.deepEqual(caughtUp.samples.map((s) => [s.tag, s.value]), [[`${PRESS}/temperature`, 81.25]]);
    } finally {
      ws.close();
    }
  });

  test('write-back goes through the owning connector, checks the type, and audits every attempt', async () => {
    const writes: Array<[string, unknown]> = [];
    let failNext = false;
    loom.connectors.push({
      id: 'plc-1',
      kind: 'test',
      tagDefinitions: () => [],
      start: async () => undefined,
      stop: async () => undefined,
      health: () => ({ id: 'plc-1', kind: 'test', state: 'connected' }),
      write: async (tag, value) => {
        if (failNext) throw new Error('device answered exception 2 (illegal data address)');
        writes.push([tag, value]);
      },
    });
    loom.registry.upsert({ path: `${PRESS}/setpoint`, asset: PRESS, name: 'setpoint', type: 'number', source: 'plc-1' });
    const write = (path: string, payload: unknown) => loom.api.inject({ method: 'POST', url: `/api/v1/tags/${path}/write`, payload: payload as object });

    const ok = await write(`${PRESS}/setpoint`, { value: 42.5, user: 'eng-anna', reason: 'new recipe' });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(writes, [[`${PRESS}/setpoint`, 42.5]]);
    assert.equal(ok.json().audit.result, 'ok');

    const cases: Array<[string, unknown, number, string]> = [
      [`${PRESS}/setpoint`, { value: 'fast' }, 400, 'LOOM_BAD_VALUE'],
      [`${PRESS}/temperature`, { value: 1 }, 409, 'LOOM_READ_ONLY_TAG'],
      [`${PRESS}/nope`, { value: 1 }, 404, 'LOOM_UNKNOWN_TAG'],
      [`${PRESS}/setpoint`, {}, 400, 'LOOM_BAD_REQUEST'],
    ];
    for (const [path, payload, status, code] of cases) {
      const response = await write(path, payload);
      assert.equal(response.statusCode, status, `${path} ${JSON.stringify(payload)}`);
      assert.equal(response.json().error.code, code);
    }
    failNext = true;
    const failed = await write(`${PRESS}/setpoint`, { value: 1 });
    assert.equal(failed.statusCode, 502);
    assert.match(failed.json().error.message, /illegal data address/);
    assert.equal(writes.length, 1);

    const audit = (await get('/api/v1/audit?limit=10')).body.items;
    assert.deepEqual(
      audit.map((a: { result: string; tag: string }) => `${a.result}:${a.tag.split('/').pop()}`),
      ['failed:setpoint', 'refused:nope', 'refused:temperature', 'refused:setpoint', 'ok:setpoint'],
    );
    assert.equal(audit[4].user, 'eng-anna');
    assert.equal(audit[4].reason, 'new recipe');
  });

  test('analytics routes are served by the app: OEE, live OEE, KPIs and SPC', async () => {
    const oee = await get(`/api/v1/oee?asset=${PRESS}&from=${t0}&to=${t0 + 600_000}`);
    assert.equal(oee.status, 200, JSON.stringify(oee.body));
    // Live OEE counts from the app's start: a state sample from now on, and its next one-second tick.
    await post([{ tag: `${PRESS}/state`, ts: Date.now(), value: 1 }]);
    const live = await eventually(async () => {
      const answer = await get(`/api/v1/oee/live?asset=${PRESS}`);
      return answer.status === 200 ? answer : undefined;
    }, 10_000, 'live OEE for the press');
    assert.ok(live.body, JSON.stringify(live.body));
    const kpis = await get(`/api/v1/kpis?asset=${PRESS}`);
    assert.equal(kpis.status, 200, JSON.stringify(kpis.body));
    const spc = await get(`/api/v1/spc?tag=${PRESS}/temperature&from=${t0}&to=${t0 + 120_000}&chart=imr`);
    assert.equal(spc.status, 200, JSON.stringify(spc.body));
    const docs = await get('/docs/json');
    for (const path of ['/api/v1/oee', '/api/v1/spc', '/api/v1/kpis']) assert.ok(docs.body.paths[path], path);
  });

  test('every API error code is documented in docs/errors.md', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(API_ERRORS)) assert.ok(doc.includes(`\`${code}\``), `${code} is not in docs/errors.md`);
  });
});
