// End to end: the app's OEE uses the site's shift calendar and the machine's ideal cycle times from the
// config, keeps closed shifts between requests, and a late sample posted over HTTP updates the report.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, startLoom } from '../src/app.js';
import { parseConfig } from '../src/model/index.js';
import { startTestLoom } from './helpers.js';

const PRESS = 'acme/berlin/a/l/press-1';
const H = 3_600_000;
const CONFIG = `
plant:
  enterprise: { id: acme }
  sites:
    - id: berlin
      timezone: UTC
      shifts: { starts: ['06:00', '18:00'], names: [day, night], breaks: [{ start: '12:00', end: '12:30' }] }
      areas:
        - id: a
          lines:
            - id: l
              machines:
                - id: press-1
                  idealCycleTimes: { bracket-a: 30 }
                  tags:
                    - { name: state, role: state, states: { '1': running, '2': idle, '6': breakdown } }
                    - { name: good_count, role: good_count }
                    - { name: product, type: string, role: product }
`;

let loom: Awaited<ReturnType<typeof startTestLoom>>;
before(async () => {
  loom = await startTestLoom({ loaded: { config: parseConfig(CONFIG), file: 'oee.yaml', baseDir: process.cwd() } });
});
after(async () => loom?.stop());

const post = async (samples: unknown[]) => {
  const response = await fetch(`${loom.url}/api/v1/samples`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ samples }) });
  assert.deepEqual(await response.json(), { accepted: samples.length, rejected: 0 });
  await loom.bus.idle();
  await loom.historian.flush();
};
interface Report {
  shift?: string;
  total: { timeElements: Record<string, number>; quantities: { PRI: number; failures: number; GQ: number } };
  groups: Array<{ key: string }>;
}
const oee = async (from: number, to: number): Promise<Report> => {
  const response = await fetch(`${loom.url}/api/v1/oee?asset=${PRESS}&from=${from}&to=${to}&by=shift`);
  assert.equal(response.status, 200);
  return (await response.json()) as Report;
};

test('shifts and cycle times from the config; a late breakdown posted after a report shows in the next one', async () => {
  const day = new Date(Date.now() - 2 * 24 * H).toISOString().slice(0, 10);
  const start = Date.parse(`${day}T06:00:00Z`);
  const end = start + 12 * H; // the day shift of the config
  const samples: unknown[] = [
    { tag: `${PRESS}/product`, ts: start - H, value: 'bracket-a' },
    { tag: `${PRESS}/state`, ts: start - H, value: 2 },
    { tag: `${PRESS}/state`, ts: start, value: 1 },
  ];
  for (let m = 0; m <= 12 * 60; m++) samples.push({ tag: `${PRESS}/good_count`, ts: start + m * 60_000, value: 2 * m });
  await post(samples);

  const first = await oee(start, end);
  assert.deepEqual(first.groups.map((g) => g.key), [`${day} day`], 'one shift named by the config');
  assert.equal(first.total.timeElements.POT, 12 * H);
  assert.equal(first.total.timeElements.APT, 12 * H, 'running through the listed break is production');
  assert.equal(first.total.quantities.PRI, 30, 'ideal cycle time from idealCycleTimes');
  assert.equal(first.total.quantities.GQ, 1440);
  assert.deepEqual(await oee(start, end), first, 'the cached answer is the same');

  // Reported late: a breakdown from 08:00 to 09:00, and an idle break at 12:00 (planned downtime).
  await post([
    { tag: `${PRESS}/state`, ts: start + 2 * H, value: 6 },
    { tag: `${PRESS}/state`, ts: start + 3 * H, value: 1 },
    { tag: `${PRESS}/state`, ts: start + 6 * H, value: 2 },
    { tag: `${PRESS}/state`, ts: start + 6.5 * H, value: 1 },
  ]);
  const second = await oee(start, end);
  assert.equal(second.total.timeElements.APT, 10.5 * H);
  assert.equal(second.total.timeElements.PDT, 0.5 * H);
  assert.equal(second.total.timeElements.CMT, H);
  assert.equal(second.total.quantities.failures, 1);
});

