// End to end: SPC monitors declared in the config run in the app; samples posted over HTTP that break
// a rule show up as events at GET /api/v1/spc/events and on the bus at $events/spc/<tag>.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../src/model/index.js';
import { eventually, startTestLoom } from './helpers.js';

const TAG = 'acme/berlin/machining/line-1/cnc-1/bore';
const CONFIG = `
plant:
  enterprise: { id: acme }
  sites:
    - id: berlin
      areas:
        - id: machining
          lines:
            - id: line-1
              machines:
                - id: cnc-1
                  tags:
                    - { name: bore, unit: mm }
                    - { name: force, unit: kN }
spc:
  monitors:
    - { tag: ${TAG}, chart: imr, phaseI: 10, rules: '1' }
    - { tag: acme/berlin/machining/line-1/cnc-1/force, chart: xbar-r, n: 2, phaseI: 5 }
`;

let loom: Awaited<ReturnType<typeof startTestLoom>>;
before(async () => {
  loom = await startTestLoom({ loaded: { config: parseConfig(CONFIG), file: 'spc.yaml', baseDir: process.cwd() } });
});
after(async () => loom?.stop());

const post = async (samples: unknown[]): Promise<unknown> =>
  (await fetch(`${loom.url}/api/v1/samples`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ samples }) })).json();
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers checked field by field
const events = async (query = ''): Promise<any> => (await fetch(`${loom.url}/api/v1/spc/events${query}`)).json();

test('a configured monitor raises a rule-1 event for a posted outlier, listed by the API and published on the bus', async () => {
  const onBus: unknown[] = [];
  loom.bus.subscribe('$events/spc/#', (messages) => void onBus.push(...messages), { name: 'test-spc' });
  const before = await events();
  assert.deepEqual(before.monitors, [TAG, 'acme/berlin/machining/line-1/cnc-1/force']);
  assert.deepEqual(before.events, []);

  const t0 = Date.now() - 60_000;
  const phaseI = [10, 10.02, 9.98, 10.01, 9.99, 10.03, 9.97, 10, 10.02, 9.98];
  assert.deepEqual(await post(phaseI.map((value, i) => ({ tag: TAG, ts: t0 + i * 1000, value }))), { accepted: 10, rejected: 0 });
  assert.deepEqual(await post([{ tag: TAG, ts: t0 + 10_000, value: 10.01 }]), { accepted: 1, rejected: 0 });
  await loom.bus.idle();
  assert.deepEqual((await events()).events, [], 'an in-control value raises nothing');

  assert.deepEqual(await post([{ tag: TAG, ts: t0 + 11_000, value: 10.5 }]), { accepted: 1, rejected: 0 });
  const listed = await eventually(async () => {
    const body = await events(`?tag=${encodeURIComponent(TAG)}`);
    return body.events.length > 0 ? body : undefined;
  }, 5_000, 'the SPC event');
  // The individual beyond its upper limit, and its moving range beyond the MR chart's.
  assert.deepEqual(listed.events.map((e: { chart: string }) => e.chart).sort(), ['dispersion', 'location']);
  const event = listed.events.find((e: { chart: string }) => e.chart === 'location');
  assert.equal(event.tag, TAG);
  assert.equal(event.rule, 'nelson-1');
  assert.equal(event.chart, 'location');
  assert.equal(event.value, 10.5);
  assert.equal(event.ts, t0 + 11_000);
  assert.ok(event.limits.upper < 10.5 && event.limits.upper > 10, `upper limit ${event.limits.upper}`);
  assert.equal(listed.received, 2);
  await eventually(() => onBus.length === 2, 2_000, 'the events on the bus');
  assert.ok(onBus.some((e) => JSON.stringify(e) === JSON.stringify(event)));

  // The monitors: the bore one in phase II with the limits the event was checked against.
  const { monitors } = (await (await fetch(`${loom.url}/api/v1/spc/monitors`)).json()) as { monitors: Array<{ tag: string; phase: string; points: number; published: number; limits: { location: { upper: number } } | null }> };
  assert.deepEqual(monitors.map((m) => [m.tag, m.phase, m.points, m.published]), [[TAG, 'II', 12, 2], ['acme/berlin/machining/line-1/cnc-1/force', 'I', 0, 0]]);
  assert.equal(monitors[0].limits?.location.upper, event.limits.upper);

  // Filters: another tag's path and a later `since` leave it out.
  assert.deepEqual((await events('?tag=acme/berlin/machining/line-1/cnc-1/force')).events, []);
  assert.deepEqual((await events(`?since=${t0 + 12_000}`)).events, []);
  // The historian (subscribed to '#') stored the samples, not the event.
  await loom.historian.flush();
  const history = (await (await fetch(`${loom.url}/api/v1/history?tag=${encodeURIComponent(TAG)}&from=${t0}&to=${t0 + 20_000}`)).json()) as { points: unknown[] };
  assert.equal(history.points.length, 12);
});

test('a bad since is refused with LOOM_BAD_TIME', async () => {
  const response = await fetch(`${loom.url}/api/v1/spc/events?since=yesterday-ish`);
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'LOOM_BAD_TIME');
});