test('closed shifts survive a clean restart; other cycle times recompute them; an import into the folder drops them', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'loom-oee-restart-'));
  const start = async (config: string) =>
    startLoom({ loaded: { config: parseConfig(config), file: 'oee.yaml', baseDir: process.cwd() }, dataDir, http: { port: 0, host: '127.0.0.1' }, logger: false, simulator: false, mqttBroker: 0 });
  const report = async (url: string, from: number, to: number) => {
    const response = await fetch(`${url}/api/v1/oee?asset=${PRESS}&from=${from}&to=${to}&by=shift`);
    assert.equal(response.status, 200);
    return (await response.json()) as Report;
  };
  try {
    const day = new Date(Date.now() - 3 * 24 * H).toISOString().slice(0, 10);
    const from = Date.parse(`${day}T06:00:00Z`);
    const to = from + 24 * H; // the day and night shifts, both closed
    let loom = await start(CONFIG);
    const samples: unknown[] = [
      { tag: `${PRESS}/product`, ts: from - H, value: 'bracket-a' },
      { tag: `${PRESS}/state`, ts: from, value: 1 },
    ];
    for (let m = 0; m <= 24 * 60; m += 2) samples.push({ tag: `${PRESS}/good_count`, ts: from + m * 60_000, value: 3 * m });
    const posted = await fetch(`${loom.url}/api/v1/samples`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ samples }) });
    assert.equal(posted.status, 200);
    await loom.bus.idle();
    await loom.historian.flush();
    const first = await report(loom.url, from, to);
    assert.equal(loom.oeeCache.shifts, 2);
    await loom.close();
    assert.ok(existsSync(join(dataDir, 'oee-shifts.json')), 'a clean close keeps the cache');

    loom = await start(CONFIG);
    assert.equal(loom.oeeCache.shifts, 2, 'restored at start');
    const computedBefore = loom.oeeCache.stats.computed;
    assert.deepEqual(await report(loom.url, from, to), first);
    assert.equal(loom.oeeCache.stats.computed, computedBefore, 'answered from the restored shifts, nothing computed');
    assert.ok(!existsSync(join(dataDir, 'oee-shifts.json')), 'taken at start: a crash leaves none behind');
    await loom.close();

    // Other ideal cycle times: the kept shifts were computed with 30 s and are computed again.
    loom = await start(CONFIG.replace('bracket-a: 30', 'bracket-a: 20'));
    const changed = await report(loom.url, from, to);
    assert.equal(changed.total.quantities.PRI, 20);
    assert.equal(first.total.quantities.PRI, 30);
    await loom.close();

    // Whatever else opens the folder (here as `loom import` does) takes the file: the next server computes afresh.
    const core = await openCore({ config: parseConfig(CONFIG), file: 'oee.yaml', baseDir: process.cwd() }, { dataDir, logger: false });
    assert.ok(core.oeeShifts.snapshot, 'the opener got the snapshot');
    await core.close();
    loom = await start(CONFIG);
    assert.equal(loom.oeeCache.shifts, 0);
    assert.deepEqual(await report(loom.url, from, to), first);
    await loom.close();

    // A historian kept in memory forgets its samples at exit: its shifts are not kept either.
    const inMemory = `${CONFIG}historian:\n  path: ':memory:'\n`;
    loom = await start(inMemory);
    assert.ok(!existsSync(join(dataDir, 'oee-shifts.json')), 'taken at start');
    loom.oeeCache.restore({ version: 1, assets: { [PRESS]: [{ start: from, end: from + 12 * H, variant: 'x', cells: [] }] } });
    await loom.close();
    assert.ok(!existsSync(join(dataDir, 'oee-shifts.json')), 'nothing kept for an in-memory historian');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
